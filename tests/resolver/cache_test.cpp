// The response cache (options::cache_entries): off by default; on, the same question twice
// sends one datagram, TTLs count down, NXDOMAIN and NODATA are kept for the SOA's MINIMUM
// (RFC 2308 §5), the key tells DO/CD apart, and the cache stays within its bounds (LRU).
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

#include "test_server.hpp"
#include "test_util.hpp"

using namespace dnskit;
using namespace std::chrono_literals;
using resolver::errc;
using namespace dnskit::resolver::test;

namespace {

// www.example.test A (TTL 300); "nodata.example.test" exists without A; everything else under
// example.test. is NXDOMAIN with an SOA whose MINIMUM is `negative_ttl`.
std::vector<dns::record> zone(std::uint32_t negative_ttl) {
  return {make_record("example.test.", dns::rr_type::soa,
                      "ns.example.test. host.example.test. 1 7200 3600 1209600 " + std::to_string(negative_ttl),
                      3600),
          make_record("www.example.test.", dns::rr_type::a, "192.0.2.1", 300),
          make_record("nodata.example.test.", dns::rr_type::txt, "\"x\"", 300)};
}

// Numbered names nN.test. answered with A 192.0.2.1, TTL 300.
script numbered() {
  return [](const dns::message& q, bool) {
    dns::message r = response_to(q);
    r.answer.push_back(make_record(q.questions.at(0).qname.to_text(), dns::rr_type::a, "192.0.2.1", 300));
    return reply::answer(r);
  };
}

resolver::options cached(const test_server& server, std::size_t entries = 100) {
  auto o = loopback_options(server);
  o.cache_entries = entries;
  return o;
}

struct hit_counter final : resolver::observer {
  int hits = 0;
  void on_cache_hit(const resolver::query_event&) override { ++hits; }
};

// Runs one query on `r` to its end.
query_outcome ask(boost::asio::io_context& io, resolver::resolver& r, const std::string& name,
                  dns::rr_type type = dns::rr_type::a, const resolver::query_options& q = {}) {
  query_outcome out;
  r.async_query(name, type, q, [&](resolver::error_code ec, dns::message m) {
    out.ec = ec;
    out.msg = std::move(m);
    ++out.calls;
  });
  run_bounded(io, 10s);
  return out;
}

}  // namespace

TEST_CASE("cache: off by default, every question goes to the server", "[integration]") {
  test_server server(zone_script(zone(300)));
  boost::asio::io_context io;
  resolver::resolver r(io, loopback_options(server));
  CHECK(!ask(io, r, "www.example.test").ec);
  CHECK(!ask(io, r, "www.example.test").ec);
  CHECK(server.udp_queries() == 2);
  CHECK(r.cache_stats().hits == 0);
  CHECK(r.cache_stats().entries == 0);
}

TEST_CASE("cache: the same question twice sends one datagram and TTLs count down", "[integration]") {
  test_server server(zone_script(zone(300)));
  boost::asio::io_context io;
  auto opts = cached(server);
  auto counter = std::make_shared<hit_counter>();
  opts.observer = counter;
  resolver::resolver r(io, opts);
  const auto first = ask(io, r, "www.example.test");
  REQUIRE(!first.ec);
  REQUIRE(first.msg.answer.size() == 1);
  CHECK(first.msg.answer[0].ttl == 300);
  std::this_thread::sleep_for(1100ms);
  const auto second = ask(io, r, "WWW.Example.Test");  // names compare without case
  REQUIRE(!second.ec);
  CHECK(server.udp_queries() == 1);
  REQUIRE(second.msg.answer.size() == 1);
  CHECK(second.msg.answer[0].ttl <= 299);  // served decremented
  CHECK(second.msg.answer[0].ttl >= 290);
  CHECK(second.msg.answer[0].rdata == first.msg.answer[0].rdata);
  CHECK(counter->hits == 1);
  const auto stats = r.cache_stats();
  CHECK(stats.hits == 1);
  CHECK(stats.misses == 1);
  CHECK(stats.inserts == 1);
  CHECK(stats.entries == 1);
  CHECK(stats.bytes > 0);
}

