// Authenticated denial with NSEC (RFC 4035 §3.1.3): the proofs a lookup with DO adds for
// NXDOMAIN, NODATA (also at an empty non-terminal and from a wildcard), wildcard answers and
// referrals without DS, found in the chain the zone orders at load (RFC 4034 §6.1).
#include <catch2/catch.hpp>

#include "zone_storage.hpp"  // zones/src: the NSEC chain
#include "zone_test_util.hpp"

using namespace zone_test;

namespace {

// Canonical order: example. a b.c (c is an empty non-terminal) d sub (w, empty) *.w x.
constexpr std::string_view nsec_zone = R"(
$ORIGIN example.
$TTL 3600
@        SOA   ns1.example.net. hostmaster 1 3600 600 86400 300
@        NS    ns1.example.net.
@        NSEC  a.example. NS SOA RRSIG NSEC
@        RRSIG NSEC 13 1 300 20300101000000 20200101000000 4711 example. AAAA
a        A     192.0.2.1
a        NSEC  b.c.example. A RRSIG NSEC
b.c      A     192.0.2.2
b.c      NSEC  d.example. A RRSIG NSEC
d        A     192.0.2.3
d        NSEC  sub.example. A RRSIG NSEC
sub      NS    ns1.example.net.
sub      NSEC  *.w.example. NS RRSIG NSEC
*.w      TXT   "wild"
*.w      NSEC  x.example. TXT RRSIG NSEC
x        A     192.0.2.4
x        NSEC  example. A RRSIG NSEC
)";

const std::string soa_line = "example. 300 IN SOA ns1.example.net. hostmaster.example. 1 3600 600 86400 300";

zones::lookup_options with_do() {
  zones::lookup_options o;
  o.authority_ns = false;
  o.dnssec = true;
  return o;
}

std::string nsec(std::string_view owner, std::string_view rest) {
  return std::string(owner) + " 3600 IN NSEC " + std::string(rest);
}

}  // namespace

TEST_CASE("the zone keeps its NSEC owners in canonical order", "[dnssec][nsec][unit]") {
  const auto z = load(nsec_zone, "example.");
  strings owners;
  const auto& data = zones::detail::data_of(*z);
  for (const auto id : data.nsec_chain()) {
    std::error_code ec;
    owners.push_back(name::from_wire(data.node_key(id), ec).to_text());
    CHECK_FALSE(ec);
  }
  CHECK(owners == strings{"example.", "a.example.", "b.c.example.", "d.example.", "sub.example.",
                          "*.w.example.", "x.example."});
}

TEST_CASE("NSEC: NXDOMAIN carries the NSEC covering the name and the one covering the wildcard",
          "[dnssec][nsec][unit]") {
  const auto z = load(nsec_zone, "example.");
  const auto a = ask(*z, "e.example.", rr_type::a, with_do());
  CHECK(a.code == rcode::nxdomain);
  // *.example. sorts right after the apex: the apex NSEC covers it (RFC 4035 §3.1.3.2).
  CHECK(a.authority ==
        strings{soa_line, nsec("d.example.", "sub.example. A RRSIG NSEC"),
                nsec("example.", "a.example. NS SOA RRSIG NSEC"),
                "example. 3600 IN RRSIG NSEC 13 1 300 20300101000000 20200101000000 4711 example. AAAA"});
}

TEST_CASE("NSEC: one NSEC that covers both the name and the wildcard is sent once",
          "[dnssec][nsec][unit]") {
  const auto z = load(nsec_zone, "example.");
  // Closest encloser a.example.; *.a.example. and q.a.example. both fall between a and b.c.
  const auto a = ask(*z, "q.a.example.", rr_type::a, with_do());
  CHECK(a.code == rcode::nxdomain);
  CHECK(a.authority == strings{soa_line, nsec("a.example.", "b.c.example. A RRSIG NSEC")});
}

