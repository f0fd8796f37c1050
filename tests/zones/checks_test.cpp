// The zone checks (checks.hpp): each with its diagnostic, severity and location.
#include <catch2/catch.hpp>

#include <algorithm>

#include "dnskit/zones/parser.hpp"
#include "dnskit/zones/zone_builder.hpp"
#include "zone_test_util.hpp"

using namespace zone_test;

namespace {

struct checked {
  std::shared_ptr<const zones::zone> zone;
  strings messages;
};

// Builds from text, one record per line, each record's location being its line (column 1), so
// the diagnostics' places can be checked independently of the parser.
checked build(std::string_view origin, std::initializer_list<std::string_view> lines) {
  zones::zone_builder b(name::from_text(origin));
  std::uint32_t line = 0;
  for (const auto text : lines) {
    ++line;
    zones::parse_options o;
    o.origin = name::from_text(origin);
    const auto parsed = zones::parse_text(text, "z.zone", o, [&](const dnskit::dns::record& rec) {
      b.add(rec, zones::record_location{"z.zone", line, 1});
    });
    INFO(text);
    REQUIRE(parsed.ok());
  }
  checked c;
  std::vector<zones::diagnostic> ds;
  c.zone = b.build(ds);
  c.messages = messages(ds);
  return c;
}

constexpr std::string_view soa = "@ 3600 IN SOA ns1 hostmaster 1 7200 3600 1209600 300";
constexpr std::string_view ns = "@ 3600 IN NS ns1";
constexpr std::string_view ns1 = "ns1 3600 IN A 192.0.2.1";

}  // namespace

TEST_CASE("checks: a clean zone loads without diagnostics", "[unit]") {
  const auto c = build("example.", {soa, ns, ns1, "www 3600 IN A 192.0.2.2"});
  CHECK(c.zone != nullptr);
  CHECK(c.messages.empty());
  CHECK(c.zone->record_count() == 4);
  CHECK(c.zone->serial() == 1);
}

TEST_CASE("checks: no SOA, two SOAs, SOA below the apex", "[unit]") {
  const auto none = build("example.", {ns, ns1});
  CHECK(none.zone == nullptr);
  CHECK(none.messages == strings{"z.zone: error: zone example/IN: has no SOA record at the apex"});

  const auto two = build("example.", {soa, "@ 3600 IN SOA ns1 hostmaster 2 7200 3600 1209600 300", ns, ns1});
  CHECK(two.zone == nullptr);
  CHECK(two.messages ==
        strings{"z.zone:2:1: error: zone example/IN: has 2 SOA records (exactly one is allowed)"});

  const auto below = build("example.", {soa, ns, ns1, "sub 3600 IN SOA ns1 hostmaster 1 2 3 4 5"});
  CHECK(below.zone == nullptr);
  CHECK(below.messages == strings{"z.zone:4:1: error: SOA record not at top of zone (sub.example)"});
}

TEST_CASE("checks: no NS at the apex", "[unit]") {
  const auto c = build("example.", {soa, ns1});
  CHECK(c.zone == nullptr);
  CHECK(c.messages == strings{"z.zone:1:1: error: zone example/IN: has no NS records"});
}

TEST_CASE("checks: CNAME and other data, two CNAMEs", "[unit]") {
  const auto c = build("example.", {soa, ns, ns1, "c 3600 IN CNAME ns1", "c 3600 IN TXT \"x\""});
  CHECK(c.zone == nullptr);
  CHECK(c.messages == strings{"z.zone:5:1: error: c.example: CNAME and other data"});

  const auto two = build("example.", {soa, ns, ns1, "c 3600 IN CNAME ns1", "c 3600 IN CNAME www"});
  CHECK(two.zone == nullptr);
  CHECK(two.messages == strings{"z.zone:5:1: error: c.example: more than one CNAME"});

  // RRSIG and NSEC may sit beside a CNAME (RFC 4035 §2.5).
  const auto signed_cname = build("example.", {soa, ns, ns1, "c 3600 IN CNAME ns1",
                                               "c 3600 IN NSEC d.example. CNAME RRSIG NSEC"});
  CHECK(signed_cname.zone != nullptr);
}

