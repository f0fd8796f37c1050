// async_resolve (ares_getaddrinfo) and async_reverse, and the blocking functions.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <set>

#include "dnskit/dns/rdata.hpp"
#include "dnskit/resolver/blocking.hpp"
#include "test_server.hpp"
#include "test_util.hpp"

using namespace dnskit;
using namespace std::chrono_literals;
using resolver::errc;
using namespace dnskit::resolver::test;
namespace asio = boost::asio;

namespace {

std::vector<dns::record> zone() {
  return {make_record("www.example.test.", dns::rr_type::a, "192.0.2.1", 120),
          make_record("www.example.test.", dns::rr_type::aaaa, "2001:db8::1", 240),
          make_record("alias.example.test.", dns::rr_type::cname, "www.example.test."),
          make_record("v4.example.test.", dns::rr_type::a, "192.0.2.4"),
          make_record("txt.example.test.", dns::rr_type::txt, "\"x\""),
          make_record("7.2.0.192.in-addr.arpa.", dns::rr_type::ptr, "www.example.test."),
          make_record("7.2.0.192.in-addr.arpa.", dns::rr_type::ptr, "alias.example.test.")};
}

}  // namespace

TEST_CASE("async_resolve returns A and AAAA addresses with TTLs", "[integration]") {
  test_server server(zone_script(zone()));
  const auto opts = loopback_options(server);
  resolver::error_code ec;
  auto r = resolver::resolve("www.example.test", opts, {}, ec);
  REQUIRE(!ec);
  REQUIRE(r.addresses.size() == 2);
  std::set<std::string> got;
  for (const auto& a : r.addresses) got.insert(a.address.to_string() + "/" + std::to_string(a.ttl));
  CHECK(got == std::set<std::string>{"192.0.2.1/120", "2001:db8::1/240"});
  resolver::resolve_options v4;
  v4.family = resolver::address_family::v4;
  r = resolver::resolve("www.example.test", opts, v4, ec);
  REQUIRE(r.addresses.size() == 1);
  CHECK(r.addresses[0].address.to_string() == "192.0.2.1");
  r = resolver::resolve("alias.example.test", opts, v4, ec);
  REQUIRE(!ec);
  CHECK(r.canonical_name == "www.example.test");
}

TEST_CASE("async_resolve errors: NXDOMAIN, no address, numeric input", "[integration]") {
  test_server server(zone_script(zone()));
  const auto opts = loopback_options(server);
  resolver::error_code ec;
  (void)resolver::resolve("nosuch.example.test", opts, {}, ec);
  CHECK(ec == errc::nxdomain);
  (void)resolver::resolve("txt.example.test", opts, {}, ec);
  CHECK(ec == errc::nodata);
  const int before = server.udp_queries();
  auto r = resolver::resolve("192.0.2.77", opts, {}, ec);
  CHECK(!ec);
  REQUIRE(r.addresses.size() == 1);
  CHECK(r.addresses[0].address.to_string() == "192.0.2.77");
  CHECK(server.udp_queries() == before);  // no DNS for a numeric address
  CHECK_THROWS_AS(resolver::resolve("nosuch.example.test", opts), boost::system::system_error);
}

TEST_CASE("async_resolve uses the search list and the hosts file when asked", "[integration]") {
  test_server server(zone_script(zone()));
  auto opts = loopback_options(server);
  opts.search_domains = std::vector<std::string>{"example.test"};
  resolver::error_code ec;
  auto r = resolver::resolve("v4", opts, {}, ec);
  REQUIRE(!ec);
  CHECK(r.addresses.at(0).address.to_string() == "192.0.2.4");
  // With the hosts file off, every name is asked over DNS.
  const int before = server.udp_queries();
  (void)resolver::resolve("nosuch", opts, resolver::resolve_options{resolver::address_family::v4, {}, {}}, ec);
  CHECK(ec == errc::nxdomain);
  CHECK(server.udp_queries() == before + 2);  // nosuch.example.test, then nosuch
}

TEST_CASE("async_reverse returns PTR names", "[integration]") {
  test_server server(zone_script(zone()));
  const auto opts = loopback_options(server);
  resolver::error_code ec;
  auto names = resolver::reverse(asio::ip::make_address("192.0.2.7"), opts, {}, ec);
  REQUIRE(!ec);
  CHECK(names == std::vector<std::string>{"www.example.test", "alias.example.test"});
  names = resolver::reverse(asio::ip::make_address("192.0.2.8"), opts, {}, ec);
  CHECK(ec == errc::nxdomain);
  CHECK(names.empty());
}