TEST_CASE("NSEC: NODATA carries the name's NSEC", "[dnssec][nsec][unit]") {
  const auto z = load(nsec_zone, "example.");
  const auto a = ask(*z, "a.example.", rr_type::txt, with_do());
  CHECK(a.code == rcode::noerror);
  CHECK(a.kind == zones::answer_kind::nodata);
  CHECK(a.authority == strings{soa_line, nsec("a.example.", "b.c.example. A RRSIG NSEC")});
}

TEST_CASE("NSEC: NODATA at an empty non-terminal carries the NSEC covering it",
          "[dnssec][nsec][unit]") {
  const auto z = load(nsec_zone, "example.");
  const auto a = ask(*z, "c.example.", rr_type::a, with_do());
  CHECK(a.code == rcode::noerror);
  CHECK(a.kind == zones::answer_kind::nodata);
  CHECK(a.authority == strings{soa_line, nsec("a.example.", "b.c.example. A RRSIG NSEC")});
}

TEST_CASE("NSEC: a wildcard answer carries the NSEC proving the name does not exist",
          "[dnssec][nsec][unit]") {
  const auto z = load(nsec_zone, "example.");
  const auto a = ask(*z, "foo.w.example.", rr_type::txt, with_do());
  CHECK(a.answer == strings{"foo.w.example. 3600 IN TXT \"wild\""});
  CHECK(a.authority == strings{nsec("*.w.example.", "x.example. TXT RRSIG NSEC")});
  // Past the wildcard's NSEC in canonical order, another NSEC covers the name.
  const auto b = ask(*z, "zz.w.example.", rr_type::txt, with_do());
  CHECK(b.authority == strings{nsec("*.w.example.", "x.example. TXT RRSIG NSEC")});
}

TEST_CASE("NSEC: NODATA from a wildcard proves the name absent and the type absent",
          "[dnssec][nsec][unit]") {
  const auto z = load(nsec_zone, "example.");
  const auto a = ask(*z, "foo.w.example.", rr_type::a, with_do());
  CHECK(a.kind == zones::answer_kind::nodata);
  // Here the NSEC covering the name is the wildcard's own: once (RFC 4035 §3.1.3.4).
  CHECK(a.authority == strings{soa_line, nsec("*.w.example.", "x.example. TXT RRSIG NSEC")});
}

TEST_CASE("NSEC: a referral without DS carries the cut's NSEC", "[dnssec][nsec][unit]") {
  const auto z = load(nsec_zone, "example.");
  const auto a = ask(*z, "h.sub.example.", rr_type::a, with_do());
  CHECK(a.kind == zones::answer_kind::referral);
  CHECK(a.authority == strings{"sub.example. 3600 IN NS ns1.example.net.",
                               nsec("sub.example.", "*.w.example. NS RRSIG NSEC")});
  // The DS query at the cut is NODATA with the same NSEC (RFC 4035 §3.1.4.1).
  const auto ds = ask(*z, "sub.example.", rr_type::ds, with_do());
  CHECK(ds.kind == zones::answer_kind::nodata);
  CHECK(ds.authority == strings{soa_line, nsec("sub.example.", "*.w.example. NS RRSIG NSEC")});
}

TEST_CASE("NSEC: DO clear, no proofs", "[dnssec][nsec][unit]") {
  const auto z = load(nsec_zone, "example.");
  CHECK(ask(*z, "e.example.", rr_type::a, minimal()).authority == strings{soa_line});
  CHECK(ask(*z, "foo.w.example.", rr_type::txt, minimal()).authority.empty());
  CHECK(ask(*z, "h.sub.example.", rr_type::a, minimal()).authority ==
        strings{"sub.example. 3600 IN NS ns1.example.net."});
  // NSEC is still answerable by type.
  CHECK(ask(*z, "d.example.", rr_type::nsec, minimal()).answer ==
        strings{nsec("d.example.", "sub.example. A RRSIG NSEC")});
}
