#include "log.hpp"

#include <cstdio>
#include <string>

namespace dnskit::nameserver::log {
namespace {
std::atomic<int> level_{static_cast<int>(level::info)};
}

bool parse_level(std::string_view text, level& out) noexcept {
  if (text == "error") out = level::error;
  else if (text == "warning" || text == "warn") out = level::warning;
  else if (text == "info") out = level::info;
  else if (text == "debug") out = level::debug;
  else return false;
  return true;
}

std::string_view level_name(level l) noexcept {
  switch (l) {
    case level::error: return "error";
    case level::warning: return "warning";
    case level::info: return "info";
    case level::debug: return "debug";
  }
  return "info";
}

void set_level(level l) noexcept { level_.store(static_cast<int>(l), std::memory_order_relaxed); }
level current_level() noexcept { return static_cast<level>(level_.load(std::memory_order_relaxed)); }

void write(level l, std::string_view text) noexcept {
  try {
    std::string line = "nameserver: ";
    if (l != level::info) {
      line += level_name(l);
      line += ": ";
    }
    line += text;
    line += '\n';
    std::fwrite(line.data(), 1, line.size(), stderr);
    std::fflush(stderr);
  } catch (...) {
    // Out of memory while logging: the line is lost, the server goes on.
  }
}

}  // namespace dnskit::nameserver::log
