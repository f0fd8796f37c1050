// DO queries on a signed zone through respond(): the RRSIGs travel with their RRsets and are
// kept or dropped with them when space runs out (RFC 4035 §3.1.1, RFC 2181 §9); proofs that the
// answer needs set TC when they do not fit; DO clear sends none of it (RFC 4035 §3.1).
#include "responder_test_util.hpp"

using namespace dnskit;
using namespace dnskit::nameserver;
using namespace dnskit::nameserver::test;

namespace {

// A signature of `size` bytes of made-up data (the server only reads the type covered).
std::string sig(const std::string& covered, int labels, std::size_t size) {
  std::string b64((size + 2) / 3 * 4, 'A');
  return "RRSIG " + covered + " 13 " + std::to_string(labels) +
         " 3600 20300101000000 20200101000000 4711 example.test. " + b64;
}

std::shared_ptr<const zones::zone_set> signed_set() {
  std::string text =
      "$ORIGIN example.test.\n$TTL 3600\n"
      "@ SOA ns1 hostmaster 1 7200 3600 1209600 300\n"
      "@ " + sig("SOA", 2, 64) + "\n"
      "@ NS ns1\n"
      "@ " + sig("NS", 2, 300) + "\n"
      "@ NSEC many.example.test. NS SOA RRSIG NSEC\n"
      "@ " + sig("NSEC", 2, 64) + "\n"
      "many NSEC ns1.example.test. A RRSIG NSEC\n"
      "many " + sig("NSEC", 3, 64) + "\n"
      "ns1 A 192.0.2.1\n"
      "ns1 " + sig("A", 3, 64) + "\n"
      "ns1 NSEC www.example.test. A RRSIG NSEC\n"
      "ns1 " + sig("NSEC", 3, 64) + "\n"
      "www A 192.0.2.10\n"
      "www " + sig("A", 3, 64) + "\n"
      "www NSEC *.wild.example.test. A RRSIG NSEC\n"
      "mx MX 10 mail\n"
      "mx " + sig("MX", 3, 64) + "\n"
      "mail A 192.0.2.25\n"
      "mail " + sig("A", 3, 400) + "\n"
      "www " + sig("NSEC", 3, 64) + "\n"
      "*.wild A 192.0.2.99\n"
      "*.wild " + sig("A", 3, 64) + "\n"
      "*.wild NSEC example.test. A RRSIG NSEC\n"
      "*.wild " + sig("NSEC", 3, 300) + "\n";
  // 24 A records: 12 + question (22) + 24 * 16 (owner compressed) = 418 bytes, and with DO
  // a 700-byte signature on top.
  for (int i = 1; i <= 24; ++i) text += "many A 198.51.100." + std::to_string(i) + "\n";
  text += "many " + sig("A", 3, 700) + "\n";
  return std::make_shared<const zones::zone_set>(
      std::vector<std::shared_ptr<const zones::zone>>{make_zone("example.test.", text)});
}

std::size_t rrsigs_covering(const std::vector<dns::record>& section, dns::rr_type covered) {
  std::size_t n = 0;
  for (const auto& r : section)
    if (r.type == dns::rr_type::rrsig && r.rdata.size() >= 2 &&
        ((r.rdata[0] << 8) | r.rdata[1]) == static_cast<std::uint16_t>(covered))
      ++n;
  return n;
}

}  // namespace

TEST_CASE("DO: the answer, the authority and additional RRsets come with their RRSIGs",
          "[dnssec][unit]") {
  const auto set = signed_set();
  const auto r = ask(*set, query_bytes("www.example.test.", dns::rr_type::a, edns0(4096, true)));
  CHECK_FALSE(r.msg.hdr.tc);
  CHECK(count_type(r.msg.answer, dns::rr_type::a) == 1);
  CHECK(rrsigs_covering(r.msg.answer, dns::rr_type::a) == 1);
  CHECK(rrsigs_covering(r.msg.authority, dns::rr_type::ns) == 1);
  CHECK(rrsigs_covering(r.msg.additional, dns::rr_type::a) == 1);
}

TEST_CASE("DO clear: no RRSIG and no NSEC unless asked for by type", "[dnssec][unit]") {
  const auto set = signed_set();
  const auto r = ask(*set, query_bytes("www.example.test.", dns::rr_type::a, edns0(4096, false)));
  CHECK(count_type(r.msg.answer, dns::rr_type::rrsig) == 0);
  CHECK(count_type(r.msg.authority, dns::rr_type::rrsig) == 0);
  CHECK(count_type(r.msg.additional, dns::rr_type::rrsig) == 0);
  const auto neg = ask(*set, query_bytes("nothere.example.test.", dns::rr_type::a, edns0(4096)));
  CHECK(neg.msg.authority.size() == 1);  // the SOA alone
  const auto by_type =
      ask(*set, query_bytes("www.example.test.", dns::rr_type::rrsig, edns0(4096)));
  CHECK(count_type(by_type.msg.answer, dns::rr_type::rrsig) == 2);
  const auto nsec = ask(*set, query_bytes("www.example.test.", dns::rr_type::nsec));
  CHECK(count_type(nsec.msg.answer, dns::rr_type::nsec) == 1);
}

