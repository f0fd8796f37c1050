// systemd's notification protocol (sd_notify(3)) as the server speaks it: the test plays the
// service manager with a unix datagram socket of its own in a temp dir, passes it in
// NOTIFY_SOCKET, and reads READY=1 when serving, RELOADING=1 (with MONOTONIC_USEC) and READY=1
// around a SIGHUP reload, STOPPING=1 on SIGTERM -- each sent by the server's own process, as
// NotifyAccess=main requires.
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>

#include <cstdlib>
#include <regex>

#include "integration_support.hpp"
#include "service_notify.hpp"

using namespace nstest;
using dns::rr_type;

namespace {

struct notification {
  std::string text;
  pid_t sender = 0;
};

// A service manager's end of NOTIFY_SOCKET: a path, or "@name" in the abstract namespace.
class notify_listener {
 public:
  explicit notify_listener(const std::string& name) : name_(name) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    REQUIRE(fd_ >= 0);
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    REQUIRE(name.size() < sizeof a.sun_path);
    std::memcpy(a.sun_path, name.data(), name.size());
    if (name.front() == '@') a.sun_path[0] = '\0';
    const auto length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name.size());
    REQUIRE(::bind(fd_, reinterpret_cast<const sockaddr*>(&a), length) == 0);
    const int on = 1;  // the sender's credentials with each message, as systemd asks for them
    REQUIRE(::setsockopt(fd_, SOL_SOCKET, SO_PASSCRED, &on, sizeof on) == 0);
  }
  ~notify_listener() { ::close(fd_); }
  notify_listener(const notify_listener&) = delete;
  notify_listener& operator=(const notify_listener&) = delete;

  const std::string& name() const { return name_; }

  std::optional<notification> receive(std::chrono::milliseconds timeout) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return std::nullopt;
    char buffer[4096];
    iovec io{buffer, sizeof buffer};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(ucred))];
    msghdr m{};
    m.msg_iov = &io;
    m.msg_iovlen = 1;
    m.msg_control = control;
    m.msg_controllen = sizeof control;
    const ssize_t n = ::recvmsg(fd_, &m, 0);
    if (n < 0) return std::nullopt;
    notification out;
    out.text.assign(buffer, static_cast<std::size_t>(n));
    for (cmsghdr* c = CMSG_FIRSTHDR(&m); c != nullptr; c = CMSG_NXTHDR(&m, c)) {
      if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS) {
        ucred cred{};
        std::memcpy(&cred, CMSG_DATA(c), sizeof cred);
        out.sender = cred.pid;
      }
    }
    return out;
  }

 private:
  std::string name_;
  int fd_ = -1;
};

std::uint64_t monotonic_usec() {
  timespec now{};
  ::clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<std::uint64_t>(now.tv_sec) * 1'000'000u + static_cast<std::uint64_t>(now.tv_nsec) / 1000u;
}

std::unique_ptr<test::server_process> start_notifying_server(const std::string& notify_socket) {
  std::string error;
  auto server = test::server_process::start(
      "/usr/bin/env", {"NOTIFY_SOCKET=" + notify_socket, binary().string(), "--listen",
                       "127.0.0.1:0", "--threads", "2", "--zone", example_zone().string()},
      error);
  INFO(error);
  REQUIRE(server != nullptr);
  return server;
}

}  // namespace

TEST_CASE("systemd: READY, RELOADING and READY around SIGHUP, STOPPING, from the main process",
          "[integration]") {
  temp_dir dir;
  notify_listener manager((dir / "notify").string());
  auto server = start_notifying_server(manager.name());
  const pid_t pid = server->process().pid();  // env execs the server: the same process

  auto ready = manager.receive(10s);
  REQUIRE(ready.has_value());
  CHECK(ready->text == "READY=1");
  CHECK(ready->sender == pid);
  // Ready means serving.
  CHECK(test::udp_query(address_of(*server), make_query("www.example.test.", rr_type::a)).has_value());

  for (int reload = 0; reload < 2; ++reload) {
    const std::uint64_t before = monotonic_usec();
    REQUIRE(server->process().signal(SIGHUP));
    auto reloading = manager.receive(10s);
    const std::uint64_t after = monotonic_usec();
    REQUIRE(reloading.has_value());
    CHECK(reloading->sender == pid);
    std::smatch m;
    INFO(reloading->text);
    REQUIRE(std::regex_match(reloading->text, m, std::regex("RELOADING=1\nMONOTONIC_USEC=([0-9]+)")));
    const std::uint64_t usec = std::stoull(m[1].str());
    CHECK(usec >= before);  // the moment the reload began, on the same clock
    CHECK(usec <= after);
    auto ready_again = manager.receive(10s);
    REQUIRE(ready_again.has_value());
    CHECK(ready_again->text == "READY=1");
  }

  REQUIRE(server->process().signal(SIGTERM));
  auto stopping = manager.receive(10s);
  REQUIRE(stopping.has_value());
  CHECK(stopping->text == "STOPPING=1");
  CHECK(stopping->sender == pid);
  CHECK(server->process().wait_exit(10s) == 0);
  CHECK_FALSE(manager.receive(200ms).has_value());  // nothing after STOPPING=1
}

TEST_CASE("systemd: an abstract NOTIFY_SOCKET (@name)", "[integration]") {
  notify_listener manager("@dnskit-notify-test-" + std::to_string(::getpid()));
  auto server = start_notifying_server(manager.name());
  auto ready = manager.receive(10s);
  REQUIRE(ready.has_value());
  CHECK(ready->text == "READY=1");
  CHECK(server->stop() == 0);
}

TEST_CASE("systemd: no NOTIFY_SOCKET, nothing to say, a bad one is an error", "[unit]") {
  namespace notify = dnskit::nameserver::service_notify;
  const char* saved = std::getenv("NOTIFY_SOCKET");
  const std::string restore = saved != nullptr ? saved : "";
  ::unsetenv("NOTIFY_SOCKET");
  CHECK(notify::send("READY=1"));
  temp_dir dir;
  ::setenv("NOTIFY_SOCKET", (dir / "nobody-listens").c_str(), 1);
  CHECK_FALSE(notify::send("READY=1"));
  ::setenv("NOTIFY_SOCKET", "vsock:2:1234", 1);
  CHECK_FALSE(notify::send("READY=1"));
  {
    notify_listener manager((dir / "notify").string());
    ::setenv("NOTIFY_SOCKET", manager.name().c_str(), 1);
    CHECK(notify::send("STATUS=testing"));
    auto got = manager.receive(2s);
    REQUIRE(got.has_value());
    CHECK(got->text == "STATUS=testing");
    CHECK(got->sender == ::getpid());
  }
  if (saved != nullptr) ::setenv("NOTIFY_SOCKET", restore.c_str(), 1);
  else ::unsetenv("NOTIFY_SOCKET");
}
