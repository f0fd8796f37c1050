#include "dnskit_test/process.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace dnskit::test {

std::unique_ptr<child_process> child_process::start(const std::filesystem::path& program,
                                                    const std::vector<std::string>& args,
                                                    std::string& error) {
  int err_pipe[2];
  int out_pipe[2];
  if (::pipe2(err_pipe, O_CLOEXEC) != 0) {
    error = std::strerror(errno);
    return nullptr;
  }
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) {
    error = std::strerror(errno);
    ::close(err_pipe[0]);
    ::close(err_pipe[1]);
    return nullptr;
  }
  std::vector<std::string> argv_text;
  argv_text.push_back(program.string());
  argv_text.insert(argv_text.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_text) argv.push_back(a.data());
  argv.push_back(nullptr);

  const pid_t pid = ::fork();
  if (pid < 0) {
    error = std::strerror(errno);
    for (int fd : {err_pipe[0], err_pipe[1], out_pipe[0], out_pipe[1]}) ::close(fd);
    return nullptr;
  }
  if (pid == 0) {
    ::dup2(err_pipe[1], 2);
    ::dup2(out_pipe[1], 1);
    const int devnull = ::open("/dev/null", O_RDONLY);
    if (devnull >= 0) ::dup2(devnull, 0);
    ::execv(argv[0], argv.data());
    const char msg[] = "child_process: exec failed\n";
    [[maybe_unused]] auto ignored = ::write(2, msg, sizeof msg - 1);
    ::_exit(127);
  }
  ::close(err_pipe[1]);
  ::close(out_pipe[1]);
  std::unique_ptr<child_process> p(new child_process);
  p->pid_ = pid;
  p->err_thread_ = std::thread([raw = p.get(), fd = err_pipe[0]] { raw->reader(fd, true); });
  p->out_thread_ = std::thread([raw = p.get(), fd = out_pipe[0]] { raw->reader(fd, false); });
  return p;
}

void child_process::reader(int fd, bool is_stderr) {
  char buffer[4096];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    std::lock_guard lock(mutex_);
    if (n <= 0) {
      if (is_stderr) err_closed_ = true;
      changed_.notify_all();
      break;
    }
    (is_stderr ? err_ : out_).append(buffer, static_cast<std::size_t>(n));
    changed_.notify_all();
  }
  ::close(fd);
}

child_process::~child_process() {
  if (running()) {
    ::kill(pid_, SIGKILL);
    wait_exit(std::chrono::seconds(10));
  }
  if (err_thread_.joinable()) err_thread_.join();
  if (out_thread_.joinable()) out_thread_.join();
}

std::optional<std::string> child_process::wait_for_line(std::string_view needle,
                                                        std::chrono::milliseconds timeout,
                                                        std::size_t from_line) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::unique_lock lock(mutex_);
  for (;;) {
    // Look at complete lines only.
    std::size_t start = 0;
    std::size_t line = 0;
    while (start < err_.size()) {
      const std::size_t end = err_.find('\n', start);
      if (end == std::string::npos) break;
      if (line >= from_line) {
        std::string_view text(err_.data() + start, end - start);
        if (text.find(needle) != std::string_view::npos) return std::string(text);
      }
      ++line;
      start = end + 1;
    }
    if (err_closed_) return std::nullopt;
    if (changed_.wait_until(lock, deadline) == std::cv_status::timeout) return std::nullopt;
  }
}

std::string child_process::stderr_text() const {
  std::lock_guard lock(mutex_);
  return err_;
}

std::string child_process::stdout_text() const {
  std::lock_guard lock(mutex_);
  return out_;
}

std::size_t child_process::stderr_line_count() const {
  std::lock_guard lock(mutex_);
  std::size_t n = 0;
  for (char c : err_) n += c == '\n';
  return n;
}

void child_process::join_output() {
  if (err_thread_.joinable()) err_thread_.join();
  if (out_thread_.joinable()) out_thread_.join();
}

bool child_process::signal(int sig) const noexcept {
  return pid_ > 0 && ::kill(pid_, sig) == 0;
}

bool child_process::running() {
  if (status_) return false;
  int status = 0;
  const pid_t r = ::waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return false;
  }
  return r == 0;
}

std::optional<int> child_process::wait_exit(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (running()) {
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return status_;
}

}  // namespace dnskit::test
