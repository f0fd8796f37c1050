// Each completion style works: plain callbacks, use_future, use_awaitable (C++20 coroutines),
// redirect_error, and a handler bound to another executor.
#include <catch2/catch.hpp>
#include <future>
#include <thread>

#include "dnskit/dns/rdata.hpp"
#include "test_server.hpp"
#include "test_util.hpp"

using namespace dnskit;
using namespace std::chrono_literals;
using resolver::errc;
using namespace dnskit::resolver::test;
namespace asio = boost::asio;

namespace {

std::vector<dns::record> zone() {
  return {make_record("www.example.test.", dns::rr_type::a, "192.0.2.1"),
          make_record("www.example.test.", dns::rr_type::aaaa, "2001:db8::1"),
          make_record("7.2.0.192.in-addr.arpa.", dns::rr_type::ptr, "www.example.test.")};
}

}  // namespace

TEST_CASE("use_future delivers the message, and throws for errors", "[integration]") {
  test_server server(zone_script(zone()));
  asio::io_context io;
  resolver::resolver r(io, loopback_options(server));
  std::future<dns::message> ok = r.async_query("www.example.test", dns::rr_type::a, asio::use_future);
  std::future<dns::message> nx = r.async_query("nx.example.test", dns::rr_type::a, asio::use_future);
  std::future<resolver::resolve_result> addrs = r.async_resolve("www.example.test", asio::use_future);
  std::thread runner([&] { io.run_for(10s); });
  REQUIRE(ok.wait_for(10s) == std::future_status::ready);
  CHECK(ok.get().answer.size() == 1);
  REQUIRE(nx.wait_for(10s) == std::future_status::ready);
  try {
    nx.get();
    FAIL("no exception");
  } catch (const boost::system::system_error& e) {
    CHECK(e.code() == errc::nxdomain);
  }
  REQUIRE(addrs.wait_for(10s) == std::future_status::ready);
  CHECK(addrs.get().addresses.size() == 2);
  runner.join();
}

TEST_CASE("use_awaitable works in a coroutine, redirect_error keeps the message", "[integration]") {
  test_server server(zone_script(zone()));
  asio::io_context io;
  resolver::resolver r(io, loopback_options(server));
  bool finished = false;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        dns::message m = co_await r.async_query("www.example.test", dns::rr_type::a, asio::use_awaitable);
        CHECK(dns::rdata_to_text(dns::rr_type::a, m.answer.at(0).rdata) == "192.0.2.1");
        resolver::error_code ec;
        dns::message nx = co_await r.async_query("nx.example.test", dns::rr_type::a,
                                                 asio::redirect_error(asio::use_awaitable, ec));
        CHECK(ec == errc::nxdomain);
        CHECK(nx.rcode() == dns::rcode::nxdomain);  // the response is still there
        bool threw = false;
        try {
          co_await r.async_query("nx.example.test", dns::rr_type::a, asio::use_awaitable);
        } catch (const boost::system::system_error& e) {
          threw = e.code() == errc::nxdomain;
        }
        CHECK(threw);
        auto names = co_await r.async_reverse(asio::ip::make_address("192.0.2.7"), asio::use_awaitable);
        CHECK(names == std::vector<std::string>{"www.example.test"});
        auto addrs = co_await r.async_resolve("www.example.test", asio::use_awaitable);
        CHECK(addrs.addresses.size() == 2);
        finished = true;
      },
      asio::detached);
  run_bounded(io, 10s);
  CHECK(finished);
}

TEST_CASE("a handler runs on its own associated executor", "[integration]") {
  test_server server(zone_script(zone()));
  asio::io_context io;
  asio::io_context other;
  resolver::resolver r(io, loopback_options(server));
  bool ran = false;
  r.async_query("www.example.test", dns::rr_type::a,
                asio::bind_executor(other, [&](resolver::error_code ec, dns::message) {
                  CHECK(!ec);
                  ran = true;
                }));
  run_bounded(io, 10s);
  CHECK(!ran);  // not on the resolver's context
  other.run_for(5s);
  CHECK(ran);
}

TEST_CASE("a resolver on a strand of a multi-threaded io_context", "[integration]") {
  test_server server(zone_script(zone()));
  asio::io_context io;
  auto strand = asio::make_strand(io);
  std::optional<resolver::resolver> r;
  std::atomic<int> ok{0};
  asio::post(strand, [&] {
    r.emplace(strand, loopback_options(server));
    for (int i = 0; i < 200; ++i) {
      r->async_query("www.example.test", dns::rr_type::a, asio::bind_executor(strand, [&](resolver::error_code ec, dns::message) {
        if (!ec) ++ok;
      }));
    }
  });
  std::thread t1([&] { io.run_for(10s); });
  std::thread t2([&] { io.run_for(10s); });
  t1.join();
  t2.join();
  CHECK(ok == 200);
}
