#include "server_query_log.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "log.hpp"

namespace dnskit::nameserver {

// alignas: each worker's lock and counters on their own cache line.
struct alignas(64) query_log::worker_buffer {
  std::mutex mutex;
  std::vector<query_record> records;  // capacity reserved: push_back never allocates
  std::uint64_t dropped = 0;
};

namespace {

// Lines are written out in pieces of about this size, so a pass over many records does not
// build one huge string.
constexpr std::size_t write_chunk = std::size_t{64} * 1024;
// A full buffer is reported at most this often.
constexpr auto drop_report_interval = std::chrono::seconds(10);

int open_for_append(const std::filesystem::path& file) {
  return ::open(file.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
}

}  // namespace

query_log_settings::destination query_log_destination(const std::string& target) noexcept {
  if (target.empty()) return query_log_settings::destination::log_stream;
  if (target == "-") return query_log_settings::destination::standard_output;
  return query_log_settings::destination::file;
}

query_log_settings make_query_log_settings(const server_config& config) {
  query_log_settings settings;
  settings.to = query_log_destination(config.query_log_file);
  settings.file = config.query_log_file;
  settings.format = config.query_log_format == "json" ? query_log_format::json : query_log_format::text;
  return settings;
}

std::unique_ptr<query_log> query_log::open(const query_log_settings& settings, unsigned workers,
                                           std::string& error) {
  int fd = STDERR_FILENO;
  if (settings.to == query_log_settings::destination::standard_output) fd = STDOUT_FILENO;
  if (settings.to == query_log_settings::destination::file) {
    fd = open_for_append(settings.file);
    if (fd < 0) {
      error = fmt::format("query log {}: {}", settings.file.string(), std::strerror(errno));
      return nullptr;
    }
  }
  return std::unique_ptr<query_log>(new query_log(settings, workers, fd));
}

query_log::query_log(const query_log_settings& settings, unsigned workers, int fd)
    : settings_(settings),
      fd_(fd),
      own_fd_(settings.to == query_log_settings::destination::file) {
  settings_.records_per_worker = std::max<std::size_t>(settings_.records_per_worker, 4);
  for (unsigned i = 0; i < workers; ++i) {
    auto b = std::make_unique<worker_buffer>();
    b->records.reserve(settings_.records_per_worker);
    buffers_.push_back(std::move(b));
    taken_.emplace_back().reserve(settings_.records_per_worker);
  }
  order_.reserve(std::size_t{workers} * settings_.records_per_worker);
  lines_.reserve(write_chunk + 4096);
  writer_ = std::thread([this] { run_writer(); });
}

query_log::~query_log() {
  {
    std::lock_guard lock(wake_mutex_);
    stop_requested_ = true;
  }
  wake_.notify_one();
  writer_.join();
  if (own_fd_) ::close(fd_);
}

void query_log::record(unsigned worker, std::span<const std::uint8_t> query,
                       const request_info& client, const outcome& result,
                       std::chrono::steady_clock::duration elapsed) noexcept {
  // In the log stream, query lines are info lines (as they always were).
  if (settings_.to == query_log_settings::destination::log_stream && !log::enabled(log::level::info)) {
    return;
  }
  const query_record r =
      make_query_record(query, client, result, std::chrono::system_clock::now(), elapsed);
  worker_buffer& b = *buffers_[worker];
  std::size_t held = 0;
  {
    std::lock_guard lock(b.mutex);
    if (b.records.size() >= settings_.records_per_worker) {
      ++b.dropped;
      return;
    }
    b.records.push_back(r);
    held = b.records.size();
  }
  // A quarter full: have the writer come now rather than at its next tick.
  if (held == settings_.records_per_worker / 4) wake_writer();
}

void query_log::wake_writer() {
  {
    std::lock_guard lock(wake_mutex_);
    wake_requested_ = true;
  }
  wake_.notify_one();
}

void query_log::reopen() noexcept {
  {
    std::lock_guard lock(wake_mutex_);
    reopen_requested_ = true;
  }
  wake_.notify_one();
}

void query_log::flush() {
  std::unique_lock lock(wake_mutex_);
  const std::uint64_t ticket = ++flush_requested_;
  wake_.notify_one();
  flushed_.wait(lock, [&] { return flush_done_ >= ticket; });
}

void query_log::run_writer() {
  std::unique_lock lock(wake_mutex_);
  for (;;) {
    wake_.wait_for(lock, settings_.flush_interval, [&] {
      return wake_requested_ || stop_requested_ || reopen_requested_ ||
             flush_requested_ != flush_done_;
    });
    wake_requested_ = false;
    const bool stop = stop_requested_;
    const bool reopen = std::exchange(reopen_requested_, false);
    const std::uint64_t flush_ticket = flush_requested_;
    lock.unlock();
    if (reopen) reopen_file();
    write_pass();
    lock.lock();
    flush_done_ = flush_ticket;
    flushed_.notify_all();
    if (stop) return;
  }
}

void query_log::reopen_file() {
  if (settings_.to != query_log_settings::destination::file) return;
  const int fd = open_for_append(settings_.file);
  if (fd < 0) {
    log::error("query log {}: cannot reopen: {}; still writing to the file opened before",
               settings_.file.string(), std::strerror(errno));
    return;
  }
  ::close(fd_);
  fd_ = fd;
}

std::size_t query_log::write_pass() {
  std::uint64_t dropped = 0;
  order_.clear();
  for (std::size_t i = 0; i < buffers_.size(); ++i) {
    taken_[i].clear();
    {
      std::lock_guard lock(buffers_[i]->mutex);
      std::swap(buffers_[i]->records, taken_[i]);
      dropped += std::exchange(buffers_[i]->dropped, 0);
    }
    for (const query_record& r : taken_[i]) order_.push_back(&r);
  }
  // Each worker's records are in order already; the merge puts the threads' lines in time order.
  std::stable_sort(order_.begin(), order_.end(),
                   [](const query_record* a, const query_record* b) { return a->time < b->time; });

  auto put_out = [&] {
    if (lines_.empty()) return;
    if (log::write_lines(fd_, lines_)) {
      write_failed_ = false;
    } else if (!write_failed_) {  // said once until a write works again
      write_failed_ = true;
      log::error("query log: write failed: {}; lines are lost until it works again",
                 std::strerror(errno));
    }
    lines_.clear();
  };
  const bool to_log_stream = settings_.to == query_log_settings::destination::log_stream;
  const log::style style = log::current_style();
  std::string body;
  try {
    for (const query_record* r : order_) {
      if (to_log_stream) {
        body = "query ";
        if (settings_.format == query_log_format::text) {
          append_query_fields(body, *r);
        } else {
          append_query_line(body, *r, settings_.format);
          body.pop_back();  // the log line adds its own '\n'
        }
        log::append_line(lines_, style, log::priority_info, {}, body, r->time);
      } else {
        append_query_line(lines_, *r, settings_.format);
      }
      if (lines_.size() >= write_chunk) put_out();
    }
  } catch (const std::exception&) {
    // Out of memory formatting a line: what is formatted goes out, the rest of the pass is lost.
    dropped += 1;
  }
  put_out();

  dropped_unreported_ += dropped;
  const auto now = std::chrono::steady_clock::now();
  if (dropped_unreported_ > 0 && now - last_drop_report_ >= drop_report_interval) {
    log::warning("query log: {} queries not logged: the log is written slower than they come",
                 dropped_unreported_);
    dropped_unreported_ = 0;
    last_drop_report_ = now;
  }
  return order_.size();
}

}  // namespace dnskit::nameserver
