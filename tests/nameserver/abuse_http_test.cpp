// The --http endpoint under abuse, beside DNS: 1,000 HTTP connections at once, slow clients that
// trickle a request and never end it, malformed and oversized requests, POST /reload from an
// address that may not reload. Meanwhile a bounded stream of DNS queries asks the same server
// over UDP and over fresh TCP connections: every query must be answered (none lost; the time
// bounds are generous, for a loaded 2-core machine and sanitizer builds). Every HTTP connection
// must be answered or closed by the server, the log must say the connection limit was reached,
// and the endpoint may hold no more descriptors than its limit.
#include <fcntl.h>
#include <poll.h>

#include <cerrno>
#include <cstdlib>
#include <map>

#include "abuse_support.hpp"
#include "http_test_support.hpp"

using namespace nstest;
using dns::rr_type;

namespace {

using clock_type = std::chrono::steady_clock;

// A bounded stream of DNS queries, started at construction: UDP queries from one socket every
// 5 ms (each with its own ID, answers matched by ID) and one query per fresh TCP connection
// every 20 ms, until stop() or the counts below. A query is lost when no right answer (its ID,
// NOERROR) comes within 10 s.
class dns_stream {
 public:
  static constexpr std::size_t max_udp = 6000;
  static constexpr std::size_t max_tcp = 1500;
  static constexpr auto answer_limit = 10s;

  explicit dns_stream(test::server_address at)
      : at_(std::move(at)), udp_thread_([this] { run_udp(); }), tcp_thread_([this] { run_tcp(); }) {}
  ~dns_stream() { stop(); }
  dns_stream(const dns_stream&) = delete;
  dns_stream& operator=(const dns_stream&) = delete;

  void stop() {
    stopping_ = true;
    if (udp_thread_.joinable()) udp_thread_.join();
    if (tcp_thread_.joinable()) tcp_thread_.join();
  }

  struct counts {
    std::size_t sent = 0;
    std::size_t answered = 0;
    double slowest_ms = 0;
  };
  counts udp;
  counts tcp;
  std::vector<std::string> tcp_failures;

 private:
  void run_udp() {
    const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return;
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(at_.port);
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&to), sizeof to) != 0) {
      ::close(fd);
      return;
    }
    std::vector<clock_type::time_point> sent_at;
    std::vector<bool> answered;
    auto next = clock_type::now();
    clock_type::time_point last_sent{};
    for (;;) {
      const auto now = clock_type::now();
      const bool sending = !stopping_ && sent_at.size() < max_udp;
      if (!sending && (udp.answered == sent_at.size() || now - last_sent > answer_limit)) break;
      if (sending && now >= next) {
        const auto id = static_cast<std::uint16_t>(sent_at.size() + 1);
        const auto wire = dns::encode(make_query("www.example.test.", rr_type::a, true, id));
        sent_at.push_back(now);
        answered.push_back(false);
        last_sent = now;
        ++udp.sent;
        ::send(fd, wire.data(), wire.size(), 0);  // a failed send is a lost query: counted below
        next += 5ms;
      }
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, 2) <= 0) continue;
      std::uint8_t buffer[4096];
      const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
      if (n <= 0) continue;
      dns::message m;
      if (dns::decode(std::span<const std::uint8_t>(buffer, static_cast<std::size_t>(n)), m)) continue;
      const std::size_t index = m.hdr.id;
      if (index == 0 || index > sent_at.size() || answered[index - 1] ||
          m.rcode() != dns::rcode::noerror) {
        continue;
      }
      const auto ms = std::chrono::duration<double, std::milli>(clock_type::now() - sent_at[index - 1]).count();
      if (ms > std::chrono::duration<double, std::milli>(answer_limit).count()) continue;
      answered[index - 1] = true;
      ++udp.answered;
      udp.slowest_ms = std::max(udp.slowest_ms, ms);
    }
    ::close(fd);
  }

  void run_tcp() {
    std::uint16_t id = 1;
    while (!stopping_ && tcp.sent < max_tcp) {
      const auto next = clock_type::now() + 20ms;
      const auto start = clock_type::now();
      ++tcp.sent;
      ++id;
      test::tcp_client client;
      std::optional<test::bytes> raw;
      if (!client.connect(at_, answer_limit)) {
        tcp_failures.emplace_back("connect");
      } else if (!client.send_message(dns::encode(make_query("www.example.test.", rr_type::a, true, id)))) {
        tcp_failures.emplace_back("send");
      } else if (raw = client.receive_message(answer_limit); !raw) {
        tcp_failures.emplace_back("no answer");
      } else {
        dns::message m;
        if (!dns::decode(*raw, m) && m.hdr.id == id && m.rcode() == dns::rcode::noerror) {
          ++tcp.answered;
          tcp.slowest_ms = std::max(
              tcp.slowest_ms, std::chrono::duration<double, std::milli>(clock_type::now() - start).count());
        } else {
          tcp_failures.emplace_back("a wrong answer");
        }
      }
      std::this_thread::sleep_until(next);
    }
  }

  test::server_address at_;
  std::atomic<bool> stopping_{false};
  std::thread udp_thread_;
  std::thread tcp_thread_;
};

