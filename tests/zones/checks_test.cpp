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
checked build(std::string_view origin, std::initializer_list<std::string_view> lines,
              zones::check_level level = zones::check_level::bind) {
  zones::check_options options;
  options.level = level;
  zones::zone_builder b(name::from_text(origin), options);
  std::uint32_t line = 0;
  for (const auto text : lines) {
    ++line;
    zones::parse_options o;
    o.origin = name::from_text(origin);
    const auto parsed = zones::parse_text(text, "z.zone", o, [&](const dnskit::dns::record& rec) {
      b.add(rec, zones::record_position{"z.zone", line, 1});
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
  // BIND ignores data outside the origin (with a message) and loads the rest.
  const auto c = build("example.", {soa, ns, ns1, "www.example.org. 3600 IN A 192.0.2.9"});
  REQUIRE(c.zone != nullptr);
  CHECK(c.messages == strings{"z.zone:4:1: warning: out-of-zone data (www.example.org)"});
  CHECK(c.zone->record_count() == 3);
  const auto strict = build("example.", {soa, ns, ns1, "www.example.org. 3600 IN A 192.0.2.9"},
                            zones::check_level::strict);
  CHECK(strict.zone == nullptr);
  CHECK(strict.messages == strings{"z.zone:4:1: error: out-of-zone data (www.example.org)"});

  const auto ch = build("example.", {soa, ns, ns1, "txt 3600 CH TXT \"x\""});
  CHECK(ch.zone == nullptr);
  CHECK(ch.messages == strings{"z.zone:4:1: error: class CH differs from the zone's class IN"});
}

TEST_CASE("checks: differing TTLs in one RRset warn and keep the first", "[unit]") {
  const auto c = build("example.", {soa, ns, ns1, "t 100 IN A 192.0.2.3", "t 200 IN A 192.0.2.4"});
  REQUIRE(c.zone != nullptr);
  CHECK(c.messages == strings{"z.zone:5:1: warning: TTL set to prior TTL (100)"});
  CHECK(build("example.", {soa, ns, ns1, "t 100 IN A 192.0.2.3", "t 200 IN A 192.0.2.4"},
              zones::check_level::strict).zone == nullptr);
  const auto a = ask(*c.zone, "t.example.", rr_type::a, minimal());
  CHECK(a.answer == strings{"t.example. 100 IN A 192.0.2.3", "t.example. 100 IN A 192.0.2.4"});
}

TEST_CASE("checks: duplicate records are dropped silently", "[unit]") {
  const auto c = build("example.", {soa, ns, ns1, "t 100 IN A 192.0.2.3", "t 100 IN A 192.0.2.3"});
  REQUIRE(c.zone != nullptr);
  CHECK(c.messages.empty());
  CHECK(c.zone->record_count() == 4);
}

TEST_CASE("checks: apex NS targets in the zone need addresses (error)", "[unit]") {
  const auto apex = build("example.", {soa, ns, "@ 3600 IN NS ns2", ns1});
  CHECK(apex.zone == nullptr);
  CHECK(apex.messages == strings{"z.zone:3:1: error: NS 'ns2.example' has no address records (A or AAAA)"});

  const auto ent = build("example.", {soa, ns, "x.ns1 3600 IN A 192.0.2.1"});
  CHECK(ent.zone == nullptr);
  CHECK(ent.messages == strings{"z.zone:2:1: error: NS 'ns1.example' has no address records (A or AAAA)"});

  const auto cname = build("example.", {soa, ns, "@ 3600 IN NS alias", ns1, "alias 3600 IN CNAME ns1"});
  CHECK(cname.zone == nullptr);
  CHECK(cname.messages == strings{"z.zone:3:1: error: NS 'alias.example' is a CNAME (illegal)"});

  const auto dname = build("example.", {soa, ns, ns1, "@ 3600 IN NS ns.d", "d 3600 IN DNAME example.net."});
  CHECK(dname.zone == nullptr);
  CHECK(dname.messages ==
        strings{"z.zone:4:1: error: NS 'ns.d.example' is below a DNAME 'd.example' (illegal)"});

  // Below a cut the name is the child's: the delegation's own check speaks for it.
  const auto below = build("example.", {soa, "@ 3600 IN NS ns.sub", "sub 3600 IN NS ns.sub"});
  REQUIRE(below.zone != nullptr);
  CHECK(below.messages == strings{"z.zone:3:1: warning: sub.example/NS 'ns.sub.example' has no "
                                  "REQUIRED GLUE address records (A or AAAA)"});
  // A wildcard answers for the name; out-of-zone targets are not ours to check.
  CHECK(build("example.", {soa, ns, "*.example. 3600 IN A 192.0.2.1"}).messages.empty());
  CHECK(build("example.", {soa, "@ 3600 IN NS ns.example.net."}).messages.empty());
}

TEST_CASE("checks: delegation NS targets without addresses warn (strict: error)", "[unit]") {
  // The sibling delegation that BIND, NSD and Knot load: its target is in the zone, no address.
  const auto sibling = build("example.", {soa, ns, ns1, "sub 3600 IN NS ns", "ns 3600 IN TXT \"x\""});
  REQUIRE(sibling.zone != nullptr);
  CHECK(sibling.messages ==
        strings{"z.zone:4:1: warning: sub.example/NS 'ns.example' has no address records (A or AAAA)"});
  CHECK(ask(*sibling.zone, "www.sub.example.", rr_type::a).kind == zones::answer_kind::referral);

  const auto missing = build("example.", {soa, ns, ns1, "sub 3600 IN NS nothere"});
  REQUIRE(missing.zone != nullptr);
  CHECK(missing.messages == strings{"z.zone:4:1: warning: sub.example/NS 'nothere.example' has no "
                                    "address records (A or AAAA)"});

  // Below its own cut: glue is required; below another cut: sibling glue. A wildcard or a CNAME
  // below the cut is no glue.
  const auto required = build("example.", {soa, ns, ns1, "sub 3600 IN NS ns.sub",
                                           "ns.sub 3600 IN CNAME ns1", "*.sub 3600 IN A 192.0.2.3"});
  REQUIRE(required.zone != nullptr);
  CHECK(required.messages[0] == "z.zone:4:1: warning: sub.example/NS 'ns.sub.example' has no "
                                "REQUIRED GLUE address records (A or AAAA)");
  const auto other = build("example.", {soa, ns, ns1, "sub 3600 IN NS ns.other", "other 3600 IN NS ns1"});
  REQUIRE(other.zone != nullptr);
  CHECK(other.messages == strings{"z.zone:4:1: warning: sub.example/NS 'ns.other.example' has no "
                                  "SIBLING GLUE address records (A or AAAA)"});

  const auto cname = build("example.", {soa, ns, ns1, "sub 3600 IN NS alias", "alias 3600 IN CNAME ns1"});
  REQUIRE(cname.zone != nullptr);
  CHECK(cname.messages == strings{"z.zone:4:1: warning: sub.example/NS 'alias.example' is a CNAME (illegal)"});

  const auto dname = build("example.", {soa, ns, ns1, "sub 3600 IN NS ns.d", "d 3600 IN DNAME example.net."});
  REQUIRE(dname.zone != nullptr);
  CHECK(dname.messages == strings{"z.zone:4:1: warning: sub.example/NS 'ns.d.example' is below a "
                                  "DNAME 'd.example' (illegal)"});

  const auto glued = build("example.", {soa, ns, ns1, "sub 3600 IN NS ns.sub", "ns.sub 3600 IN AAAA 2001:db8::1",
                                        "s2 3600 IN NS ns.sub"});
  CHECK(glued.zone != nullptr);
  CHECK(glued.messages.empty());

  for (const auto& lines : {std::initializer_list<std::string_view>{soa, ns, ns1, "sub 3600 IN NS ns"},
                            {soa, ns, ns1, "sub 3600 IN NS ns.sub"},
                            {soa, ns, ns1, "sub 3600 IN NS alias", "alias 3600 IN CNAME ns1"}}) {
    const auto strict = build("example.", lines, zones::check_level::strict);
    CHECK(strict.zone == nullptr);
    REQUIRE(strict.messages.size() == 1);
    CHECK(strict.messages[0].find(": error: sub.example/NS '") != std::string::npos);
  }
}

TEST_CASE("checks: NS at a wildcard name and DS at the apex are errors", "[unit]") {
  const auto wild = build("example.", {soa, ns, ns1, "* 3600 IN NS ns1"});
  CHECK(wild.zone == nullptr);
  CHECK(wild.messages == strings{"z.zone:4:1: error: *.example: invalid NS owner name (wildcard)"});

  const auto ds = build("example.", {soa, ns, ns1, "@ 3600 IN DS 1 8 2 "
                                                  "49FD46E6C4B45C55D4AC69CBD3CD34AC1AFE51DE1A3B1D3C1F8C3C1D2C4A5A9B"});
  CHECK(ds.zone == nullptr);
  CHECK(ds.messages == strings{"z.zone:4:1: error: DS record at top of zone (example)"});
  CHECK(build("example.", {soa, ns, ns1, "sub 3600 IN NS ns1", "sub 3600 IN DS 1 8 2 "
                                        "49FD46E6C4B45C55D4AC69CBD3CD34AC1AFE51DE1A3B1D3C1F8C3C1D2C4A5A9B"})
            .messages.empty());
}

TEST_CASE("checks: MX/SRV target CNAME or below a DNAME warns (strict: error)", "[unit]") {
  const auto mx = build("example.", {soa, ns, ns1, "@ 3600 IN MX 10 alias", "alias 3600 IN CNAME ns1",
                                     "_s._tcp 3600 IN SRV 0 0 1 alias", "@ 3600 IN MX 20 x.d",
                                     "d 3600 IN DNAME example.net."});
  REQUIRE(mx.zone != nullptr);
  CHECK(mx.messages == strings{"z.zone:4:1: warning: example/MX 'alias.example' is a CNAME (illegal)",
                               "z.zone:7:1: warning: example/MX 'x.d.example' is below a DNAME 'd.example' (illegal)",
                               "z.zone:6:1: warning: _s._tcp.example/SRV 'alias.example' is a CNAME (illegal)"});
  const auto strict = build("example.", {soa, ns, ns1, "@ 3600 IN MX 10 alias", "alias 3600 IN CNAME ns1"},
                            zones::check_level::strict);
  CHECK(strict.zone == nullptr);
  CHECK(strict.messages == strings{"z.zone:4:1: error: example/MX 'alias.example' is a CNAME (illegal)"});
  // An MX target below a cut is the child's to answer for.
  CHECK(build("example.", {soa, ns, ns1, "@ 3600 IN MX 10 mail.sub", "sub 3600 IN NS ns1"}).messages.empty());
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
  const auto strict = build("example.", {soa, ns, ns1, "d 3600 IN DNAME example.net.",
                                         "x.d 3600 IN A 192.0.2.3"}, zones::check_level::strict);
  CHECK(strict.zone == nullptr);
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
        strings{"ex.zone:9:1: warning: out-of-zone data (www.example.org)",
                "ex.zone:7:2: error: c.example: CNAME and other data",
                "ex.zone:8:1: warning: sub.example/NS 'ns.sub.example' has no REQUIRED GLUE "
                "address records (A or AAAA)"});

  // Messages about the zone as a whole name the file, without a line.
  const auto none = zones::load_zone_text(name::from_text("example."), "", "empty.zone");
  CHECK(messages(none.diagnostics) ==
        strings{"empty.zone: error: zone example/IN: has no SOA record at the apex",
                "empty.zone: error: zone example/IN: has no NS records"});
}