TEST_CASE("cache: DO and CD are part of the key", "[integration]") {
  test_server server(zone_script(zone(300)));
  boost::asio::io_context io;
  resolver::resolver r(io, cached(server));
  resolver::query_options dnssec;
  dnssec.dnssec_ok = true;
  resolver::query_options cd;
  cd.checking_disabled = true;
  CHECK(!ask(io, r, "www.example.test").ec);
  CHECK(!ask(io, r, "www.example.test", dns::rr_type::a, dnssec).ec);
  CHECK(!ask(io, r, "www.example.test", dns::rr_type::a, cd).ec);
  CHECK(ask(io, r, "www.example.test", dns::rr_type::aaaa).ec == errc::nodata);  // its own key
  CHECK(server.udp_queries() == 4);
  CHECK(!ask(io, r, "www.example.test", dns::rr_type::a, dnssec).ec);
  CHECK(server.udp_queries() == 4);
}

TEST_CASE("cache: NXDOMAIN and NODATA are kept for the SOA MINIMUM (RFC 2308)", "[integration]") {
  test_server server(zone_script(zone(1)));  // MINIMUM 1 s
  boost::asio::io_context io;
  resolver::resolver r(io, cached(server));
  auto nx = ask(io, r, "nosuch.example.test");
  CHECK(nx.ec == errc::nxdomain);
  auto nodata = ask(io, r, "nodata.example.test");
  CHECK(nodata.ec == errc::nodata);
  CHECK(server.udp_queries() == 2);
  // Within the second: from the cache, with the response (and its SOA) kept.
  auto again = ask(io, r, "nosuch.example.test");
  CHECK(again.ec == errc::nxdomain);
  REQUIRE(again.msg.authority.size() == 1);
  CHECK(again.msg.authority[0].type == dns::rr_type::soa);
  CHECK(ask(io, r, "nodata.example.test").ec == errc::nodata);
  CHECK(server.udp_queries() == 2);
  // After it: asked again.
  std::this_thread::sleep_for(1100ms);
  CHECK(ask(io, r, "nosuch.example.test").ec == errc::nxdomain);
  CHECK(server.udp_queries() == 3);
  CHECK(r.cache_stats().expired == 1);
}

TEST_CASE("cache: bounded in entries, least recently used out first", "[integration]") {
  test_server server(numbered());
  boost::asio::io_context io;
  resolver::resolver r(io, cached(server, 10));
  for (int i = 0; i < 25; ++i) REQUIRE(!ask(io, r, "n" + std::to_string(i) + ".test").ec);
  auto stats = r.cache_stats();
  CHECK(stats.entries == 10);
  CHECK(stats.evictions == 15);
  CHECK(server.udp_queries() == 25);
  // n15..n24 are held; n24 is answered from the cache, n0 was evicted.
  REQUIRE(!ask(io, r, "n15.test").ec);  // now the most recently used
  CHECK(server.udp_queries() == 25);
  REQUIRE(!ask(io, r, "n0.test").ec);  // evicts n16, the least recently used
  CHECK(server.udp_queries() == 26);
  REQUIRE(!ask(io, r, "n15.test").ec);
  CHECK(server.udp_queries() == 26);
  REQUIRE(!ask(io, r, "n16.test").ec);
  CHECK(server.udp_queries() == 27);
  CHECK(r.cache_stats().entries == 10);
}

TEST_CASE("cache: bounded in bytes", "[integration]") {
  test_server server(numbered());
  boost::asio::io_context io;
  auto opts = cached(server, 1000);
  opts.cache_bytes = 2000;
  resolver::resolver r(io, opts);
  for (int i = 0; i < 50; ++i) REQUIRE(!ask(io, r, "n" + std::to_string(i) + ".test").ec);
  const auto stats = r.cache_stats();
  CHECK(stats.bytes <= 2000);
  CHECK(stats.entries > 0);
  CHECK(stats.entries < 50);
  CHECK(stats.evictions == 50 - stats.entries);
}
