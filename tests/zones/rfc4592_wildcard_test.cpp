// RFC 4592 §2.2.1: the example zone and every query the section lists, with the answers it
// states (synthesised from a wildcard, or not).
#include <catch2/catch.hpp>

#include "zone_test_util.hpp"

using namespace zone_test;

namespace {

constexpr std::string_view rfc4592_zone = R"(
$ORIGIN example.
example.                 3600 IN  SOA   ns.example.com. hostmaster.example. 1 3600 600 86400 300
example.                 3600     NS    ns.example.com.
example.                 3600     NS    ns.example.net.
*.example.               3600     TXT   "this is a wildcard"
*.example.               3600     MX    10 host1.example.
sub.*.example.           3600     TXT   "this is not a wildcard"
host1.example.           3600     A     192.0.2.1
_ssh._tcp.host1.example. 3600     SRV   0 0 22 host1.example.
_ssh._tcp.host2.example. 3600     SRV   0 0 22 host2.example.
subdel.example.          3600     NS    ns.example.com.
subdel.example.          3600     NS    ns.example.net.
)";

const std::string soa_line = "example. 300 IN SOA ns.example.com. hostmaster.example. 1 3600 600 86400 300";

}  // namespace

TEST_CASE("RFC 4592 2.2.1: host3.example. MX is synthesised from *.example.", "[rfc][unit]") {
  const auto z = load(rfc4592_zone, "example.");
  const auto a = ask(*z, "host3.example.", rr_type::mx, minimal());
  CHECK(a.code == rcode::noerror);
  CHECK(a.aa);
  CHECK(a.kind == zones::answer_kind::answer);
  CHECK(a.answer == strings{"host3.example. 3600 IN MX 10 host1.example."});
  // The MX target's address comes along (RFC 1034 §4.3.2 step 6).
  CHECK(a.additional == strings{"host1.example. 3600 IN A 192.0.2.1"});
}

TEST_CASE("RFC 4592 2.2.1: host3.example. A is NODATA from the wildcard", "[rfc][unit]") {
  const auto z = load(rfc4592_zone, "example.");
  const auto a = ask(*z, "host3.example.", rr_type::a, minimal());
  CHECK(a.code == rcode::noerror);
  CHECK(a.kind == zones::answer_kind::nodata);
  CHECK(a.answer.empty());
  CHECK(a.authority == strings{soa_line});
}

TEST_CASE("RFC 4592 2.2.1: foo.bar.example. TXT is synthesised (bar.example. does not exist)",
          "[rfc][unit]") {
  const auto z = load(rfc4592_zone, "example.");
  const auto a = ask(*z, "foo.bar.example.", rr_type::txt, minimal());
  CHECK(a.code == rcode::noerror);
  CHECK(a.answer == strings{"foo.bar.example. 3600 IN TXT \"this is a wildcard\""});
}

TEST_CASE("RFC 4592 2.2.1: host1.example. MX is NODATA (the name exists)", "[rfc][unit]") {
  const auto z = load(rfc4592_zone, "example.");
  const auto a = ask(*z, "host1.example.", rr_type::mx, minimal());
  CHECK(a.code == rcode::noerror);
  CHECK(a.kind == zones::answer_kind::nodata);
  CHECK(a.answer.empty());
  CHECK(a.authority == strings{soa_line});
}

TEST_CASE("RFC 4592 2.2.1: sub.*.example. MX is NODATA (exact match, not a wildcard)",
          "[rfc][unit]") {
  const auto z = load(rfc4592_zone, "example.");
  const auto a = ask(*z, "sub.*.example.", rr_type::mx, minimal());
  CHECK(a.code == rcode::noerror);
  CHECK(a.kind == zones::answer_kind::nodata);
  const auto t = ask(*z, "sub.*.example.", rr_type::txt, minimal());
  CHECK(t.answer == strings{"sub.*.example. 3600 IN TXT \"this is not a wildcard\""});
}

