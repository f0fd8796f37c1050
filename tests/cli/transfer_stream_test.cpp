// Zone transfers against hostile servers on 127.0.0.1: one that sends valid AXFR messages without
// end (dnslookup must print as they arrive and stay small), and one that trickles a byte a
// second (the overall --transfer-timeout must end it).
#include <catch2/catch.hpp>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "cli_support.hpp"
#include "dnskit/dns/message.hpp"
#include "dnskit/dns/rdata.hpp"

namespace {

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;
namespace dns = dnskit::dns;

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool sanitized = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
constexpr bool sanitized = true;
#else
constexpr bool sanitized = false;
#endif
#else
constexpr bool sanitized = false;
#endif

std::vector<std::uint8_t> framed(const dns::message& m) {
  std::vector<std::uint8_t> wire = dns::encode(m);
  std::vector<std::uint8_t> out(wire.size() + 2);
  out[0] = static_cast<std::uint8_t>(wire.size() >> 8);
  out[1] = static_cast<std::uint8_t>(wire.size());
  std::copy(wire.begin(), wire.end(), out.begin() + 2);
  return out;
}

dns::record make_record(const dns::name& owner, dns::rr_type type, const std::string& text) {
  dns::record r;
  r.owner = owner;
  r.type = type;
  r.ttl = 300;
  REQUIRE_FALSE(dns::rdata_from_text(type, text, owner, r.rdata));
  return r;
}

// One connection on 127.0.0.1: reads the AXFR query, then sends the first message (the SOA
// and one record) and after it either `flood_bytes` of further messages as fast as the client
// takes them, or further messages one byte per second. Never the closing SOA.
class hostile_server {
 public:
  enum class kind { flood, trickle };
  hostile_server(kind k, const std::string& zone, std::size_t flood_bytes) : kind_(k), flood_bytes_(flood_bytes) {
    std::error_code ec;
    make_messages(dns::name::from_text(zone, ec));
    REQUIRE_FALSE(ec);
    listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    REQUIRE(listener_ >= 0);
    sockaddr_in in{};
    in.sin_family = AF_INET;
    in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(listener_, reinterpret_cast<sockaddr*>(&in), sizeof in) == 0);
    REQUIRE(::listen(listener_, 4) == 0);
    socklen_t len = sizeof in;
    REQUIRE(::getsockname(listener_, reinterpret_cast<sockaddr*>(&in), &len) == 0);
    port_ = ntohs(in.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~hostile_server() {
    stop_ = true;
    thread_.join();
    ::close(listener_);
  }
  hostile_server(const hostile_server&) = delete;
  hostile_server& operator=(const hostile_server&) = delete;

  std::uint16_t port() const noexcept { return port_; }
  std::size_t sent() const noexcept { return sent_; }
  bool finished() const noexcept { return finished_; }

 private:
  bool wait(int fd, short events) {
    const auto give_up = clock_type::now() + 60s;
    while (!stop_ && clock_type::now() < give_up) {
      pollfd p{fd, events, 0};
      if (::poll(&p, 1, 100) > 0) return true;
    }
    return false;
  }
  bool read_all(int fd, std::uint8_t* out, std::size_t size) {
    for (std::size_t got = 0; got < size;) {
      if (!wait(fd, POLLIN)) return false;
      ssize_t n = ::recv(fd, out + got, size - got, 0);
      if (n <= 0) return false;
      got += static_cast<std::size_t>(n);
    }
    return true;
  }
  bool send_all(int fd, const std::uint8_t* data, std::size_t size) {
    for (std::size_t done = 0; done < size;) {
      if (!wait(fd, POLLOUT)) return false;
      ssize_t n = ::send(fd, data + done, size - done, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
      if (n <= 0) return false;
      done += static_cast<std::size_t>(n);
      sent_ += static_cast<std::size_t>(n);
    }
    return true;
  }
  void serve() {
    if (!wait(listener_, POLLIN)) return;
    const int fd = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) return;
    std::uint8_t prefix[2];
    std::vector<std::uint8_t> query;
    dns::message q;
    if (read_all(fd, prefix, 2)) {
      query.resize((std::size_t{prefix[0]} << 8) | prefix[1]);
      if (read_all(fd, query.data(), query.size()) && !dns::decode(query, q) && q.questions.size() == 1) {
        respond(fd, q);
      }
    }
    finished_ = true;
    ::close(fd);
  }
  // The messages are made before the thread starts (Catch2's assertions are for the test's
  // own thread); only the ID is set from the query.
  void make_messages(const dns::name& zone) {
    dns::message m;
    m.hdr.qr = true;
    m.hdr.aa = true;
    m.questions.push_back({zone, dns::rr_type::axfr, dns::rr_class::in});
    m.answer.push_back(make_record(zone, dns::rr_type::soa, "ns.hostile. admin.hostile. 1 3600 600 86400 300"));
    m.answer.push_back(make_record(zone, dns::rr_type::a, "192.0.2.1"));
    first_ = framed(m);
    m.questions.clear();
    m.answer.clear();
    if (kind_ == kind::trickle) {
      m.answer.push_back(make_record(zone, dns::rr_type::a, "192.0.2.2"));
    } else {
      const std::string text = "\"" + std::string(250, 'x') + "\"";
      while (m.answer.size() < 230) m.answer.push_back(make_record(zone, dns::rr_type::txt, text));
    }
    next_ = framed(m);
  }
  void respond(int fd, const dns::message& q) {
    for (auto* buffer : {&first_, &next_}) {
      (*buffer)[2] = static_cast<std::uint8_t>(q.hdr.id >> 8);
      (*buffer)[3] = static_cast<std::uint8_t>(q.hdr.id);
    }
    if (!send_all(fd, first_.data(), first_.size())) return;
    if (kind_ == kind::trickle) {
      for (std::size_t i = 0; !stop_; i = (i + 1) % next_.size()) {
        if (!send_all(fd, &next_[i], 1)) return;
        for (int t = 0; t < 10 && !stop_; ++t) std::this_thread::sleep_for(100ms);
      }
      return;
    }
    while (!stop_ && sent_ < flood_bytes_) {
      if (!send_all(fd, next_.data(), next_.size())) return;
    }
  }

  kind kind_;
  std::size_t flood_bytes_;
  std::vector<std::uint8_t> first_, next_;
  int listener_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<bool> finished_{false};
  std::atomic<std::size_t> sent_{0};
  std::thread thread_;
};

struct streamed_run {
  int status = -1;
  long max_rss_kib = 0;
  std::size_t stdout_bytes = 0;
  bool output_before_server_finished = false;
  std::string head;    // the first bytes of stdout
  std::string tail;    // the last bytes of stdout
  std::string stderr_text;
  std::chrono::milliseconds elapsed{};
};

// Runs dnslookup with `args` (and `input` on stdin), reading its stdout as it comes and
// keeping only its ends; its peak RSS from wait4.
streamed_run run_streamed(const std::vector<std::string>& args, const std::string& input,
                          const hostile_server& server) {
  int out_pipe[2], err_pipe[2], in_pipe[2];
  REQUIRE(::pipe2(out_pipe, O_CLOEXEC) == 0);
  REQUIRE(::pipe2(err_pipe, O_CLOEXEC) == 0);
  REQUIRE(::pipe2(in_pipe, O_CLOEXEC) == 0);
  std::vector<std::string> argv_text{clitest::dnslookup().string()};
  argv_text.insert(argv_text.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_text) argv.push_back(a.data());
  argv.push_back(nullptr);
  const auto started = clock_type::now();
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::dup2(in_pipe[0], 0);
    ::dup2(out_pipe[1], 1);
    ::dup2(err_pipe[1], 2);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(in_pipe[0]);
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  if (!input.empty()) (void)!::write(in_pipe[1], input.data(), input.size());
  ::close(in_pipe[1]);
  streamed_run r;
  std::thread err_reader([&] {
    char buf[4096];
    for (ssize_t n; (n = ::read(err_pipe[0], buf, sizeof buf)) > 0;) {
      if (r.stderr_text.size() < 65536) r.stderr_text.append(buf, static_cast<std::size_t>(n));
    }
  });
  std::vector<char> buf(1 << 16);
  const auto give_up = started + 120s;
  bool killed = false;
  for (;;) {
    pollfd p{out_pipe[0], POLLIN, 0};
    if (::poll(&p, 1, 200) == 0) {
      if (clock_type::now() > give_up && !killed) {
        ::kill(pid, SIGKILL);
        killed = true;
      }
      continue;
    }
    ssize_t n = ::read(out_pipe[0], buf.data(), buf.size());
    if (n <= 0) break;
    if (r.stdout_bytes == 0) r.output_before_server_finished = !server.finished();
    r.stdout_bytes += static_cast<std::size_t>(n);
    if (r.head.size() < 4096) r.head.append(buf.data(), static_cast<std::size_t>(n));
    r.tail.append(buf.data(), static_cast<std::size_t>(n));
    if (r.tail.size() > 8192) r.tail.erase(0, r.tail.size() - 4096);
  }
  ::close(out_pipe[0]);
  int status = 0;
  rusage usage{};
  REQUIRE(::wait4(pid, &status, 0, &usage) == pid);
  err_reader.join();
  ::close(err_pipe[0]);
  r.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - started);
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.max_rss_kib = usage.ru_maxrss;
  REQUIRE_FALSE(killed);
  return r;
}

constexpr long rss_bound_kib = 50 * 1024;

void check_bounded(const streamed_run& r, const hostile_server& server, std::size_t volume) {
  INFO("stderr: " << r.stderr_text << "\nstdout tail: " << r.tail.substr(r.tail.size() > 300 ? r.tail.size() - 300 : 0));
  INFO("peak RSS " << r.max_rss_kib << " KiB after " << server.sent() << " bytes in " << r.elapsed.count() << " ms");
  CHECK(server.sent() >= volume);
  CHECK(r.output_before_server_finished);
  CHECK(r.stdout_bytes > volume / 2);  // the records were printed, not dropped
  WARN("peak RSS " << r.max_rss_kib << " KiB while receiving " << (server.sent() >> 20) << " MiB in "
                    << r.elapsed.count() << " ms");
  if (!sanitized) CHECK(r.max_rss_kib < rss_bound_kib);  // sanitizers keep freed memory in quarantine
}

}  // namespace