enum class http_kind { idle, slow, malformed, oversized, forbidden_reload };

struct http_attacker {
  int fd = -1;
  http_kind kind = http_kind::idle;
  clock_type::time_point opened;
  std::optional<clock_type::time_point> closed;  // by the server (end of stream or reset)
  std::string reply;
};

std::string first_bytes(http_kind kind) {
  switch (kind) {
    case http_kind::idle: return {};
    case http_kind::slow: return "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    case http_kind::malformed: return "GARBAGE / NOT-HTTP\r\n\r\n";
    case http_kind::oversized:
      return "GET /metrics HTTP/1.1\r\nHost: x\r\nX-Filler: " + std::string(20000, 'a') + "\r\n\r\n";
    case http_kind::forbidden_reload:
      return "POST /reload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n";
  }
  return {};
}

// The status code a reply starts with (0: none, or not HTTP).
int status_of(const std::string& reply) {
  if (!reply.starts_with("HTTP/1.1 ") || reply.size() < 12) return 0;
  return std::atoi(reply.substr(9, 3).c_str());
}

}  // namespace

TEST_CASE("abuse: http: 1000 connections with slow, malformed and forbidden requests, and DNS "
          "loses nothing", "[integration][abuse]") {
  raise_fd_limit(16384);
  // POST /reload only from 127.0.0.2: this client (127.0.0.1) must get 403.
  auto server = start_example_server({"--threads", "2", "--http", "127.0.0.1:0",
                                      "--http-allow-reload", "127.0.0.2/32"});
  const auto port = http_port(*server);
  const auto at = address_of(*server);
  const pid_t pid = server->process().pid();
  REQUIRE(get(port, "/metrics").status == 200);
  const std::size_t base_fds = open_fds(pid);

  dns_stream stream(at);
  std::this_thread::sleep_for(200ms);  // the stream runs before the attack starts

  constexpr std::size_t count = 1000;
  std::vector<http_attacker> attackers(count);
  for (std::size_t i = 0; i < count; ++i) {
    auto& a = attackers[i];
    a.kind = static_cast<http_kind>(i % 5);
    a.fd = connect_to(port);
    ::fcntl(a.fd, F_SETFL, ::fcntl(a.fd, F_GETFL) | O_NONBLOCK);
    a.opened = clock_type::now();
    const std::string bytes = first_bytes(a.kind);
    if (!bytes.empty()) ::send(a.fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
  }

  // Read every connection until the server ends it; the slow ones get one more header line
  // every 500 ms (never the blank line that ends the request). The server must end all of them:
  // the request timeout is 10 s for the whole request, however slowly it comes.
  const auto deadline = clock_type::now() + 60s;
  auto next_trickle = clock_type::now();
  std::size_t still_open = count;
  std::size_t most_fds = 0;
  while (still_open > 0 && clock_type::now() < deadline) {
    std::vector<pollfd> polls;
    std::vector<std::size_t> which;
    for (std::size_t i = 0; i < count; ++i) {
      if (attackers[i].closed) continue;
      polls.push_back({attackers[i].fd, POLLIN, 0});
      which.push_back(i);
    }
    ::poll(polls.data(), polls.size(), 100);
    for (std::size_t k = 0; k < polls.size(); ++k) {
      if (polls[k].revents == 0) continue;
      auto& a = attackers[which[k]];
      char buffer[4096];
      const ssize_t n = ::recv(a.fd, buffer, sizeof buffer, 0);
      if (n > 0) {
        a.reply.append(buffer, static_cast<std::size_t>(n));
      } else if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) {
        a.closed = clock_type::now();
        --still_open;
      }
    }
    if (clock_type::now() >= next_trickle) {
      next_trickle += 500ms;
      for (auto& a : attackers) {
        if (a.kind == http_kind::slow && !a.closed) ::send(a.fd, "X-Slow: 1\r\n", 11, MSG_NOSIGNAL);
      }
      most_fds = std::max(most_fds, open_fds(pid));
    }
  }
  const std::size_t left_open = still_open;
  for (auto& a : attackers) ::close(a.fd);

  std::map<int, std::size_t> statuses;
  std::size_t slow_timed_out = 0;
  for (const auto& a : attackers) {
    ++statuses[status_of(a.reply)];
    if (a.kind == http_kind::slow && a.reply.empty() && a.closed && *a.closed - a.opened >= 5s) {
      ++slow_timed_out;
    }
  }
  std::string seen;
  for (const auto& [status, n] : statuses) seen += fmt::format(" {}: {}", status, n);
  INFO("HTTP statuses (0: closed without an answer):" << seen);
  INFO("the server's log:\n" << server->stderr_text());
  CHECK(left_open == 0);  // every connection answered or closed by the server
  // Only these answers: 400 (malformed, oversized), 403 (POST /reload from 127.0.0.1), 503
  // (over the limit); those held to the end of the timeout are closed without one.
  for (const auto& [status, n] : statuses) {
    CHECK((status == 0 || status == 400 || status == 403 || status == 503));
  }
  CHECK(statuses[400] > 0);
  CHECK(statuses[403] > 0);
  CHECK(statuses[503] > 0);
  CHECK(slow_timed_out > 0);  // trickling requests were held, then closed by the timeout
  CHECK(contains(server->stderr_text(), "http: connection limit 64 reached"));
  CHECK_FALSE(contains(server->stderr_text(), "reloading"));
  // The endpoint's connections, its listener and one being refused, and a few DNS TCP
  // connections of the stream in flight.
  std::cout << "abuse: 1000 HTTP connections: the server held at most " << most_fds - base_fds
            << " descriptors more than before\n";
  CHECK(most_fds <= base_fds + 64 + 2 + 8);

  stream.stop();
  std::cout << "abuse: during the HTTP flood: udp " << stream.udp.answered << "/" << stream.udp.sent
            << " answered (slowest " << stream.udp.slowest_ms << " ms), tcp " << stream.tcp.answered
            << "/" << stream.tcp.sent << " (slowest " << stream.tcp.slowest_ms << " ms)\n";
  for (const auto& f : stream.tcp_failures) std::cout << "abuse:   a tcp query failed: " << f << "\n";
  CHECK(stream.udp.sent >= 200);
  CHECK(stream.tcp.sent >= 20);
  CHECK(stream.udp.answered == stream.udp.sent);  // none lost
  CHECK(stream.tcp.answered == stream.tcp.sent);

  // Afterwards the endpoint serves again and holds nothing of the attack.
  CHECK(eventually([&] { return get(port, "/metrics").status == 200; }, 20s));
  CHECK(eventually([&] { return open_fds(pid) <= base_fds + 2; }, 20s));
  CHECK(server->stop() == 0);
}