TEST_CASE("DO: an answer whose signatures do not fit is TC, never an unsigned RRset",
          "[dnssec][unit]") {
  const auto set = signed_set();
  // Without DO the 24 records fit in 1000 bytes; with DO the 700-byte signature does not.
  responder_options o;
  o.max_udp_payload = 1000;
  const responder small(o);
  const auto plain = ask(small, *set, query_bytes("many.example.test.", dns::rr_type::a, edns0(1000)));
  CHECK_FALSE(plain.msg.hdr.tc);
  CHECK(plain.msg.answer.size() == 24);
  const auto with_do =
      ask(small, *set, query_bytes("many.example.test.", dns::rr_type::a, edns0(1000, true)));
  CHECK(with_do.msg.hdr.tc);
  CHECK(with_do.msg.answer.empty());
  CHECK(with_do.wire.size() <= 1000);
  // Over TCP it is whole, the signature with its RRset.
  const auto tcp = ask(*set, query_bytes("many.example.test.", dns::rr_type::a, edns0(1000, true)),
                       tcp_from_loopback());
  CHECK(tcp.msg.answer.size() == 25);
  CHECK(rrsigs_covering(tcp.msg.answer, dns::rr_type::a) == 1);
}

TEST_CASE("DO: the apex NS and its RRSIG are left out together when they do not fit",
          "[dnssec][unit]") {
  const auto set = signed_set();
  // www A + RRSIG fit in 512; the NS RRSIG of 300 bytes does not: no TC, no NS, no lone RRSIG.
  const auto r = ask(*set, query_bytes("www.example.test.", dns::rr_type::a, edns0(512, true)));
  CHECK_FALSE(r.msg.hdr.tc);
  CHECK(rrsigs_covering(r.msg.answer, dns::rr_type::a) == 1);
  CHECK(r.msg.authority.empty());
}

TEST_CASE("DO: an additional RRset whose RRSIG does not fit is left out with it",
          "[dnssec][unit]") {
  const auto set = signed_set();
  responder_options o;
  o.minimal_responses = true;  // no apex NS: the additional section follows the answer
  const responder minimal(o);
  // The MX and its signature fit in 512; the address of `mail` would too, but not its 400-byte
  // signature: both stay out (RFC 4035 §3.1.1), and no TC (RFC 2181 §9: additional data).
  const auto r = ask(minimal, *set, query_bytes("mx.example.test.", dns::rr_type::mx, edns0(512, true)));
  CHECK_FALSE(r.msg.hdr.tc);
  CHECK(rrsigs_covering(r.msg.answer, dns::rr_type::mx) == 1);
  CHECK(count_type(r.msg.additional, dns::rr_type::a) == 0);
  CHECK(count_type(r.msg.additional, dns::rr_type::rrsig) == 0);
  const auto big = ask(minimal, *set, query_bytes("mx.example.test.", dns::rr_type::mx, edns0(1232, true)));
  CHECK(count_type(big.msg.additional, dns::rr_type::a) == 1);
  CHECK(rrsigs_covering(big.msg.additional, dns::rr_type::a) == 1);
}

TEST_CASE("DO: a wildcard answer whose NSEC proof does not fit is TC", "[dnssec][unit]") {
  const auto set = signed_set();
  // The wildcard's NSEC carries a 300-byte signature: over 512 with the answer.
  const auto r = ask(*set, query_bytes("x.wild.example.test.", dns::rr_type::a, edns0(512, true)));
  CHECK(r.msg.hdr.tc);
  CHECK(r.msg.answer.empty());
  const auto big = ask(*set, query_bytes("x.wild.example.test.", dns::rr_type::a, edns0(1232, true)));
  CHECK_FALSE(big.msg.hdr.tc);
  CHECK(count_type(big.msg.authority, dns::rr_type::nsec) == 1);
  CHECK(rrsigs_covering(big.msg.authority, dns::rr_type::nsec) == 1);
}

TEST_CASE("DO: NXDOMAIN carries the SOA and the NSEC proofs, each with its RRSIG",
          "[dnssec][unit]") {
  const auto set = signed_set();
  const auto r = ask(*set, query_bytes("nothere.example.test.", dns::rr_type::a, edns0(4096, true)));
  CHECK(r.msg.rcode() == dns::rcode::nxdomain);
  CHECK(count_type(r.msg.authority, dns::rr_type::soa) == 1);
  CHECK(rrsigs_covering(r.msg.authority, dns::rr_type::soa) == 1);
  // nothere sorts between many and ns1; *.example.test. right after the apex.
  CHECK(count_type(r.msg.authority, dns::rr_type::nsec) == 2);
  CHECK(rrsigs_covering(r.msg.authority, dns::rr_type::nsec) == 2);
}
