// The lookup of a signed zone with DO set (RFC 4035 §3.1): each RRset is followed by the RRSIGs
// that cover it, in the answer, authority and additional sections, and referrals carry DS. With
// DO clear none of it, but RRSIG, NSEC and NSEC3 stay answerable when asked for by type.
#include <catch2/catch.hpp>

#include <sstream>

#include "zone_test_util.hpp"

using namespace zone_test;

namespace {

// Signatures with made-up bytes: the lookup only reads the type covered.
constexpr std::string_view signed_zone = R"(
$ORIGIN example.
$TTL 3600
@        SOA   ns1 hostmaster 1 3600 600 86400 300
@        RRSIG SOA 13 1 3600 20300101000000 20200101000000 4711 example. AAAA
@        NS    ns1
@        RRSIG NS 13 1 3600 20300101000000 20200101000000 4711 example. AAAB
ns1      A     192.0.2.1
ns1      RRSIG A 13 2 3600 20300101000000 20200101000000 4711 example. AAAC
www      A     192.0.2.10
www      RRSIG A 13 2 3600 20300101000000 20200101000000 4711 example. AAAD
www      RRSIG A 13 2 3600 20300101000000 20200101000000 4712 example. AAAE
www      TXT   "hello"
www      RRSIG TXT 13 2 3600 20300101000000 20200101000000 4711 example. AAAF
alias    CNAME www
alias    RRSIG CNAME 13 2 3600 20300101000000 20200101000000 4711 example. AAAG
mx       MX    10 www
mx       RRSIG MX 13 2 3600 20300101000000 20200101000000 4711 example. AAAH
*.wild   A     192.0.2.99
*.wild   RRSIG A 13 2 3600 20300101000000 20200101000000 4711 example. AAAI
old      DNAME new.example.
old      RRSIG DNAME 13 2 3600 20300101000000 20200101000000 4711 example. AAAJ
new      DNAME example.
sub      NS    ns.sub
sub      DS    12345 13 2 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
sub      RRSIG DS 13 2 3600 20300101000000 20200101000000 4711 example. AAAK
ns.sub   A     192.0.2.53
unsigned NS    ns.sub
)";

// Each record as "owner TTL TYPE", and an RRSIG as "owner TTL RRSIG COVERED".
strings shape(const strings& section) {
  strings out;
  for (const auto& line : section) {
    std::istringstream in(line);
    std::string owner, ttl, klass, type, covered;
    in >> owner >> ttl >> klass >> type;
    std::string s = owner + " " + ttl + " " + type;
    if (type == "RRSIG") {
      in >> covered;
      s += " " + covered;
    }
    out.push_back(s);
  }
  return out;
}

zones::lookup_options with_do(bool authority_ns = false) {
  zones::lookup_options o;
  o.authority_ns = authority_ns;
  o.dnssec = true;
  return o;
}

}  // namespace

TEST_CASE("DO clear: no signatures come with an answer", "[dnssec][unit]") {
  const auto z = load(signed_zone, "example.");
  const auto a = ask(*z, "www.example.", rr_type::a);
  CHECK(shape(a.answer) == strings{"www.example. 3600 A"});
  CHECK(shape(a.authority) == strings{"example. 3600 NS"});
  CHECK(shape(a.additional) == strings{"ns1.example. 3600 A"});
  const auto neg = ask(*z, "nothere.example.", rr_type::a);
  CHECK(shape(neg.authority) == strings{"example. 300 SOA"});
  const auto ref = ask(*z, "x.sub.example.", rr_type::a);
  CHECK(shape(ref.authority) == strings{"sub.example. 3600 NS"});
}

TEST_CASE("DO clear: RRSIG is still answerable by type", "[dnssec][unit]") {
  const auto z = load(signed_zone, "example.");
  const auto a = ask(*z, "www.example.", rr_type::rrsig, minimal());
  CHECK(shape(a.answer) == strings{"www.example. 3600 RRSIG A", "www.example. 3600 RRSIG A",
                                   "www.example. 3600 RRSIG TXT"});
}

TEST_CASE("DO: every RRSIG covering the answer follows it, only those", "[dnssec][unit]") {
  const auto z = load(signed_zone, "example.");
  const auto a = ask(*z, "www.example.", rr_type::a, with_do(true));
  CHECK(shape(a.answer) == strings{"www.example. 3600 A", "www.example. 3600 RRSIG A",
                                   "www.example. 3600 RRSIG A"});
  // The apex NS in authority and the address in additional come signed too (RFC 4035 §3.1.1).
  CHECK(shape(a.authority) == strings{"example. 3600 NS", "example. 3600 RRSIG NS"});
  CHECK(shape(a.additional) == strings{"ns1.example. 3600 A", "ns1.example. 3600 RRSIG A"});
}

TEST_CASE("DO: the SOA of a negative answer is signed, at the negative TTL", "[dnssec][unit]") {
  const auto z = load(signed_zone, "example.");
  for (const auto qtype : {rr_type::aaaa, rr_type::a}) {
    const auto a = ask(*z, qtype == rr_type::a ? "nothere.example." : "www.example.", qtype,
                       with_do());
    CHECK(a.answer.empty());
    CHECK(shape(a.authority) == strings{"example. 300 SOA", "example. 300 RRSIG SOA"});
  }
}

