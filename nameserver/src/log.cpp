#include "log.hpp"

#include <cerrno>
#include <charconv>
#include <climits>
#include <cstdlib>
#include <ctime>
#include <string>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

namespace dnskit::nameserver::log {
namespace {

std::atomic<int> level_{static_cast<int>(level::info)};

// -1 until the first line (or set_style) decides, so that the process's environment is read
// once, lazily, by whoever logs first.
constexpr int style_unknown = -1;
std::atomic<int> style_{style_unknown};

bool parse_decimal(std::string_view text, unsigned long long& out) noexcept {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc{} && end == text.data() + text.size() && !text.empty();
}

}  // namespace

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

bool is_journal_stream(const char* journal_stream, dev_t device, ino_t inode) noexcept {
  if (journal_stream == nullptr) return false;
  const std::string_view text(journal_stream);
  const auto colon = text.find(':');
  if (colon == std::string_view::npos) return false;
  unsigned long long want_device = 0;
  unsigned long long want_inode = 0;
  if (!parse_decimal(text.substr(0, colon), want_device)) return false;
  if (!parse_decimal(text.substr(colon + 1), want_inode)) return false;
  return want_device == static_cast<unsigned long long>(device) &&
         want_inode == static_cast<unsigned long long>(inode);
}

style detect_style() noexcept {
  const char* journal_stream = std::getenv("JOURNAL_STREAM");
  if (journal_stream == nullptr) return style::timestamped;
  struct stat st{};
  if (::fstat(STDERR_FILENO, &st) != 0) return style::timestamped;
  return is_journal_stream(journal_stream, st.st_dev, st.st_ino) ? style::journal
                                                                  : style::timestamped;
}

void set_style(style s) noexcept { style_.store(static_cast<int>(s), std::memory_order_relaxed); }

style current_style() noexcept {
  int s = style_.load(std::memory_order_relaxed);
  if (s == style_unknown) {
    // Two threads may both detect; they find the same answer.
    s = static_cast<int>(detect_style());
    style_.store(s, std::memory_order_relaxed);
  }
  return static_cast<style>(s);
}

int priority_of(level l) noexcept {
  switch (l) {
    case level::error: return priority_error;
    case level::warning: return priority_warning;
    case level::info: return priority_info;
    case level::debug: return priority_debug;
  }
  return priority_info;
}

void append_timestamp(std::string& out, std::chrono::system_clock::time_point when) {
  using namespace std::chrono;
  const auto since_epoch = duration_cast<milliseconds>(when.time_since_epoch());
  auto seconds_part = duration_cast<seconds>(since_epoch);
  auto millis = (since_epoch - seconds_part).count();
  if (millis < 0) {  // before 1970: floor, not truncate
    millis += 1000;
    seconds_part -= seconds(1);
  }
  const std::time_t t = static_cast<std::time_t>(seconds_part.count());
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  fmt::format_to(std::back_inserter(out), "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
                 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                 millis);
}

void append_line(std::string& out, style s, int priority, std::string_view tag, std::string_view text,
                 std::chrono::system_clock::time_point when) {
  if (s == style::journal) {
    fmt::format_to(std::back_inserter(out), "<{}>", priority);
  } else {
    append_timestamp(out, when);
    out += " nameserver: ";
  }
  if (!tag.empty()) {
    out += tag;
    out += ": ";
  }
  out += text;
  out += '\n';
}

bool write_lines(int fd, std::string_view bytes) noexcept {
  while (!bytes.empty()) {
    std::size_t piece = bytes.size();
    if (piece > PIPE_BUF) {
      // The last line end within PIPE_BUF; a longer single line goes out whole.
      const auto end = bytes.substr(0, PIPE_BUF).rfind('\n');
      piece = end == std::string_view::npos ? bytes.size() : end + 1;
    }
    while (piece > 0) {
      const ssize_t n = ::write(fd, bytes.data(), piece);
      if (n < 0) {
        if (errno == EINTR) continue;
        // A non-blocking descriptor (a terminal or pipe shared with another program): wait a
        // little for room rather than lose the line at once.
        pollfd ready{fd, POLLOUT, 0};
        if ((errno == EAGAIN || errno == EWOULDBLOCK) && ::poll(&ready, 1, 1000) > 0) continue;
        return false;
      }
      bytes.remove_prefix(static_cast<std::size_t>(n));
      piece -= static_cast<std::size_t>(n);
    }
  }
  return true;
}

namespace {

void write_line(int priority, std::string_view tag, std::string_view text) noexcept {
  try {
    std::string line;
    line.reserve(64 + text.size());
    append_line(line, current_style(), priority, tag, text, std::chrono::system_clock::now());
    write_lines(STDERR_FILENO, line);
  } catch (...) {
    // Out of memory while logging: the line is lost, the server goes on.
  }
}

}  // namespace

void write(level l, std::string_view text) noexcept {
  write_line(priority_of(l), l == level::info ? std::string_view{} : level_name(l), text);
}

void write_notice(std::string_view text) noexcept { write_line(priority_notice, {}, text); }

}  // namespace dnskit::nameserver::log
