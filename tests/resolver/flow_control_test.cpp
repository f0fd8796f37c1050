// Many UDP queries in flight on one socket: by default the resolver asks for a larger receive
// buffer and hands c-ares no more queries than the granted buffer holds answers, so a burst
// loses nothing to the kernel (a lost answer costs a whole timeout).
#include <catch2/catch.hpp>

#include <fstream>

#include "dnskit/dns/rdata.hpp"
#include "test_server.hpp"
#include "test_util.hpp"

using namespace dnskit;
using namespace std::chrono_literals;
using resolver::errc;
using namespace dnskit::resolver::test;

namespace {

int system_default_receive_buffer() {
  std::ifstream in("/proc/sys/net/core/rmem_default");
  int value = 0;
  in >> value;
  return value;
}

script numbered_answers() {
  return [](const dns::message& q, bool) {
    dns::message r = response_to(q);
    r.answer.push_back(make_record(q.questions.at(0).qname.to_text(), dns::rr_type::a, "192.0.2.1"));
    return reply::answer(r);
  };
}

}  // namespace

TEST_CASE("the automatic receive buffer and in-flight bound are reported", "[integration]") {
  test_server server(numbered_answers());
  boost::asio::io_context io;
  const auto automatic = resolver::resolver(io, loopback_options(server)).effective_options();
  CHECK(automatic.socket_receive_buffer >= system_default_receive_buffer());
  CHECK(automatic.max_in_flight >= 64);
  CHECK(automatic.max_in_flight == std::max<std::size_t>(static_cast<std::size_t>(automatic.socket_receive_buffer) / 2304, 64));

  auto given = loopback_options(server);
  given.max_in_flight = 8;
  CHECK(resolver::resolver(io, given).effective_options().max_in_flight == 8);
  auto tcp = loopback_options(server);
  tcp.tcp_only = true;
  CHECK(resolver::resolver(io, tcp).effective_options().max_in_flight == 0);  // TCP needs no bound
}

TEST_CASE("a burst of 800 UDP queries with default socket options loses no answer", "[integration][burst]") {
  // Every query is handed over before the socket is read once, so every answer the bound lets
  // out must fit in the receive buffer: the system's default buffer holds about 256, so with
  // neither a larger buffer nor a bound most are dropped, and with one try each such query ends
  // in a timeout. (800 stays below the kernel's loopback backlog, net.core.netdev_max_backlog
  // = 1000 packets, which a loaded machine can also overflow with a larger burst.)
  test_server server(numbered_answers());
  boost::asio::io_context io;
  resolver::resolver r(io, loopback_options(server, 1000ms, 1));
  constexpr int count = 800;
  int ok = 0, failed = 0;
  resolver::error_code first_error;
  for (int i = 0; i < count; ++i) {
    r.async_query("n" + std::to_string(i) + ".test", dns::rr_type::a, [&](resolver::error_code ec, dns::message) {
      if (!ec) {
        ++ok;
      } else if (failed++ == 0) {
        first_error = ec;
      }
    });
  }
  run_bounded(io, 60s);
  INFO("first error: " << first_error.message());
  CHECK(failed == 0);
  CHECK(ok == count);
  CHECK(server.udp_queries() == count);  // no retries either
}