TEST_CASE("DO: a CNAME chain carries each link's signatures", "[dnssec][unit]") {
  const auto z = load(signed_zone, "example.");
  const auto a = ask(*z, "alias.example.", rr_type::a, with_do());
  CHECK(shape(a.answer) == strings{"alias.example. 3600 CNAME", "alias.example. 3600 RRSIG CNAME",
                                   "www.example. 3600 A", "www.example. 3600 RRSIG A",
                                   "www.example. 3600 RRSIG A"});
}

TEST_CASE("DO: a DNAME is signed, the CNAME synthesised from it is not", "[dnssec][unit]") {
  const auto z = load(signed_zone, "example.");
  const auto a = ask(*z, "www.old.example.", rr_type::txt, with_do());
  // RFC 6672 §5.3.1: the validator checks the DNAME and derives the CNAME itself.
  CHECK(shape(a.answer) == strings{"old.example. 3600 DNAME", "old.example. 3600 RRSIG DNAME",
                                   "www.old.example. 3600 CNAME", "new.example. 3600 DNAME",
                                   "www.new.example. 3600 CNAME", "www.example. 3600 TXT",
                                   "www.example. 3600 RRSIG TXT"});
}

TEST_CASE("DO: a wildcard answer's signatures take the asked name", "[dnssec][unit]") {
  const auto z = load(signed_zone, "example.");
  const auto a = ask(*z, "host.wild.example.", rr_type::a, with_do());
  CHECK(shape(a.answer) == strings{"host.wild.example. 3600 A", "host.wild.example. 3600 RRSIG A"});
  // The labels field (2, of *.wild.example.) tells the validator it was a wildcard.
  REQUIRE(a.answer.size() == 2);
  CHECK(a.answer[1].find("RRSIG A 13 2 ") != std::string::npos);
}

TEST_CASE("DO: a referral carries the DS and its signature after the NS", "[dnssec][unit]") {
  const auto z = load(signed_zone, "example.");
  const auto a = ask(*z, "host.sub.example.", rr_type::a, with_do());
  CHECK(a.kind == zones::answer_kind::referral);
  CHECK(shape(a.authority) ==
        strings{"sub.example. 3600 NS", "sub.example. 3600 DS", "sub.example. 3600 RRSIG DS"});
  // Glue is not signed (the parent is not authoritative for it).
  CHECK(shape(a.additional) == strings{"ns.sub.example. 3600 A"});
  const auto ds = ask(*z, "sub.example.", rr_type::ds, with_do());
  CHECK(shape(ds.answer) == strings{"sub.example. 3600 DS", "sub.example. 3600 RRSIG DS"});
}

TEST_CASE("DO: ANY takes the RRSIG RRset once, as one of the node's RRsets", "[dnssec][unit]") {
  const auto z = load(signed_zone, "example.");
  const auto a = ask(*z, "www.example.", rr_type::any, with_do());
  CHECK(shape(a.answer) == strings{"www.example. 3600 A", "www.example. 3600 TXT",
                                   "www.example. 3600 RRSIG A", "www.example. 3600 RRSIG A",
                                   "www.example. 3600 RRSIG TXT"});
}

TEST_CASE("each RRSIG has the TTL of the RRset it covers, whatever the stored order",
          "[dnssec][unit]") {
  // RFC 4034 §3: the RRSIGs of one node covering different types are different RRsets with
  // their own TTLs, though the zone stores them together.
  const auto z = load(R"(
$ORIGIN example.
@    3600 SOA   ns1 hostmaster 1 3600 600 86400 300
@    3600 NS    ns1
ns1  3600 A     192.0.2.1
www  3600 A     192.0.2.10
www  3600 RRSIG A 13 2 3600 20300101000000 20200101000000 4711 example. AAAA
www  300  NSEC  example. A RRSIG NSEC
www  300  RRSIG NSEC 13 2 300 20300101000000 20200101000000 4711 example. AAAB
)",
                      "example.");
  const auto a = ask(*z, "www.example.", rr_type::rrsig, minimal());
  CHECK(shape(a.answer) == strings{"www.example. 3600 RRSIG A", "www.example. 300 RRSIG NSEC"});
  const auto neg = ask(*z, "www.example.", rr_type::txt, with_do());
  CHECK(shape(neg.authority) == strings{"example. 300 SOA", "www.example. 300 NSEC",
                                        "www.example. 300 RRSIG NSEC"});
}

TEST_CASE("DO: the DNSKEY answer comes without the apex NS, as NSD and Knot send it",
          "[dnssec][unit]") {
  const auto z = load(R"(
$ORIGIN example.
$TTL 3600
@ SOA   ns1 hostmaster 1 3600 600 86400 300
@ NS    ns1
@ DNSKEY 257 3 13 AAAA
@ RRSIG DNSKEY 13 1 3600 20300101000000 20200101000000 4711 example. AAAB
ns1 A 192.0.2.1
)",
                      "example.");
  const auto a = ask(*z, "example.", rr_type::dnskey, with_do(true));
  CHECK(shape(a.answer) == strings{"example. 3600 DNSKEY", "example. 3600 RRSIG DNSKEY"});
  CHECK(a.authority.empty());
  CHECK(a.additional.empty());
}
