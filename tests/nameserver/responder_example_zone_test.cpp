// Query processing against the bundled zones/examples/example.test.zone, as the server loads it.
#include <filesystem>

#include "dnskit/nameserver/axfr.hpp"
#include "responder_test_util.hpp"

using namespace dnskit;
using namespace dnskit::nameserver;
using namespace dnskit::nameserver::test;

namespace {

std::shared_ptr<const zones::zone_set> bundled() {
  static const auto set = [] {
    const std::filesystem::path file =
        std::filesystem::path(DNSKIT_SOURCE_DIR) / "zones" / "examples" / "example.test.zone";
    auto loaded = zones::load_zone(dns::name::from_text("example.test."), file);
    for (const auto& d : loaded.diagnostics) UNSCOPED_INFO(d.to_string());
    REQUIRE(loaded.ok());
    return std::make_shared<const zones::zone_set>(
        std::vector<std::shared_ptr<const zones::zone>>{loaded.zone});
  }();
  return set;
}

}  // namespace

TEST_CASE("bundled zone: SOA, CNAME chain, wildcard, DNAME, referral", "[unit]") {
  const auto set = bundled();
  const auto soa = ask(*set, query_bytes("example.test.", dns::rr_type::soa));
  CHECK(soa.msg.hdr.aa);
  REQUIRE(soa.msg.answer.size() == 1);
  CHECK(soa.msg.answer[0].type == dns::rr_type::soa);

  const auto alias = ask(*set, query_bytes("alias.example.test.", dns::rr_type::a));
  CHECK(count_type(alias.msg.answer, dns::rr_type::cname) == 2);  // alias -> www -> apex
  CHECK(count_type(alias.msg.answer, dns::rr_type::a) == 1);

  const auto wild = ask(*set, query_bytes("anything.wild.example.test.", dns::rr_type::txt));
  REQUIRE(wild.msg.answer.size() == 1);
  CHECK(wild.msg.answer[0].owner == dns::name::from_text("anything.wild.example.test."));

  const auto dname = ask(*set, query_bytes("foo.dname.example.test.", dns::rr_type::a));
  CHECK(dname.msg.hdr.aa);
  CHECK(count_type(dname.msg.answer, dns::rr_type::dname) == 1);
  CHECK(count_type(dname.msg.answer, dns::rr_type::cname) == 1);

  const auto referral = ask(*set, query_bytes("host.sub.example.test.", dns::rr_type::a));
  CHECK_FALSE(referral.msg.hdr.aa);
  CHECK(count_type(referral.msg.authority, dns::rr_type::ns) == 1);
  CHECK(count_type(referral.msg.additional, dns::rr_type::a) == 1);

  const auto outside = ask(*set, query_bytes("outside.example.test.", dns::rr_type::a));
  REQUIRE(outside.msg.answer.size() == 1);
  CHECK(outside.msg.answer[0].type == dns::rr_type::cname);
}

TEST_CASE("bundled zone: big TXT is truncated without EDNS, whole with it", "[unit]") {
  const auto set = bundled();
  const auto plain = ask(*set, query_bytes("big.example.test.", dns::rr_type::txt));
  CHECK(plain.msg.hdr.tc);
  CHECK(plain.msg.answer.empty());
  CHECK(plain.wire.size() <= 512);
  const auto edns = ask(*set, query_bytes("big.example.test.", dns::rr_type::txt, edns0()));
  CHECK_FALSE(edns.msg.hdr.tc);
  CHECK(edns.msg.answer.size() == 15);
  const auto tcp = ask(*set, query_bytes("big.example.test.", dns::rr_type::txt), tcp_from_loopback());
  CHECK_FALSE(tcp.msg.hdr.tc);
  CHECK(tcp.msg.answer.size() == 15);
}

TEST_CASE("bundled zone: AXFR carries every record once between two SOAs", "[unit]") {
  const auto set = bundled();
  const auto q = query_bytes("example.test.", dns::rr_type::axfr);
  CHECK(ask(*set, q, tcp_from_loopback()).result.what == outcome::action::transfer);
  axfr_stream stream(q, *set);
  std::vector<std::uint8_t> buffer(65535);
  std::vector<dns::record> all;
  for (std::size_t n; (n = stream.next(buffer)) != 0;) {
    dns::message m;
    REQUIRE_FALSE(dns::decode(std::span<const std::uint8_t>(buffer).first(n), m));
    all.insert(all.end(), m.answer.begin(), m.answer.end());
  }
  const auto zone = set->zones().front();
  REQUIRE(all.size() == zone->record_count() + 1);
  CHECK(all.front().type == dns::rr_type::soa);
  CHECK(all.back().type == dns::rr_type::soa);
  CHECK(stream.records() == all.size());
}
