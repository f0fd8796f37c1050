// Response rate limiting against the real binary: a flood from eight loopback sources in one
// /24 (127.0.0.2-9, spoofed-looking: loopback accepts any 127/8 source) gets about the limit per
// second in full answers plus the slipped TC answers, while a client in another /24 (127.0.1.1)
// gets every answer, and TCP from a flooding address is never limited. Bounded: a couple of
// seconds of ~2,000 queries/s on loopback.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

#include "integration_support.hpp"

using namespace nstest;
using dns::rr_type;

namespace {

// A socket bound to `source` (port 0) and connected to the server.
class source_socket {
 public:
  source_socket(const char* source, std::uint16_t server_port, int type) {
    fd_ = ::socket(AF_INET, type | SOCK_CLOEXEC, 0);
    REQUIRE(fd_ >= 0);
    sockaddr_in local{};
    local.sin_family = AF_INET;
    REQUIRE(::inet_pton(AF_INET, source, &local.sin_addr) == 1);
    INFO("bind " << source << ": " << std::strerror(errno));
    REQUIRE(::bind(fd_, reinterpret_cast<const sockaddr*>(&local), sizeof local) == 0);
    sockaddr_in server{};
    server.sin_family = AF_INET;
    server.sin_port = htons(server_port);
    server.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd_, reinterpret_cast<const sockaddr*>(&server), sizeof server) == 0);
    if (type == SOCK_DGRAM) ::fcntl(fd_, F_SETFL, O_NONBLOCK);
  }
  ~source_socket() { ::close(fd_); }
  source_socket(const source_socket&) = delete;
  source_socket& operator=(const source_socket&) = delete;
  int fd() const { return fd_; }

 private:
  int fd_ = -1;
};

struct tally {
  std::size_t sent = 0;
  std::size_t full = 0;       // answers with TC=0
  std::size_t truncated = 0;  // slipped: TC=1, no records
};

// Reads every datagram waiting on `s` into `t`.
void drain(const source_socket& s, tally& t) {
  std::uint8_t buffer[2048];
  for (;;) {
    const ssize_t n = ::recv(s.fd(), buffer, sizeof buffer, 0);
    if (n < 12) return;
    const bool tc = (buffer[2] & 0x02) != 0;
    const unsigned records = (unsigned{buffer[6]} << 8 | buffer[7]) + (unsigned{buffer[8]} << 8 | buffer[9]);
    if (tc) {
      ++t.truncated;
      CHECK(records == 0);
    } else {
      ++t.full;
    }
  }
}

