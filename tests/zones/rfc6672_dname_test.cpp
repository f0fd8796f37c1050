// RFC 6672: DNAME substitution (§2.2's examples), the synthesised CNAME with the DNAME's TTL
// (§3.1), YXDOMAIN when the result is too long (§2.2), and DNAME chains.
#include <catch2/catch.hpp>

#include "zone_test_util.hpp"

using namespace zone_test;

namespace {

std::string zone_with(std::string_view owner_and_target, std::string_view origin) {
  return "$ORIGIN " + std::string(origin) + "\n" + "@ 3600 IN SOA ns.nowhere. h.nowhere. 1 2 3 4 60\n" +
         "@ 3600 NS ns.nowhere.\n" + std::string(owner_and_target) + "\n";
}

}  // namespace

TEST_CASE("RFC 6672 2.2: substitution examples", "[rfc][unit]") {
  struct example {
    const char* qname;
    const char* owner;
    const char* target;
    const char* result;  // nullptr: <no match>
  };
  // The table of §2.2 (the zone is the DNAME owner's parent; the example.com ones use com.).
  const example examples[] = {
      {"com.", "example.com.", "example.net.", nullptr},
      {"example.com.", "example.com.", "example.net.", nullptr},
      {"a.example.com.", "example.com.", "example.net.", "a.example.net."},
      {"a.b.example.com.", "example.com.", "example.net.", "a.b.example.net."},
      {"ab.example.com.", "b.example.com.", "example.net.", nullptr},
      {"foo.example.com.", "example.com.", "example.net.", "foo.example.net."},
      {"a.x.example.com.", "x.example.com.", "example.net.", "a.example.net."},
      {"a.example.com.", "example.com.", "y.example.net.", "a.y.example.net."},
  };
  for (const auto& e : examples) {
    INFO(e.qname << " with DNAME " << e.owner << " -> " << e.target);
    const auto z = load(zone_with(std::string(e.owner) + " 300 DNAME " + e.target, "com."), "com.");
    const auto a = ask(*z, e.qname, rr_type::a, minimal());
    if (e.result == nullptr) {
      CHECK(a.kind != zones::answer_kind::cname);
      for (const auto& line : a.answer) CHECK(line.find("CNAME") == std::string::npos);
    } else {
      CHECK(a.code == rcode::noerror);
      CHECK(a.aa);
      CHECK(a.kind == zones::answer_kind::cname);  // the target is outside com.: chain stops
      CHECK(a.answer == strings{std::string(e.owner) + " 300 IN DNAME " + e.target,
                                std::string(e.qname) + " 300 IN CNAME " + e.result});
    }
  }
}

TEST_CASE("RFC 6672 2.2: cyc.example.com with DNAME example.com -> example.com is bounded",
          "[rfc][unit]") {
  const auto z = load(zone_with("example.com. 300 DNAME example.com.", "example.com."), "example.com.");
  zones::lookup_result r;
  zones::lookup_options o = minimal();
  zones::lookup(*z, name::from_text("cyc.example.com."), rr_type::a, rr_class::in, r, o);
  CHECK(r.rcode == rcode::noerror);
  // The DNAME and the synthesised CNAME cyc -> cyc, once each (RFC 2181 §5.5): the chain ends
  // where the loop closes instead of repeating them up to the chain bound.
  REQUIRE(r.answer.size() == 2);
  CHECK(r.answer[0].type == rr_type::dname);
  CHECK(r.answer[1].type == rr_type::cname);
}

TEST_CASE("RFC 6672 2.2: a substitution longer than 255 octets is YXDOMAIN", "[rfc][unit]") {
  // cyc.example.com. -> cyc.c.example.com. -> cyc.c.c.example.com. ... grows until too long.
  const auto z = load(zone_with("example.com. 300 DNAME c.example.com.", "example.com."), "example.com.");
  // A 255-octet name: its 242 octets above example.com. plus c.example.com. (15) exceed 255.
  const std::string l60(60, 'x');
  const std::string qname = l60 + "." + l60 + "." + l60 + "." + std::string(58, 'y') + ".example.com.";
  const auto a = ask(*z, qname, rr_type::a, minimal());
  CHECK(a.code == rcode::yxdomain);
  CHECK(a.kind == zones::answer_kind::yxdomain);
  CHECK(a.aa);
  CHECK(a.answer == strings{"example.com. 300 IN DNAME c.example.com."});
}

TEST_CASE("RFC 6672 3.1: the DNAME, the synthesised CNAME (DNAME TTL), then the target's data",
          "[rfc][unit]") {
  const auto z = load(R"(
$ORIGIN example.
@ 3600 IN SOA ns.nowhere. h.nowhere. 1 2 3 4 60
@ 3600 NS ns.nowhere.
old 1200 DNAME new.example.
www.new 3600 A 192.0.2.8
)", "example.");
  const auto a = ask(*z, "www.old.example.", rr_type::a, minimal());
  CHECK(a.code == rcode::noerror);
  CHECK(a.kind == zones::answer_kind::answer);
  CHECK(a.answer == strings{"old.example. 1200 IN DNAME new.example.",
                            "www.old.example. 1200 IN CNAME www.new.example.",
                            "www.new.example. 3600 IN A 192.0.2.8"});
  // The substituted name does not exist: NXDOMAIN for the last name (RFC 6604).
  const auto nx = ask(*z, "nope.old.example.", rr_type::a, minimal());
  CHECK(nx.code == rcode::nxdomain);
  CHECK(nx.answer.size() == 2);
  CHECK(nx.authority.size() == 1);
  // The DNAME owner itself is not redirected (§2.3): its own data, NODATA for A.
  CHECK(ask(*z, "old.example.", rr_type::a, minimal()).kind == zones::answer_kind::nodata);
  CHECK(ask(*z, "old.example.", rr_type::dname, minimal()).answer ==
        strings{"old.example. 1200 IN DNAME new.example."});
  // Asking for the CNAME below a DNAME gives the DNAME and the synthesised CNAME only.
  CHECK(ask(*z, "www.old.example.", rr_type::cname, minimal()).answer ==
        strings{"old.example. 1200 IN DNAME new.example.",
                "www.old.example. 1200 IN CNAME www.new.example."});
}
