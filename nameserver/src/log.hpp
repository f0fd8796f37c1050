#pragma once
// The server's log: one line per event on stderr, with a level filter. A line is formatted into
// a local buffer and written with one fwrite, so lines from several threads never interleave.
#include <atomic>
#include <string_view>
#include <utility>

#include <fmt/core.h>

namespace dnskit::nameserver::log {

enum class level { error = 0, warning = 1, info = 2, debug = 3 };

// Parses "error", "warning"/"warn", "info", "debug"; false for anything else.
bool parse_level(std::string_view text, level& out) noexcept;
std::string_view level_name(level l) noexcept;

void set_level(level l) noexcept;
level current_level() noexcept;
inline bool enabled(level l) noexcept { return static_cast<int>(l) <= static_cast<int>(current_level()); }

// Writes "nameserver: <level>: <text>\n" (info lines omit the level word).
void write(level l, std::string_view text) noexcept;

// Writes regardless of the level (the `ready` line, which scripts wait for).
template <typename... Args>
void always(fmt::format_string<Args...> f, Args&&... args) {
  write(level::info, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
void error(fmt::format_string<Args...> f, Args&&... args) {
  if (enabled(level::error)) write(level::error, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
void warning(fmt::format_string<Args...> f, Args&&... args) {
  if (enabled(level::warning)) write(level::warning, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
void info(fmt::format_string<Args...> f, Args&&... args) {
  if (enabled(level::info)) write(level::info, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
void debug(fmt::format_string<Args...> f, Args&&... args) {
  if (enabled(level::debug)) write(level::debug, fmt::format(f, std::forward<Args>(args)...));
}

}  // namespace dnskit::nameserver::log
