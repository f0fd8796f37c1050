// Operations that end when their caller is done with them: once a deadline or a cancel_token
// has completed every operation, nothing of theirs keeps io_context::run (or a blocking call)
// busy, although c-ares would otherwise go on retrying their queries for tens of seconds.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <cstring>
#include <string>

#include "dnskit/resolver/blocking.hpp"
#include "test_server.hpp"
#include "test_util.hpp"

using namespace dnskit;
using namespace std::chrono_literals;
using resolver::errc;
using namespace dnskit::resolver::test;

namespace {

using clock_type = std::chrono::steady_clock;

// A UDP socket bound to 127.0.0.1 that nobody reads: every query sent to it goes unanswered.
class silent_socket {
 public:
  silent_socket() {
    fd_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    REQUIRE(fd_ >= 0);
    sockaddr_in sa;
    std::memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd_, reinterpret_cast<const sockaddr*>(&sa), sizeof sa) == 0);
    socklen_t len = sizeof sa;
    REQUIRE(::getsockname(fd_, reinterpret_cast<sockaddr*>(&sa), &len) == 0);
    port_ = ntohs(sa.sin_port);
  }
  ~silent_socket() { ::close(fd_); }
  silent_socket(const silent_socket&) = delete;
  silent_socket& operator=(const silent_socket&) = delete;

  resolver::server_address address() const {
    return {boost::asio::ip::make_address("127.0.0.1"), port_};
  }

 private:
  int fd_ = -1;
  std::uint16_t port_ = 0;
};

// c-ares's own defaults (5 s first try, 4 rounds: about 75 s before it gives up), no
// resolv.conf, no hosts file.
resolver::options silent_options(const silent_socket& s) {
  resolver::options o;
  o.servers = {s.address()};
  o.resolv_conf = "/dev/null";
  o.hosts_file = false;
  return o;
}

// Bound for "returns right after the last deadline" on a loaded, sanitized build: the goal is
// a few milliseconds; before, run() returned only when c-ares gave up (75 s here, 10 s cut).
constexpr auto generous = 300ms;

}  // namespace

TEST_CASE("1,000 queries with 100 ms deadlines against silence: run() returns right after them",
          "[integration]") {
  silent_socket silent;
  boost::asio::io_context io;
  resolver::resolver r(io, silent_options(silent));
  resolver::query_options q;
  q.deadline = 100ms;
  int timeouts = 0, other = 0;
  const auto start = clock_type::now();
  for (int i = 0; i < 1000; ++i) {
    r.async_query("n" + std::to_string(i) + ".test", dns::rr_type::a, q,
                  [&](resolver::error_code ec, dns::message m) {
                    (ec == errc::timeout && m.answer.empty() ? timeouts : other) += 1;
                  });
  }
  io.run_for(10s);
  const auto elapsed = clock_type::now() - start;
  INFO("run() returned after "
       << std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count() << " ms");
  CHECK(timeouts == 1000);
  CHECK(other == 0);
  CHECK(elapsed >= 100ms);
  CHECK(elapsed < generous);
  CHECK(r.pending() == 0);
}

TEST_CASE("async_resolve with a deadline against silence releases the event loop",
          "[integration]") {
  silent_socket silent;
  boost::asio::io_context io;
  resolver::resolver r(io, silent_options(silent));
  resolver::resolve_options ro;
  ro.deadline = 100ms;
  int timeouts = 0;
  const auto start = clock_type::now();
  for (int i = 0; i < 20; ++i) {
    r.async_resolve("h" + std::to_string(i) + ".test", ro,
                    [&](resolver::error_code ec, const resolver::resolve_result&) {
                      if (ec == errc::timeout) ++timeouts;
                    });
  }
  io.run_for(10s);
  CHECK(timeouts == 20);
  CHECK(clock_type::now() - start < generous);
}

TEST_CASE("a cancel_token releases the event loop at once", "[integration]") {
  silent_socket silent;
  boost::asio::io_context io;
  resolver::resolver r(io, silent_options(silent));
  resolver::cancel_token token;
  resolver::query_options q;
  q.cancel = token;
  int aborted = 0;
  for (int i = 0; i < 100; ++i) {
    r.async_query("n" + std::to_string(i) + ".test", dns::rr_type::a, q,
                  [&](resolver::error_code ec, dns::message) {
                    if (ec == boost::asio::error::operation_aborted) ++aborted;
                  });
  }
  io.run_for(30ms);  // on the wire
  token.cancel();
  const auto start = clock_type::now();
  io.restart();
  io.run_for(10s);
  CHECK(aborted == 100);
  CHECK(clock_type::now() - start < generous);
}

TEST_CASE("abandoned queries beside a live one are dropped when the live one completes",
          "[integration]") {
  // "slow" names are answered after 200 ms; the others never.
  test_server server([](const dns::message& q, bool) {
    if (q.questions.at(0).qname.label(0) != "slow") return reply::silence();
    dns::message r = response_to(q);
    r.answer.push_back(make_record(q.questions[0].qname.to_text(), dns::rr_type::a, "192.0.2.1"));
    return reply::answer(r, 200ms);
  });
  boost::asio::io_context io;
  resolver::resolver r(io, loopback_options(server, 5000ms, 4));
  resolver::query_options q;
  q.deadline = 50ms;
  int timeouts = 0;
  for (int i = 0; i < 10; ++i) {
    r.async_query("n" + std::to_string(i) + ".test", dns::rr_type::a, q,
                  [&](resolver::error_code ec, dns::message) {
                    if (ec == errc::timeout) ++timeouts;
                  });
  }
  resolver::error_code live = errc::bad_query;
  clock_type::duration live_at{};
  const auto start = clock_type::now();
  r.async_query("slow.test", dns::rr_type::a, [&](resolver::error_code ec, dns::message) {
    live = ec;
    live_at = clock_type::now() - start;
  });
  io.run_for(10s);
  const auto elapsed = clock_type::now() - start;
  CHECK(timeouts == 10);
  CHECK(!live);
  CHECK(live_at >= 190ms);
  CHECK(elapsed - live_at < generous);
  // Still usable afterwards: the same resolver answers a new question.
  resolver::error_code again = errc::bad_query;
  r.async_query("slow.test", dns::rr_type::a, [&](resolver::error_code ec, dns::message) { again = ec; });
  io.restart();
  io.run_for(10s);
  CHECK(!again);
}

TEST_CASE("blocking calls honour deadlines", "[integration]") {
  silent_socket silent;
  resolver::query_options q;
  q.deadline = 250ms;
  auto start = clock_type::now();
  resolver::error_code ec;
  const dns::message m = resolver::query("blocked.test", dns::rr_type::a, silent_options(silent), q, ec);
  CHECK(ec == errc::timeout);
  CHECK(clock_type::now() - start < 250ms + generous);

  resolver::resolve_options ro;
  ro.deadline = 250ms;
  start = clock_type::now();
  resolver::resolve("blocked.test", silent_options(silent), ro, ec);
  CHECK(ec == errc::timeout);
  CHECK(clock_type::now() - start < 250ms + generous);
}
