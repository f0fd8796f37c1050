// The responder's part in secondary zones: a NOTIFY is accepted only from the zone's primary
// (and with its key when it has one, RFC 1996 §3.10), and a secondary zone of which no copy is
// served is answered SERVFAIL, not from a parent zone and not REFUSED.
#include "responder_test_util.hpp"

using namespace dnskit::nameserver;
using namespace dnskit::nameserver::test;
namespace dns = dnskit::dns;
namespace zones = dnskit::zones;

namespace {

responder secondary_responder(bool with_key) {
  responder_options options;
  secondary_source s;
  s.origin = dns::name::from_text("sec.example.test.");
  std::string error;
  REQUIRE(s.primary.add("192.0.2.53", error));
  if (with_key) s.key = dns::name::from_text("xfr.");
  options.secondaries.push_back(std::move(s));
  return responder(std::move(options));
}

std::vector<std::uint8_t> notify_bytes(const std::string& zone) {
  auto q = query_bytes(zone, dns::rr_type::soa);
  q[2] = static_cast<std::uint8_t>((q[2] & 0x87) | (4 << 3) | 0x04);  // NOTIFY, AA
  return q;
}

const request_info from_primary = request_info::v4(transport::udp, {192, 0, 2, 53}, 40000);

}  // namespace

TEST_CASE("secondary: NOTIFY from the primary is answered NOERROR and handed on", "[unit]") {
  const auto r = secondary_responder(false);
  const auto set = example_set();
  const auto notify = notify_bytes("sec.example.test.");  // notify_zone points into it
  const auto a = ask(r, *set, notify, from_primary);
  CHECK(a.msg.hdr.op == dns::opcode::notify);
  CHECK(a.msg.rcode() == dns::rcode::noerror);
  CHECK(a.msg.hdr.aa);
  REQUIRE(a.msg.questions.size() == 1);
  CHECK(a.msg.questions[0].qname == dns::name::from_text("sec.example.test."));
  CHECK(a.result.notify == outcome::notify_verdict::accepted);
  std::error_code ec;
  CHECK(dns::name::from_wire(a.result.notify_zone, ec) == dns::name::from_text("sec.example.test."));

  // Any case of the name (RFC 4343).
  CHECK(ask(r, *set, notify_bytes("SEC.Example.TEST."), from_primary).result.notify ==
        outcome::notify_verdict::accepted);
}

TEST_CASE("secondary: NOTIFY from anyone else or for another zone is REFUSED", "[unit]") {
  const auto r = secondary_responder(false);
  const auto set = example_set();
  auto a = ask(r, *set, notify_bytes("sec.example.test."), udp_from_loopback());
  CHECK(a.msg.rcode() == dns::rcode::refused);
  CHECK(a.result.notify == outcome::notify_verdict::refused);
  a = ask(r, *set, notify_bytes("example.test."), from_primary);  // a zone we are primary for
  CHECK(a.msg.rcode() == dns::rcode::refused);
  CHECK(a.result.notify == outcome::notify_verdict::refused);
  // A query is no NOTIFY.
  CHECK(ask(r, *set, query_bytes("www.example.test.", dns::rr_type::a), from_primary).result.notify ==
        outcome::notify_verdict::none);
}

TEST_CASE("secondary: with a key the NOTIFY must be signed with it", "[unit]") {
  const auto r = secondary_responder(true);
  const auto set = example_set();
  CHECK(ask(r, *set, notify_bytes("sec.example.test."), from_primary).msg.rcode() ==
        dns::rcode::refused);
  const dns::name xfr = dns::name::from_text("xfr.");
  const dns::name other = dns::name::from_text("other.");
  request_info signed_client = from_primary;
  signed_client.tsig_key = &other;
  CHECK(ask(r, *set, notify_bytes("sec.example.test."), signed_client).msg.rcode() ==
        dns::rcode::refused);
  signed_client.tsig_key = &xfr;
  CHECK(ask(r, *set, notify_bytes("sec.example.test."), signed_client).msg.rcode() ==
        dns::rcode::noerror);
  // The key alone, from another address, is not enough.
  request_info elsewhere = udp_from_loopback();
  elsewhere.tsig_key = &xfr;
  CHECK(ask(r, *set, notify_bytes("sec.example.test."), elsewhere).msg.rcode() ==
        dns::rcode::refused);
}

TEST_CASE("secondary: a zone without a copy is SERVFAIL and not its parent's answer", "[unit]") {
  const auto r = secondary_responder(false);
  const auto parent_only = example_set();
  for (const char* name : {"sec.example.test.", "www.sec.example.test."}) {
    INFO(name);
    const auto a = ask(r, *parent_only, query_bytes(name, dns::rr_type::a));
    CHECK(a.msg.rcode() == dns::rcode::servfail);
    CHECK_FALSE(a.msg.hdr.aa);
    CHECK(a.msg.questions.size() == 1);
    CHECK(a.msg.answer.empty());
    CHECK(a.msg.authority.empty());
  }
  // The parent's own names are answered as always.
  CHECK(ask(r, *parent_only, query_bytes("www.example.test.", dns::rr_type::a)).msg.rcode() ==
        dns::rcode::noerror);
  // With the copy served, its answers come from it.
  const auto both = std::make_shared<const zones::zone_set>(std::vector<std::shared_ptr<const zones::zone>>{
      make_zone("example.test.", example_zone_text()),
      make_zone("sec.example.test.",
                "$TTL 60\n@ SOA ns hostmaster 1 60 60 600 60\n@ NS ns\nns A 192.0.2.53\n"
                "www A 192.0.2.80\n")});
  const auto a = ask(r, *both, query_bytes("www.sec.example.test.", dns::rr_type::a));
  CHECK(a.msg.rcode() == dns::rcode::noerror);
  CHECK(a.msg.hdr.aa);
  CHECK(a.msg.answer.size() == 1);
  // Without any zone at all: still SERVFAIL (not REFUSED) for the secondary's names.
  const zones::zone_set empty;
  CHECK(ask(r, empty, query_bytes("www.sec.example.test.", dns::rr_type::a)).msg.rcode() ==
        dns::rcode::servfail);
  CHECK(ask(r, empty, query_bytes("www.elsewhere.test.", dns::rr_type::a)).msg.rcode() ==
        dns::rcode::refused);
}
