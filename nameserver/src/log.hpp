#pragma once
// The server's log: one line per event on stderr, with a level filter. A line is formatted into
// a local buffer and written with one write(2), so lines from several threads never interleave.
//
// Two line styles, chosen once at start by detect_style():
//   timestamped  "2026-12-07T10:27:18.123Z nameserver: warning: text" -- ISO 8601 in UTC with
//                milliseconds (UTC: the same on every host, no daylight-saving gaps, no time
//                zone files needed after --user).
//   journal      "<4>warning: text" -- when stderr is systemd's journal, which records its own
//                time and reads the syslog priority from the "<N>" prefix (sd-daemon(3)).
#include <atomic>
#include <chrono>
#include <string>
#include <string_view>
#include <sys/types.h>
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

enum class style { timestamped, journal };

// systemd.exec(5): a service whose stderr is connected to the journal gets JOURNAL_STREAM set to
// "DEVICE:INODE" of that stream (decimal). Only when stderr still is that very file (not
// redirected by a wrapper script) are the lines the journal's.
bool is_journal_stream(const char* journal_stream, dev_t device, ino_t inode) noexcept;
// Looks at JOURNAL_STREAM and fstat(2) on stderr.
style detect_style() noexcept;
void set_style(style s) noexcept;
style current_style() noexcept;

// syslog(3) priorities, as journald reads them from the "<N>" prefix.
inline constexpr int priority_error = 3;
inline constexpr int priority_warning = 4;
inline constexpr int priority_notice = 5;
inline constexpr int priority_info = 6;
inline constexpr int priority_debug = 7;
int priority_of(level l) noexcept;

// Appends "2026-12-07T10:27:18.123Z" (ISO 8601, UTC, milliseconds).
void append_timestamp(std::string& out, std::chrono::system_clock::time_point when);

// Appends one whole line (with '\n') in style `s`: `tag` is the level word ("warning") or empty.
void append_line(std::string& out, style s, int priority, std::string_view tag, std::string_view text,
                 std::chrono::system_clock::time_point when);

// Writes "nameserver: <level>: <text>\n" in the current style (info lines omit the level word).
void write(level l, std::string_view text) noexcept;
// Writes a line of priority `notice` regardless of the level (the `ready` line, which scripts
// wait for, and the few lines an operator must always see).
void write_notice(std::string_view text) noexcept;

// Writes `bytes` (whole lines) to `fd` in pieces of at most PIPE_BUF bytes cut at line ends, so
// that on a pipe (the journal, a log collector) no other writer's line lands inside one of
// them. Retries short writes and EINTR; false with errno set when the write fails.
bool write_lines(int fd, std::string_view bytes) noexcept;

template <typename... Args>
void always(fmt::format_string<Args...> f, Args&&... args) {
  write_notice(fmt::format(f, std::forward<Args>(args)...));
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
