// Authenticated denial with NSEC3 (RFC 5155 §7.2): the hash of RFC 5155 Appendix A, and the
// proofs a lookup with DO adds, found in the hash chain the zone orders at load.
#include <catch2/catch.hpp>

#include <array>
#include <sstream>

#include "zone_storage.hpp"  // zones/src: the NSEC3 chain
#include "zone_test_util.hpp"

using namespace zone_test;

namespace {

// Part of the zone of RFC 5155 Appendix A (salt aabbccdd, 12 iterations): its hashes are the
// RFC's. Owners in hash order: 0p9m (example), 2t7b (ns1), 35mt (a), ji6n (ns2), k8ud (xx).
// a.example. is an opt-out delegation in the appendix; here it is signed data to keep the zone
// small, and c.example. a delegation without NSEC3 (opt-out), covered by 2t7b... (opt-out set).
constexpr std::string_view nsec3_zone = R"(
$ORIGIN example.
$TTL 3600
@ SOA ns1 bugs.x.w.example. 1 3600 300 3600000 3600
@ NS ns1
@ NS ns2
@ NSEC3PARAM 1 0 12 aabbccdd
ns1 A 192.0.2.1
ns2 A 192.0.2.2
a TXT "a"
xx A 192.0.2.10
c NS ns1.c
ns1.c A 192.0.2.7
*.w TXT "wild"
0p9mhaveqvm6t7vbl5lop2u3t2rp3tom NSEC3 1 1 12 aabbccdd 2t7b4g4vsa5smi47k61mv5bv1a22bojr NS SOA RRSIG DNSKEY NSEC3PARAM
2t7b4g4vsa5smi47k61mv5bv1a22bojr NSEC3 1 1 12 aabbccdd 35mthgpgcu1qg68fab165klnsnk3dpvl A RRSIG
35mthgpgcu1qg68fab165klnsnk3dpvl NSEC3 1 1 12 aabbccdd ji6neoaepv8b5o6k4ev33abha8ht9fgc TXT RRSIG
ji6neoaepv8b5o6k4ev33abha8ht9fgc NSEC3 1 1 12 aabbccdd k8udemvp1j2f7eg6jebps17vp3n8i58h A RRSIG
k8udemvp1j2f7eg6jebps17vp3n8i58h NSEC3 1 1 12 aabbccdd 0p9mhaveqvm6t7vbl5lop2u3t2rp3tom A RRSIG
)";

zones::lookup_options with_do() {
  zones::lookup_options o;
  o.authority_ns = false;
  o.dnssec = true;
  return o;
}

// The owners' first labels (the hashes) of the NSEC3 records in a section, in order.
strings nsec3_hashes(const strings& section) {
  strings out;
  for (const auto& line : section) {
    std::istringstream in(line);
    std::string owner, ttl, klass, type;
    in >> owner >> ttl >> klass >> type;
    if (type == "NSEC3") out.push_back(owner.substr(0, owner.find('.')));
  }
  return out;
}

std::string owner_of(const zones::zone& z, std::string_view name_text) {
  std::array<std::uint8_t, 255> out{};
  const name n = name::from_text(name_text).lowercase();
  const std::size_t size = zones::detail::data_of(z).nsec3_owner(n.wire(), out);
  std::error_code ec;
  return size == 0 ? std::string() : name::from_wire({out.data(), size}, ec).to_text();
}

}  // namespace

TEST_CASE("NSEC3: names hash as in RFC 5155 Appendix A", "[dnssec][nsec3][unit]") {
  const auto z = load(nsec3_zone, "example.");
  CHECK(owner_of(*z, "example.") == "0p9mhaveqvm6t7vbl5lop2u3t2rp3tom.example.");
  CHECK(owner_of(*z, "a.example.") == "35mthgpgcu1qg68fab165klnsnk3dpvl.example.");
  CHECK(owner_of(*z, "ai.example.") == "gjeqe526plbf1g8mklp59enfd789njgi.example.");
  CHECK(owner_of(*z, "x.y.w.example.") == "2vptu5timamqttgl4luu9kg21e0aor3s.example.");
  CHECK(owner_of(*z, "*.w.example.") == "r53bq7cc2uvmubfu5ocmm6pers9tk9en.example.");
  CHECK(zones::detail::data_of(*z).nsec3_chain().size() == 5);
}

TEST_CASE("NSEC3: NODATA carries the NSEC3 matching the name", "[dnssec][nsec3][unit]") {
  const auto z = load(nsec3_zone, "example.");
  const auto a = ask(*z, "a.example.", rr_type::a, with_do());
  CHECK(a.kind == zones::answer_kind::nodata);
  CHECK(nsec3_hashes(a.authority) == strings{"35mthgpgcu1qg68fab165klnsnk3dpvl"});
}

TEST_CASE("NSEC3: NXDOMAIN carries the closest encloser proof and the wildcard's cover",
          "[dnssec][nsec3][unit]") {
  const auto z = load(nsec3_zone, "example.");
  // ai.example. (hash gjeq...): closest encloser example. (0p9m... matches), next closer
  // ai.example. itself, covered by 35mt... (35mt < gjeq < ji6n), then the NSEC3 covering
  // *.example. (sent once if it is one of those).
  const auto a = ask(*z, "ai.example.", rr_type::a, with_do());
  CHECK(a.code == rcode::nxdomain);
  const strings proof = nsec3_hashes(a.authority);
  REQUIRE(proof.size() >= 2);
  CHECK(proof[0] == "0p9mhaveqvm6t7vbl5lop2u3t2rp3tom");
  CHECK(proof[1] == "35mthgpgcu1qg68fab165klnsnk3dpvl");
}

TEST_CASE("NSEC3: a wildcard answer carries the NSEC3 covering the next closer name",
          "[dnssec][nsec3][unit]") {
  const auto z = load(nsec3_zone, "example.");
  // x.y.w.example. hashes to 2vpt...: covered by 2t7b...; the next closer of the encloser
  // w.example. is y.w.example. (hash ji6n... in the RFC: matched there; here covered).
  const auto a = ask(*z, "y.w.example.", rr_type::txt, with_do());
  CHECK(a.answer == strings{"y.w.example. 3600 IN TXT \"wild\""});
  CHECK(nsec3_hashes(a.authority).size() == 1);
}

TEST_CASE("NSEC3: a referral to an opt-out delegation proves the closest provable encloser",
          "[dnssec][nsec3][unit]") {
  const auto z = load(nsec3_zone, "example.");
  const auto a = ask(*z, "host.c.example.", rr_type::a, with_do());
  CHECK(a.kind == zones::answer_kind::referral);
  // c.example. has no NSEC3: example. matches (0p9m), and the NSEC3 covering c.example. (the
  // next closer) comes with it, its opt-out flag telling the validator (RFC 5155 §7.2.7).
  const strings proof = nsec3_hashes(a.authority);
  REQUIRE(proof.size() == 2);
  CHECK(proof.front() == "0p9mhaveqvm6t7vbl5lop2u3t2rp3tom");
}

TEST_CASE("NSEC3: DO clear, no proofs", "[dnssec][nsec3][unit]") {
  const auto z = load(nsec3_zone, "example.");
  CHECK(nsec3_hashes(ask(*z, "ai.example.", rr_type::a, minimal()).authority).empty());
  CHECK(nsec3_hashes(ask(*z, "a.example.", rr_type::a, minimal()).authority).empty());
}