TEST_CASE("checks: records outside the origin and of another class", "[unit]") {
  const auto c = build("example.", {soa, ns, ns1, "www.example.org. 3600 IN A 192.0.2.9"});
  CHECK(c.zone == nullptr);
  CHECK(c.messages == strings{"z.zone:4:1: error: out-of-zone data (www.example.org)"});

  const auto ch = build("example.", {soa, ns, ns1, "txt 3600 CH TXT \"x\""});
  CHECK(ch.zone == nullptr);
  CHECK(ch.messages == strings{"z.zone:4:1: error: class CH differs from the zone's class IN"});
}

TEST_CASE("checks: differing TTLs in one RRset warn and keep the first", "[unit]") {
  const auto c = build("example.", {soa, ns, ns1, "t 100 IN A 192.0.2.3", "t 200 IN A 192.0.2.4"});
  REQUIRE(c.zone != nullptr);
  CHECK(c.messages == strings{"z.zone:5:1: warning: TTL set to prior TTL (100)"});
  const auto a = ask(*c.zone, "t.example.", rr_type::a, minimal());
  CHECK(a.answer == strings{"t.example. 100 IN A 192.0.2.3", "t.example. 100 IN A 192.0.2.4"});
}

TEST_CASE("checks: duplicate records are dropped silently", "[unit]") {
  const auto c = build("example.", {soa, ns, ns1, "t 100 IN A 192.0.2.3", "t 100 IN A 192.0.2.3"});
  REQUIRE(c.zone != nullptr);
  CHECK(c.messages.empty());
  CHECK(c.zone->record_count() == 4);
}

TEST_CASE("checks: NS targets need addresses (missing glue is an error)", "[unit]") {
  const auto c = build("example.", {soa, ns, ns1, "sub 3600 IN NS ns.sub"});
  CHECK(c.zone == nullptr);
  CHECK(c.messages == strings{"z.zone:4:1: error: sub.example/NS 'ns.sub.example' has no address records (A or AAAA)"});

  const auto apex = build("example.", {soa, ns, "@ 3600 IN NS ns2", ns1});
  CHECK(apex.zone == nullptr);
  CHECK(apex.messages == strings{"z.zone:3:1: error: NS 'ns2.example' has no address records (A or AAAA)"});

  const auto glued = build("example.", {soa, ns, ns1, "sub 3600 IN NS ns.sub", "ns.sub 3600 IN AAAA 2001:db8::1"});
  CHECK(glued.zone != nullptr);
  CHECK(glued.messages.empty());
  // Out-of-zone targets are not ours to check.
  CHECK(build("example.", {soa, ns, ns1, "sub 3600 IN NS ns.example.net."}).zone != nullptr);
}

TEST_CASE("checks: NS target CNAME is an error, MX/SRV target CNAME a warning", "[unit]") {
  const auto nsc = build("example.", {soa, ns, "@ 3600 IN NS alias", ns1, "alias 3600 IN CNAME ns1"});
  CHECK(nsc.zone == nullptr);
  CHECK(nsc.messages == strings{"z.zone:3:1: error: NS 'alias.example' is a CNAME (illegal)"});

  const auto mx = build("example.", {soa, ns, ns1, "@ 3600 IN MX 10 alias", "alias 3600 IN CNAME ns1",
                                     "_s._tcp 3600 IN SRV 0 0 1 alias"});
  REQUIRE(mx.zone != nullptr);
  CHECK(mx.messages == strings{"z.zone:4:1: warning: example/MX 'alias.example' is a CNAME (illegal)",
                               "z.zone:6:1: warning: _s._tcp.example/SRV 'alias.example' is a CNAME (illegal)"});
}