TEST_CASE("RFC 4592 2.2.1: _telnet._tcp.host1.example. SRV is NXDOMAIN (empty non-terminal "
          "_tcp.host1.example. is the closest encloser)", "[rfc][unit]") {
  const auto z = load(rfc4592_zone, "example.");
  const auto a = ask(*z, "_telnet._tcp.host1.example.", rr_type::srv, minimal());
  CHECK(a.code == rcode::nxdomain);
  CHECK(a.kind == zones::answer_kind::nxdomain);
  CHECK(a.aa);
  CHECK(a.answer.empty());
  CHECK(a.authority == strings{soa_line});
}

TEST_CASE("RFC 4592 2.2.1: host.subdel.example. A is a referral (no wildcard below a cut)",
          "[rfc][unit]") {
  const auto z = load(rfc4592_zone, "example.");
  const auto a = ask(*z, "host.subdel.example.", rr_type::a, minimal());
  CHECK(a.code == rcode::noerror);
  CHECK(a.kind == zones::answer_kind::referral);
  CHECK_FALSE(a.aa);
  CHECK(a.answer.empty());
  CHECK(a.authority == strings{"subdel.example. 3600 IN NS ns.example.com.",
                               "subdel.example. 3600 IN NS ns.example.net."});
  CHECK(a.additional.empty());  // out-of-zone NS targets: no glue
}

TEST_CASE("RFC 4592 2.2.1: ghost.*.example. MX is NXDOMAIN (the closest encloser is *.example., "
          "which has no wildcard child)", "[rfc][unit]") {
  const auto z = load(rfc4592_zone, "example.");
  const auto a = ask(*z, "ghost.*.example.", rr_type::mx, minimal());
  CHECK(a.code == rcode::nxdomain);
  CHECK(a.answer.empty());
}

TEST_CASE("RFC 4592: the wildcard owner itself is an exact match, ENTs block wildcards",
          "[rfc][unit]") {
  const auto z = load(rfc4592_zone, "example.");
  // *.example. asked literally is an exact match of the wildcard's own name (§2.1.1).
  CHECK(ask(*z, "*.example.", rr_type::txt, minimal()).answer ==
        strings{"*.example. 3600 IN TXT \"this is a wildcard\""});
  // _tcp.host2.example. is an empty non-terminal: it exists, so NODATA, not a wildcard (§2.2.2).
  const auto ent = ask(*z, "_tcp.host2.example.", rr_type::txt, minimal());
  CHECK(ent.code == rcode::noerror);
  CHECK(ent.kind == zones::answer_kind::nodata);
  // Case of the synthesised owner follows the question (the name asked for).
  CHECK(ask(*z, "HoSt3.example.", rr_type::txt, minimal()).answer ==
        strings{"HoSt3.example. 3600 IN TXT \"this is a wildcard\""});
  // Two labels below the apex, both missing: still the apex wildcard.
  CHECK(ask(*z, "a.b.c.example.", rr_type::mx, minimal()).answer ==
        strings{"a.b.c.example. 3600 IN MX 10 host1.example."});
}

TEST_CASE("RFC 4592 4.4: a wildcard CNAME is synthesised and followed", "[rfc][unit]") {
  const auto z = load(R"(
$ORIGIN example.
@ 3600 IN SOA ns.example.com. hostmaster.example. 1 3600 600 86400 300
@ 3600 NS ns.example.com.
*.alias 3600 CNAME target
target 3600 A 192.0.2.7
)", "example.");
  const auto a = ask(*z, "x.alias.example.", rr_type::a, minimal());
  CHECK(a.code == rcode::noerror);
  CHECK(a.answer == strings{"x.alias.example. 3600 IN CNAME target.example.",
                            "target.example. 3600 IN A 192.0.2.7"});
  // Asking for the CNAME itself stops at it.
  CHECK(ask(*z, "y.alias.example.", rr_type::cname, minimal()).answer ==
        strings{"y.alias.example. 3600 IN CNAME target.example."});
}