bool tcp_ask(int fd, const std::vector<std::uint8_t>& query) {
  const std::uint8_t length[2] = {static_cast<std::uint8_t>(query.size() >> 8),
                                  static_cast<std::uint8_t>(query.size())};
  if (::send(fd, length, 2, MSG_NOSIGNAL) != 2) return false;
  if (::send(fd, query.data(), query.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(query.size())) {
    return false;
  }
  std::uint8_t buffer[4096];
  std::size_t have = 0, want = 2;
  const auto deadline = std::chrono::steady_clock::now() + 2s;
  while (have < want) {
    pollfd p{fd, POLLIN, 0};
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
    const ssize_t n = ::recv(fd, buffer + have, want - have, 0);
    if (n <= 0) return false;
    have += static_cast<std::size_t>(n);
    if (have == 2 && want == 2) want = 2 + (std::size_t{buffer[0]} << 8 | buffer[1]);
    if (want > sizeof buffer) return false;
  }
  return want > 2 + 12 && (buffer[2 + 2] & 0x02) == 0;  // a whole answer, not truncated
}

constexpr unsigned limit = 20;
constexpr auto flood_time = 2s;

// Floods for `flood_time` from 127.0.0.2-9 with `flood_query(i)` (1,600 queries/s in all),
// asks from 127.0.1.1 ten times a second (below the limit), and sends `tcp_queries` over TCP
// from 127.0.0.2 halfway.
struct flood_result {
  tally flood, other;
  std::size_t tcp_answered = 0;
};

template <typename MakeQuery>
flood_result flood(std::uint16_t port, MakeQuery flood_query, std::size_t tcp_queries) {
  std::vector<std::unique_ptr<source_socket>> flooders;
  for (int host = 2; host <= 9; ++host) {
    const std::string source = "127.0.0." + std::to_string(host);
    flooders.push_back(std::make_unique<source_socket>(source.c_str(), port, SOCK_DGRAM));
  }
  source_socket other("127.0.1.1", port, SOCK_DGRAM);
  const auto other_query = dns::encode(make_query("www.example.test.", rr_type::a));

  flood_result r;
  const auto start = std::chrono::steady_clock::now();
  auto last_other = start - 1s;
  bool tcp_done = false;
  std::size_t rounds = 0;
  for (auto now = start; now - start < flood_time; now = std::chrono::steady_clock::now()) {
    // Paced by the clock, 200 rounds of 8 queries a second: a test process that was not
    // scheduled for a while catches up (in bursts of at most 20 rounds) instead of flooding less.
    const auto due = static_cast<std::size_t>(
        std::chrono::duration_cast<std::chrono::milliseconds>(now - start).count() / 5 + 1);
    for (std::size_t burst = 0; rounds < due && burst < 20; ++rounds, ++burst) {
      for (auto& f : flooders) {
        const auto q = flood_query(r.flood.sent);
        if (::send(f->fd(), q.data(), q.size(), 0) == static_cast<ssize_t>(q.size())) ++r.flood.sent;
      }
    }
    // The other client at most 10 queries a second, never in a burst: under the limit.
    if (now - last_other >= 100ms &&
        ::send(other.fd(), other_query.data(), other_query.size(), 0) == static_cast<ssize_t>(other_query.size())) {
      last_other = now;
      ++r.other.sent;
    }
    if (!tcp_done && now - start > flood_time / 2) {
      // The flooding address's UDP stream is over its limit now; TCP must not care.
      tcp_done = true;
      source_socket tcp("127.0.0.2", port, SOCK_STREAM);
      for (std::size_t i = 0; i < tcp_queries; ++i) {
        if (tcp_ask(tcp.fd(), flood_query(i))) ++r.tcp_answered;
      }
    }
    for (auto& f : flooders) drain(*f, r.flood);
    drain(other, r.other);
    std::this_thread::sleep_for(2ms);
  }
  // Answers still on their way.
  const auto end = std::chrono::steady_clock::now() + 500ms;
  while (std::chrono::steady_clock::now() < end) {
    for (auto& f : flooders) drain(*f, r.flood);
    drain(other, r.other);
    std::this_thread::sleep_for(10ms);
  }
  return r;
}

void check_limited(const flood_result& r, std::size_t tcp_queries) {
  const double seconds = std::chrono::duration<double>(flood_time).count();
  INFO("flood: " << r.flood.sent << " sent, " << r.flood.full << " full answers ("
                 << r.flood.full / seconds << "/s, limit " << limit << "/s), " << r.flood.truncated
                 << " truncated; other client: " << r.other.sent << " sent, " << r.other.full
                 << " answered");
  // The flood must have been well over the limit for the test to mean anything.
  REQUIRE(r.flood.sent > 10 * limit * 2);
  // Full answers: `limit` in each whole second the flood touched (2 s spans 2 or 3 of them).
  CHECK(r.flood.full >= limit);
  CHECK(r.flood.full <= limit * 3);
  // Slip 2: every other limited answer goes out truncated (each second's count is exact, so
  // only each second's odd one out can differ).
  const std::size_t limited = r.flood.sent - r.flood.full;
  CHECK(r.flood.truncated + 3 >= limited / 2);
  CHECK(r.flood.truncated <= limited / 2 + 3);
  // The other network got every answer, none truncated; TCP from the flooder was not limited.
  CHECK(r.other.full == r.other.sent);
  CHECK(r.other.truncated == 0);
  CHECK(r.tcp_answered == tcp_queries);
}

}  // namespace

TEST_CASE("rate limit: a flood from one /24 gets the limit, another client everything",
          "[integration]") {
  auto server = start_example_server({"--threads", "2", "--rate-limit", std::to_string(limit),
                                      "--rate-limit-slip", "2"});
  const auto query = dns::encode(make_query("www.example.test.", rr_type::a));
  const auto r = flood(server->port(), [&](std::size_t) { return query; }, 2 * limit);
  check_limited(r, 2 * limit);
  CHECK(wait_log(*server, "identical answers/s to 127.0.0.0/24, limiting (slip 2)"));
  CHECK(server->stop() == 0);
  server->process().join_output();
  CHECK(contains(server->stderr_text(), "rate limit on udp 127.0.0.1: "));
}

TEST_CASE("rate limit: random names under one zone are one stream", "[integration]") {
  auto server = start_example_server({"--rate-limit", std::to_string(limit)});
  // Every query a new name: NXDOMAIN, counted under the zone (a random-subdomain flood).
  const auto r = flood(server->port(), [](std::size_t i) {
    return dns::encode(make_query("r" + std::to_string(i) + ".example.test.", rr_type::a));
  }, limit + 5);
  check_limited(r, limit + 5);
}

TEST_CASE("rate limit: off by default", "[integration]") {
  auto server = start_example_server();
  source_socket s("127.0.0.2", server->port(), SOCK_DGRAM);
  const auto query = dns::encode(make_query("www.example.test.", rr_type::a));
  tally t;
  for (int i = 0; i < 200; ++i) {
    REQUIRE(::send(s.fd(), query.data(), query.size(), 0) == static_cast<ssize_t>(query.size()));
    ++t.sent;
    if (i % 20 == 19) std::this_thread::sleep_for(2ms);
    drain(s, t);
  }
  const auto end = std::chrono::steady_clock::now() + 2s;
  while (t.full < t.sent && std::chrono::steady_clock::now() < end) {
    std::this_thread::sleep_for(10ms);
    drain(s, t);
  }
  CHECK(t.full == t.sent);
  CHECK(t.truncated == 0);
}