TEST_CASE("checks: MX/SRV targets in the zone without addresses warn", "[unit]") {
  const auto c = build("example.", {soa, ns, ns1, "@ 3600 IN MX 10 nowhere", "@ 3600 IN MX 0 .",
                                    "_s._tcp 3600 IN SRV 0 0 1 nowhere", "x 3600 IN MX 5 host.wild",
                                    "*.wild 3600 IN A 192.0.2.5"});
  REQUIRE(c.zone != nullptr);
  // The null MX (RFC 7505) is fine, and a target covered by a wildcard has an address.
  CHECK(c.messages == strings{"z.zone:4:1: warning: example/MX 'nowhere.example' has no address records (A or AAAA)",
                              "z.zone:6:1: warning: _s._tcp.example/SRV 'nowhere.example' has no address records (A or AAAA)"});
}

TEST_CASE("checks: data below a delegation or a DNAME is occluded (warning, not served)", "[unit]") {
  const auto c = build("example.", {soa, ns, ns1, "sub 3600 IN NS ns.sub", "ns.sub 3600 IN A 192.0.2.2",
                                    "txt.sub 3600 IN TXT \"hidden\"", "d 3600 IN DNAME example.net.",
                                    "x.d 3600 IN A 192.0.2.3"});
  REQUIRE(c.zone != nullptr);
  CHECK(c.messages == strings{"z.zone:6:1: warning: txt.sub.example/TXT: below a delegation and not glue (not served)",
                              "z.zone:8:1: warning: x.d.example: occluded by a DNAME above it (not served)"});
  CHECK(ask(*c.zone, "txt.sub.example.", rr_type::txt).kind == zones::answer_kind::referral);
  CHECK(ask(*c.zone, "x.d.example.", rr_type::a).kind == zones::answer_kind::cname);
}

TEST_CASE("checks: the number of diagnostics is bounded", "[unit]") {
  zones::check_options o;
  o.max_diagnostics = 3;
  zones::zone_builder b(name::from_text("example."), o);
  for (int i = 0; i < 10; ++i) {
    dnskit::dns::record r;
    r.owner = name::from_text("x" + std::to_string(i) + ".example.org.");
    r.type = rr_type::a;
    r.rdata = {192, 0, 2, 1};
    b.add(r, {"f", static_cast<std::uint32_t>(i + 1), 1});
  }
  std::vector<zones::diagnostic> ds;
  CHECK(b.build(ds) == nullptr);
  REQUIRE(ds.size() == 4);
  CHECK(ds.back().message == "9 more diagnostics not shown");
}

TEST_CASE("checks: loaded text puts each diagnostic at its record's line and column", "[unit]") {
  // Positions come from the parser here: blank owners and parentheses move the column and line.
  const auto r = zones::load_zone_text(name::from_text("example."),
                                       "$TTL 3600\n"
                                       "@ SOA ns1 hostmaster (\n"
                                       "      1 7200 3600 1209600 300 )\n"
                                       "  NS ns1\n"
                                       "ns1 A 192.0.2.1\n"
                                       "c CNAME ns1\n"
                                       "\tTXT \"beside the CNAME\"\n"
                                       "sub NS ns.sub\n"
                                       "www.example.org. A 192.0.2.9\n",
                                       "ex.zone");
  CHECK_FALSE(r.ok());
  CHECK(messages(r.diagnostics) ==
        strings{"ex.zone:9:1: error: out-of-zone data (www.example.org)",
                "ex.zone:7:2: error: c.example: CNAME and other data",
                "ex.zone:8:1: error: sub.example/NS 'ns.sub.example' has no address records "
                "(A or AAAA)"});

  // Messages about the zone as a whole name the file, without a line.
  const auto none = zones::load_zone_text(name::from_text("example."), "", "empty.zone");
  CHECK(messages(none.diagnostics) ==
        strings{"empty.zone: error: zone example/IN: has no SOA record at the apex",
                "empty.zone: error: zone example/IN: has no NS records"});
}