TEST_CASE("a -type=AXFR transfer from a server that never stops: printed as it comes, in bounded memory", "[transfer]") {
  // Sanitized builds run dnslookup several times slower: less, to stay within the time limit.
  constexpr std::size_t volume = sanitized ? 32u << 20 : 256u << 20;
  hostile_server server(hostile_server::kind::flood, "flood.test", volume);
  const std::string port = std::to_string(server.port());
  streamed_run r = run_streamed({"-type=AXFR", "flood.test", "127.0.0.1", "-port=" + port}, {}, server);
  check_bounded(r, server, volume);
  CHECK(r.head.rfind("Server:\t\t127.0.0.1\nAddress:\t127.0.0.1#" + port + "\n\nflood.test\n", 0) == 0);
  CHECK(r.tail.find("flood.test\ttext = \"xxxxxxxx") != std::string::npos);
  CHECK(r.tail.find("; Transfer failed: connection closed by the server\n") != std::string::npos);
  CHECK(r.status == 1);
}

TEST_CASE("ls from a server that never stops: printed as it comes, in bounded memory", "[transfer]") {
  constexpr std::size_t volume = sanitized ? 16u << 20 : 128u << 20;
  hostile_server server(hostile_server::kind::flood, "flood.test", volume);
  const std::string port = std::to_string(server.port());
  streamed_run r = run_streamed({"-port=" + port, "-", "127.0.0.1"}, "ls -d flood.test\nexit\n", server);
  check_bounded(r, server, volume);
  CHECK(r.head.rfind("[127.0.0.1]\n flood.test.                    SOA    ns.hostile.", 0) == 0);
  CHECK(r.tail.find("*** Can't list domain flood.test: connection closed by the server\n") != std::string::npos);
}

