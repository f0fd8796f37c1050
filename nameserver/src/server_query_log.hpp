#pragma once
// The query log (--query-log [FILE], --query-log-format text|json): one line per query, in the
// log stream, on stdout or appended to a file (query_log_format.hpp describes the lines).
//
// Query threads never format and never write: each worker appends a fixed-size record to its
// own buffer (a short, uncontended lock: only the writer ever takes it too, to swap buffers),
// and one writer thread swaps the buffers out every 100 ms (sooner when one fills up), turns
// the records into lines in time order and writes them with no lock held. When the writer
// falls behind and a buffer is full, records are dropped and the count is logged: a slow disk
// or a stalled log reader slows the log, never the answers.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "dnskit/nameserver/config.hpp"
#include "dnskit/nameserver/request.hpp"
#include "dnskit/nameserver/responder.hpp"
#include "query_log_format.hpp"

namespace dnskit::nameserver {

struct query_log_settings {
  enum class destination : std::uint8_t { log_stream, standard_output, file };
  destination to = destination::log_stream;
  std::filesystem::path file;  // for destination::file
  query_log_format format = query_log_format::text;
  // Records each worker can hold between two passes of the writer.
  std::size_t records_per_worker = 1024;
  std::chrono::milliseconds flush_interval{100};
};

// "" -> the log stream, "-" -> stdout, anything else -> that file.
query_log_settings::destination query_log_destination(const std::string& target) noexcept;
// What server_config's query-log keys ask for.
query_log_settings make_query_log_settings(const server_config& config);

class query_log {
 public:
  // Opens the file (appending, created 0640 when missing) and starts the writer thread. nullptr
  // with a one-line `error` when the file cannot be opened.
  static std::unique_ptr<query_log> open(const query_log_settings& settings, unsigned workers,
                                         std::string& error);
  // Writes what is still buffered, then stops the writer.
  ~query_log();
  query_log(const query_log&) = delete;
  query_log& operator=(const query_log&) = delete;

  // On worker `worker`'s thread only: records one answered query.
  void record(unsigned worker, std::span<const std::uint8_t> query, const request_info& client,
              const outcome& result, std::chrono::steady_clock::duration elapsed) noexcept;

  // Thread-safe: the writer reopens the file on its next pass (after log rotation: SIGHUP).
  void reopen() noexcept;
  // Thread-safe: waits until everything recorded before the call has been written.
  void flush();

 private:
  struct worker_buffer;

  query_log(const query_log_settings& settings, unsigned workers, int fd);
  void run_writer();
  // One pass: swap every worker's buffer out, write the lines. Returns records written.
  std::size_t write_pass();
  void reopen_file();
  void wake_writer();

  query_log_settings settings_;
  int fd_ = -1;
  bool own_fd_ = false;
  std::vector<std::unique_ptr<worker_buffer>> buffers_;
  // The writer's own state (touched by the writer thread only).
  std::vector<std::vector<query_record>> taken_;
  std::vector<const query_record*> order_;
  std::string lines_;
  std::uint64_t dropped_unreported_ = 0;
  std::chrono::steady_clock::time_point last_drop_report_{};
  bool write_failed_ = false;
  // Wake-ups, stop, reopen and flush requests.
  std::mutex wake_mutex_;
  std::condition_variable wake_;
  std::condition_variable flushed_;
  bool wake_requested_ = false;
  bool stop_requested_ = false;
  bool reopen_requested_ = false;
  std::uint64_t flush_requested_ = 0;
  std::uint64_t flush_done_ = 0;
  std::thread writer_;
};

}  // namespace dnskit::nameserver
