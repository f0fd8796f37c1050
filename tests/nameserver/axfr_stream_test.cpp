// Outgoing AXFR (RFC 5936) and IXFR (RFC 1995) through respond() and axfr_stream.
#include <set>

#include "dnskit/nameserver/axfr.hpp"
#include "responder_test_util.hpp"

using namespace dnskit;
using namespace dnskit::nameserver;
using namespace dnskit::nameserver::test;

namespace {

struct transfer {
  std::vector<dns::message> messages;
  std::vector<std::size_t> sizes;
};

transfer run(const std::vector<std::uint8_t>& query, const zones::zone_set& set,
             const responder_options& options = {}) {
  transfer t;
  axfr_stream stream(query, set, options);
  std::vector<std::uint8_t> buffer(65535);
  for (int guard = 0; guard < 100000; ++guard) {
    const std::size_t n = stream.next(buffer);
    if (n == 0) break;
    dns::message m;
    const std::vector<std::uint8_t> wire(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(n));
    REQUIRE_FALSE(dns::decode(wire, m));
    t.messages.push_back(std::move(m));
    t.sizes.push_back(n);
  }
  CHECK(stream.done());
  CHECK(stream.next(buffer) == 0);
  return t;
}

std::multiset<std::string> as_text(const std::vector<dns::record>& records) {
  std::multiset<std::string> out;
  for (const auto& r : records) out.insert(r.to_text());
  return out;
}

}  // namespace

TEST_CASE("AXFR over TCP from loopback is a transfer", "[unit]") {
  const auto set = example_set();
  const auto r = ask(*set, query_bytes("example.test.", dns::rr_type::axfr), tcp_from_loopback());
  CHECK(r.result.what == outcome::action::transfer);
  CHECK(r.result.size == 0);
  CHECK(r.result.zone != nullptr);
}

TEST_CASE("AXFR from a client outside allow-transfer is REFUSED", "[unit]") {
  const auto set = example_set();
  const auto r = ask(*set, query_bytes("example.test.", dns::rr_type::axfr), tcp_from_outside());
  CHECK(r.result.what == outcome::action::reply);
  CHECK(r.msg.rcode() == dns::rcode::refused);
  CHECK(r.msg.answer.empty());
  const auto ixfr = ask(*set, ixfr_query_bytes("example.test.", 1), udp_from_outside());
  CHECK(ixfr.msg.rcode() == dns::rcode::refused);
}

TEST_CASE("allow-transfer per zone replaces the server-wide list", "[unit]") {
  const auto set = example_set();
  responder_options o;
  std::string error;
  acl zone_list;
  REQUIRE(acl::parse({"192.0.2.0/24"}, zone_list, error));
  o.zone_allow_transfer.push_back({dns::name::from_text("EXAMPLE.test."), zone_list});
  const responder r(o);
  CHECK(ask(r, *set, query_bytes("example.test.", dns::rr_type::axfr), tcp_from_outside()).result.what ==
        outcome::action::transfer);
  CHECK(ask(r, *set, query_bytes("example.test.", dns::rr_type::axfr), tcp_from_loopback()).msg.rcode() ==
        dns::rcode::refused);
}

TEST_CASE("AXFR over UDP is NOTIMP, AXFR or IXFR below an apex or outside is NOTAUTH", "[unit]") {
  const auto set = example_set();
  const auto udp = ask(*set, query_bytes("example.test.", dns::rr_type::axfr));
  CHECK(udp.msg.rcode() == dns::rcode::notimp);
  CHECK(udp.msg.questions.size() == 1);
  const auto below = ask(*set, query_bytes("www.example.test.", dns::rr_type::axfr), tcp_from_loopback());
  CHECK(below.msg.rcode() == dns::rcode::notauth);
  // RFC 2136 §2.2: not authoritative for the zone named (NSD, Knot and BIND: NOTAUTH).
  const auto outside = ask(*set, query_bytes("example.org.", dns::rr_type::axfr), tcp_from_loopback());
  CHECK(outside.msg.rcode() == dns::rcode::notauth);
  for (const auto& client : {tcp_from_loopback(), udp_from_loopback()}) {
    const auto ixfr = ask(*set, ixfr_query_bytes("example.org.", 1), client);
    CHECK(ixfr.msg.rcode() == dns::rcode::notauth);
    CHECK(ixfr.msg.questions.size() == 1);
  }
}

TEST_CASE("IXFR from a client as new as us or newer is our SOA alone (RFC 1995 section 2)",
          "[unit]") {
  const auto set = example_set();
  const std::uint32_t ours = 2024010101;
  // Equal, newer, and newer across the wrap of serial arithmetic (RFC 1982 §3.2).
  for (const std::uint32_t serial : {ours, ours + 1, ours + 0x7FFFFFFFu}) {
    INFO(serial);
    for (const auto& client : {tcp_from_loopback(), udp_from_loopback()}) {
      const auto r = ask(*set, ixfr_query_bytes("example.test.", serial), client);
      CHECK(r.result.what == outcome::action::reply);
      CHECK(r.msg.rcode() == dns::rcode::noerror);
      CHECK(r.msg.hdr.aa);
      REQUIRE(r.msg.answer.size() == 1);
      CHECK(r.msg.answer[0].type == dns::rr_type::soa);
    }
  }
  // Older (also when the difference is exactly half the space: not newer either way, RFC 1982
  // §3.2 leaves it undefined; we send the zone): a transfer over TCP.
  for (const std::uint32_t serial : {ours - 1, ours + 0x80000000u}) {
    CHECK(ask(*set, ixfr_query_bytes("example.test.", serial), tcp_from_loopback()).result.what ==
          outcome::action::transfer);
  }
}