TEST_CASE("a transfer trickled a byte a second ends at --transfer-timeout", "[transfer]") {
  hostile_server server(hostile_server::kind::trickle, "slow.test", 0);
  const std::string port = std::to_string(server.port());
  // -timeout=60: the per-message wait alone would let this run on for minutes.
  streamed_run r = run_streamed({"-type=AXFR", "--transfer-timeout=3", "-timeout=60", "slow.test", "127.0.0.1",
                                 "-port=" + port},
                                {}, server);
  INFO("stdout: " << r.head << "\nstderr: " << r.stderr_text);
  CHECK(r.elapsed >= 2900ms);
  CHECK(r.elapsed < 20s);
  CHECK(r.head.find("Name:\tslow.test\nAddress: 192.0.2.1\n") != std::string::npos);  // what came is shown
  CHECK(r.head.find("; Transfer failed: the transfer did not end within its time limit (3 s)\n") !=
        std::string::npos);
  CHECK(r.status == 1);
}

TEST_CASE("the --transfer-timeout option takes seconds", "[transfer]") {
  auto r = clitest::run_dnslookup({"--transfer-timeout=soon", "x.test", "127.0.0.1"});
  CHECK(r.status != 0);
  CHECK(r.err.find("--transfer-timeout takes seconds from 0 (no limit) to 86400, not 'soon'") !=
        std::string::npos);
}
