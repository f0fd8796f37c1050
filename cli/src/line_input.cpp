#include "line_input.hpp"

#include <editline/readline.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>

namespace dnskit::cli {
namespace {

constexpr int history_lines = 1000;

}  // namespace

line_input::line_input() : terminal_(::isatty(STDIN_FILENO) == 1) {
  if (!terminal_) return;
  using_history();
  stifle_history(history_lines);
  const char* home = std::getenv("HOME");
  if (home != nullptr && *home != '\0') {
    history_file_ = std::string(home) + "/.dnslookup_history";
    read_history(history_file_.c_str());  // a missing file is an empty history
  }
}

line_input::~line_input() {
  if (terminal_ && !history_file_.empty()) write_history(history_file_.c_str());
}

std::optional<std::string> line_input::next() {
  if (!terminal_) {
    std::string line;
    if (!std::getline(std::cin, line)) return std::nullopt;
    return line;
  }
  char* raw = readline("> ");
  if (raw == nullptr) return std::nullopt;
  std::string line(raw);
  std::free(raw);  // NOLINT(cppcoreguidelines-no-malloc): readline's buffer comes from malloc
  if (line.find_first_not_of(" \t") != std::string::npos) add_history(line.c_str());
  return line;
}

}  // namespace dnskit::cli
