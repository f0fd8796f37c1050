// Names typed in Unicode: async_query and async_resolve ask for their IDNA2008 ASCII form
// (never the raw UTF-8 octets); text that is not a valid IDN is errc::bad_name, with the reason
// from to_ascii_name.
#include <catch2/catch.hpp>

#include <string>

#include "dnskit/resolver/blocking.hpp"
#include "dnskit/resolver/idn.hpp"
#include "test_server.hpp"
#include "test_util.hpp"

using namespace dnskit;
using resolver::errc;
using namespace dnskit::resolver::test;

TEST_CASE("idn: Unicode text converts to A-labels and back", "[unit]") {
  std::string reason;
  CHECK(resolver::to_ascii_name("example.test", reason) == "example.test");
  CHECK(resolver::to_ascii_name("bücher.example", reason) == "xn--bcher-kva.example");
  CHECK(resolver::to_ascii_name("Bücher.Example.", reason) == "xn--bcher-kva.example.");  // UTS #46 mapping
  CHECK(resolver::to_ascii_name("faß.de", reason) == "xn--fa-hia.de");  // non-transitional: ß stays
  CHECK_FALSE(resolver::to_ascii_name("a\xff.test", reason).has_value());
  CHECK(!reason.empty());
  CHECK(resolver::to_unicode_name("xn--bcher-kva.example.") == "bücher.example.");
  CHECK_FALSE(resolver::to_unicode_name("example.test.").has_value());
}

TEST_CASE("idn: async_query and async_resolve ask the ASCII form", "[integration]") {
  test_server server(zone_script({make_record("xn--bcher-kva.example.test.", dns::rr_type::a, "192.0.2.5")}));
  const auto opts = loopback_options(server);
  auto out = query_once(opts, "bücher.example.test", dns::rr_type::a);
  REQUIRE(!out.ec);
  REQUIRE(out.msg.questions.size() == 1);
  CHECK(out.msg.questions[0].qname.to_text() == "xn--bcher-kva.example.test.");
  REQUIRE(out.msg.answer.size() == 1);

  resolver::error_code ec;
  resolver::resolve_options v4;
  v4.family = resolver::address_family::v4;
  auto r = resolver::resolve("BÜCHER.example.test", opts, v4, ec);
  REQUIRE(!ec);
  REQUIRE(r.addresses.size() == 1);
  CHECK(r.addresses[0].address.to_string() == "192.0.2.5");
}

TEST_CASE("idn: text that is not a valid IDN is bad_name and nothing is sent", "[integration]") {
  test_server server(zone_script({}));
  const auto opts = loopback_options(server);
  auto out = query_once(opts, "a\xff.example.test", dns::rr_type::a);
  CHECK(out.ec == errc::bad_name);
  CHECK(out.calls == 1);
  resolver::error_code ec;
  (void)resolver::resolve("a\xff.example.test", opts, {}, ec);
  CHECK(ec == errc::bad_name);
  CHECK(server.udp_queries() == 0);
}
