#pragma once
// A child process for tests: started with an argument vector (no shell), its stderr (and
// stdout) collected in the background, signalled and waited for by PID only, killed (SIGKILL)
// when the object goes away while it still runs. Every wait has a time limit.
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <thread>
#include <vector>

namespace dnskit::test {

class child_process {
 public:
  // Starts `program` with `args`. `error` explains a failure (nullptr result).
  static std::unique_ptr<child_process> start(const std::filesystem::path& program,
                                              const std::vector<std::string>& args,
                                              std::string& error);
  ~child_process();
  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;

  pid_t pid() const noexcept { return pid_; }

  // Waits until a line of stderr contains `needle`; returns that line. std::nullopt on
  // timeout or when the process ends first.
  std::optional<std::string> wait_for_line(std::string_view needle, std::chrono::milliseconds timeout,
                                           std::size_t from_line = 0);
  // Everything written to stderr / stdout so far.
  std::string stderr_text() const;
  std::string stdout_text() const;
  std::size_t stderr_line_count() const;

  bool signal(int sig) const noexcept;
  // Waits for the process to end; its exit status (128 + signal number when killed by a
  // signal), or std::nullopt on timeout.
  std::optional<int> wait_exit(std::chrono::milliseconds timeout);
  bool running();
  // After the process ended: waits until its output pipes are drained (they close when the
  // last process holding them exits), so stderr_text()/stdout_text() are complete.
  void join_output();

 private:
  child_process() = default;
  void reader(int fd, bool is_stderr);

  pid_t pid_ = -1;
  std::optional<int> status_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::string err_, out_;
  bool err_closed_ = false;
  std::thread err_thread_, out_thread_;
};

}  // namespace dnskit::test
