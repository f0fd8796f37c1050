// TCP abuse (issue 7, item 4): idle connections by the thousand, a length prefix then silence,
// a 65,535-byte length followed by 10 bytes, connect-and-reset storms. Meanwhile a legitimate
// client asks over UDP and over fresh TCP connections every 20 ms: nothing may be lost, and
// (outside sanitizer builds) every answer must come within 100 ms. The [long] forms (CTest label
// "long", not run by scripts/test) hold more connections for longer.
#include <netinet/in.h>

#include "abuse_support.hpp"

using namespace nstest;
using dns::rr_type;

namespace {

struct server_for_abuse {
  std::unique_ptr<test::server_process> server;
  test::server_address at;
  pid_t pid = 0;
  std::size_t base_fds = 0;
};

server_for_abuse start_abused(std::vector<std::string> extra = {}, unsigned idle_ms = 2000) {
  raise_fd_limit(16384);
  std::vector<std::string> args = {"--threads", "2", "--tcp-idle-timeout", std::to_string(idle_ms)};
  args.insert(args.end(), extra.begin(), extra.end());
  server_for_abuse s;
  s.server = start_example_server(args);
  s.at = address_of(*s.server);
  s.pid = s.server->process().pid();
  s.base_fds = open_fds(s.pid);
  return s;
}

// After an attack: the server still runs, answers, and holds no descriptor of the attackers
// once their connections are gone (within a second: sooner than the idle timeout, so it is the
// client's close or reset that freed them).
void check_recovered(server_for_abuse& s) {
  CHECK(s.server->process().running());
  auto a = test::udp_query(s.at, make_query("www.example.test.", rr_type::a), 1s);
  CHECK(a.has_value());
  CHECK(eventually([&] { return open_fds(s.pid) <= s.base_fds + 2; }, 1s));
}

// Idle connections held open (the idle timeout, 60 s, a quarter of it under pressure, is longer
// than the hold), so the server really carries them (up to the limit) while the probe asks.
void idle_connections(std::size_t count, std::chrono::milliseconds hold, unsigned limit) {
  auto s = start_abused({"--tcp-max-connections", std::to_string(limit)}, 60'000);
  prober probe(s.at, "www.example.test.");
  std::vector<test::tcp_client> idle(count);
  for (auto& c : idle) REQUIRE(c.connect(s.at));
  const std::size_t held = std::min<std::size_t>(count, limit) * 9 / 10;
  CHECK(eventually([&] { return open_fds(s.pid) >= s.base_fds + held; }, 5s));
  std::this_thread::sleep_for(hold);
  const std::size_t fds = open_fds(s.pid);
  std::cout << "abuse: " << count << " idle connections: the server holds " << fds - s.base_fds
            << " after " << hold.count() << " ms\n";
  CHECK(fds >= s.base_fds + held);
  CHECK(fds <= s.base_fds + limit + 2);
  probe.report_and_check(std::to_string(count) + " idle TCP connections (limit " +
                         std::to_string(limit) + ")");
  idle.clear();
  check_recovered(s);
}

void silent_after_prefix(std::size_t count, std::vector<std::uint8_t> bytes, std::string_view what) {
  auto s = start_abused();
  prober probe(s.at, "www.example.test.");
  std::vector<test::tcp_client> clients(count);
  for (auto& c : clients) {
    REQUIRE(c.connect(s.at));
    REQUIRE(c.send_raw(bytes));
  }
  // The idle timeout (2 s) closes every one of them.
  std::size_t closed = 0;
  for (auto& c : clients) closed += c.wait_closed(5s) ? 1 : 0;
  CHECK(closed == count);
  probe.report_and_check(std::to_string(count) + " connections: " + std::string(what));
  clients.clear();
  check_recovered(s);
}

// Connects, sometimes sends a query or half of one, and resets (SO_LINGER 0: RST, no FIN).
void reset_storm(std::size_t iterations) {
  auto s = start_abused();
  prober probe(s.at, "www.example.test.");
  const auto query = framed(make_query("www.example.test.", rr_type::a));
  std::size_t connected = 0;
  for (std::size_t i = 0; i < iterations; ++i) {
    test::tcp_client c;
    if (!c.connect(s.at, 1s)) continue;
    ++connected;
    if (i % 3 == 1) c.send_raw(query);
    if (i % 3 == 2) c.send_raw(std::span(query).first(query.size() / 2));
    const linger reset{1, 0};
    ::setsockopt(c.fd(), SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
    c.close();
  }
  CHECK(connected == iterations);
  probe.report_and_check(std::to_string(iterations) + " connect-and-reset (SO_LINGER 0)");
  check_recovered(s);
}

}  // namespace

TEST_CASE("abuse: 1000 idle TCP connections", "[integration][abuse]") {
  idle_connections(1000, 1500ms, 1000);
}

TEST_CASE("abuse: 5000 idle TCP connections against a limit of 1000, held 10 s", "[abuse][long]") {
  idle_connections(5000, 10s, 1000);
}

TEST_CASE("abuse: a length prefix then silence", "[integration][abuse]") {
  silent_after_prefix(300, {0x00, 0x40}, "a length prefix then silence");
}

TEST_CASE("abuse: a 65535-byte length followed by 10 bytes", "[integration][abuse]") {
  silent_after_prefix(300, {0xff, 0xff, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10},
                      "65,535-byte length then 10 bytes");
}

TEST_CASE("abuse: silent connections by the thousand", "[abuse][long]") {
  silent_after_prefix(3000, {0x00, 0x40}, "a length prefix then silence");
  silent_after_prefix(3000, {0xff, 0xff, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10},
                      "65,535-byte length then 10 bytes");
}

TEST_CASE("abuse: a connect-and-reset storm", "[integration][abuse]") { reset_storm(3000); }

TEST_CASE("abuse: a long connect-and-reset storm", "[abuse][long]") { reset_storm(100000); }