TEST_CASE("IXFR without the client's SOA in the authority section is FORMERR (RFC 1995 section 3)",
          "[unit]") {
  const auto set = example_set();
  for (const auto& client : {tcp_from_loopback(), udp_from_loopback()}) {
    const auto r = ask(*set, query_bytes("example.test.", dns::rr_type::ixfr), client);
    CHECK(r.result.what == outcome::action::reply);
    CHECK(r.msg.rcode() == dns::rcode::formerr);
    CHECK(r.msg.answer.empty());
  }
}

TEST_CASE("IXFR from an older serial: over UDP the SOA, over TCP a full transfer", "[unit]") {
  const auto set = example_set();
  const auto udp = ask(*set, ixfr_query_bytes("example.test.", 1));
  CHECK(udp.msg.rcode() == dns::rcode::noerror);
  CHECK(udp.msg.hdr.aa);
  REQUIRE(udp.msg.answer.size() == 1);
  CHECK(udp.msg.answer[0].type == dns::rr_type::soa);
  const auto tcp = ask(*set, ixfr_query_bytes("example.test.", 1), tcp_from_loopback());
  CHECK(tcp.result.what == outcome::action::transfer);
  const auto t = run(ixfr_query_bytes("example.test.", 1), *set);
  REQUIRE_FALSE(t.messages.empty());
  CHECK(t.messages.front().answer.front().type == dns::rr_type::soa);
  CHECK(t.messages.back().answer.back().type == dns::rr_type::soa);
}

TEST_CASE("AXFR messages: SOA first and last, every record exactly once", "[unit]") {
  const auto set = example_set();
  const auto query = query_bytes("eXample.test.", dns::rr_type::axfr, std::nullopt,
                                 dns::rr_class::in, 0x5151);
  const auto t = run(query, *set);
  REQUIRE_FALSE(t.messages.empty());
  std::vector<dns::record> all;
  for (std::size_t i = 0; i < t.messages.size(); ++i) {
    const auto& m = t.messages[i];
    CHECK(m.hdr.id == 0x5151);
    CHECK(m.hdr.qr);
    CHECK(m.hdr.aa);
    CHECK(m.rcode() == dns::rcode::noerror);
    CHECK(m.questions.size() == (i == 0 ? 1u : 0u));
    all.insert(all.end(), m.answer.begin(), m.answer.end());
  }
  CHECK(t.messages.front().questions.front().qname.identical(dns::name::from_text("eXample.test.")));
  REQUIRE(all.size() >= 2);
  CHECK(all.front().type == dns::rr_type::soa);
  CHECK(all.back().type == dns::rr_type::soa);
  CHECK(all.front() == all.back());
  // The middle is the zone, each record once.
  const auto zone = set->zones().front();
  const std::vector<dns::record> middle(all.begin(), all.end() - 1);
  CHECK(middle.size() == zone->record_count());
  CHECK(as_text(middle) == as_text(zone->to_records()));
  // Without EDNS in the query, none in the answer.
  for (const auto& m : t.messages) CHECK_FALSE(m.opt.has_value());
}

TEST_CASE("a large zone is split over several messages within the size limit", "[unit]") {
  std::string text = "$TTL 300\n@ SOA ns hostmaster 42 1 1 1 1\n@ NS ns\nns A 192.0.2.1\n";
  for (int i = 0; i < 3000; ++i) {
    text += "host" + std::to_string(i) + " A 10." + std::to_string(i / 256) + "." +
            std::to_string(i % 256) + ".1\n";
    text += "host" + std::to_string(i) + " TXT \"record number " + std::to_string(i) + "\"\n";
  }
  const zones::zone_set set({make_zone("big.test.", text)});
  for (std::uint16_t size : {std::uint16_t{16384}, std::uint16_t{65535}, std::uint16_t{512}}) {
    INFO("message size " << size);
    responder_options o;
    o.axfr_message_size = size;
    const auto t = run(query_bytes("big.test.", dns::rr_type::axfr, edns0()), set, o);
    CHECK(t.messages.size() > 1);
    std::size_t records = 0;
    for (std::size_t i = 0; i < t.messages.size(); ++i) {
      CHECK(t.sizes[i] <= size);
      REQUIRE(t.messages[i].opt.has_value());
      records += t.messages[i].answer.size();
    }
    CHECK(records == set.zones().front()->record_count() + 1);  // and the closing SOA
    CHECK(t.messages.front().answer.front().type == dns::rr_type::soa);
    CHECK(t.messages.back().answer.back().type == dns::rr_type::soa);
  }
}

TEST_CASE("an unusable transfer query yields one SERVFAIL or nothing", "[unit]") {
  const auto set = example_set();
  const auto t = run(query_bytes("nope.test.", dns::rr_type::axfr), *set);
  REQUIRE(t.messages.size() == 1);
  CHECK(t.messages[0].rcode() == dns::rcode::servfail);
  const auto none = run(std::vector<std::uint8_t>(5, 0), *set);
  CHECK(none.messages.empty());
}