TEST_CASE("blocking query keeps the response with its error", "[integration]") {
  test_server server(zone_script(zone()));
  const auto opts = loopback_options(server);
  resolver::error_code ec;
  auto m = resolver::query("nosuch.example.test", dns::rr_type::a, opts, {}, ec);
  CHECK(ec == errc::nxdomain);
  CHECK(m.rcode() == dns::rcode::nxdomain);
  m = resolver::query("www.example.test", dns::rr_type::aaaa, opts);
  CHECK(m.answer.size() == 1);
  try {
    (void)resolver::query("txt.example.test", dns::rr_type::a, opts);
    FAIL("no exception");
  } catch (const boost::system::system_error& e) {
    CHECK(e.code() == errc::nodata);
  }
}

TEST_CASE("effective options: servers from a test resolv.conf", "[integration]") {
  const auto path = std::filesystem::temp_directory_path() / "dnskit-resolver-test-resolv.conf";
  {
    std::ofstream f(path);
    f << "nameserver 127.0.0.1\nnameserver ::1\nsearch one.test two.test\noptions ndots:3 timeout:2 attempts:4\n";
  }
  resolver::options o;
  o.resolv_conf = path.string();
  o.hosts_file = false;
  asio::io_context io;
  resolver::resolver r(io, o);
  const auto eff = r.effective_options();
  REQUIRE(eff.servers.size() == 2);
  CHECK(eff.servers[0].to_string() == "127.0.0.1:53");
  CHECK(eff.servers[1].to_string() == "[::1]:53");
  CHECK(eff.search_domains == std::vector<std::string>{"one.test", "two.test"});
  CHECK(eff.ndots == 3);
  REQUIRE(eff.timeout);
  CHECK(eff.timeout->count() > 0);
  CHECK(eff.tries == 4);
  // Given options win over the file.
  o.timeout = std::chrono::milliseconds(750);
  o.servers = {resolver::server_address::parse("127.0.0.1:5300")};
  resolver::resolver r2(io, o);
  const auto eff2 = r2.effective_options();
  CHECK(eff2.timeout->count() == 750);
  REQUIRE(eff2.servers.size() == 1);
  CHECK(eff2.servers[0].to_string() == "127.0.0.1:5300");
  std::filesystem::remove(path);
}

TEST_CASE("async_resolve: IPv6 first, then IPv4, as documented", "[integration]") {
  test_server server(zone_script({make_record("two.example.test.", dns::rr_type::a, "192.0.2.1"),
                                  make_record("two.example.test.", dns::rr_type::a, "192.0.2.2"),
                                  make_record("two.example.test.", dns::rr_type::aaaa, "2001:db8::1")}));
  resolver::error_code ec;
  auto r = resolver::resolve("two.example.test", loopback_options(server), {}, ec);
  REQUIRE(!ec);
  REQUIRE(r.addresses.size() == 3);
  CHECK(r.addresses[0].address.to_string() == "2001:db8::1");
  CHECK(r.addresses[1].address.is_v4());
  CHECK(r.addresses[2].address.is_v4());
}

TEST_CASE("async_resolve: localhost is the loopback without asking (RFC 6761)", "[integration]") {
  test_server server(zone_script({}));
  const auto opts = loopback_options(server);  // no hosts file
  resolver::error_code ec;
  for (const char* name : {"localhost", "LocalHost.", "www.localhost"}) {
    INFO(name);
    auto r = resolver::resolve(name, opts, {}, ec);
    REQUIRE(!ec);
    REQUIRE(r.addresses.size() == 2);
    CHECK(r.addresses[0].address.to_string() == "::1");
    CHECK(r.addresses[1].address.to_string() == "127.0.0.1");
  }
  resolver::resolve_options v4;
  v4.family = resolver::address_family::v4;
  auto r = resolver::resolve("localhost", opts, v4, ec);
  REQUIRE(r.addresses.size() == 1);
  CHECK(r.addresses[0].address.to_string() == "127.0.0.1");
  CHECK(server.udp_queries() == 0);
  // Not a name under localhost: asked as usual.
  (void)resolver::resolve("notlocalhost", opts, v4, ec);
  CHECK(ec == errc::nxdomain);
}
