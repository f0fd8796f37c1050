#pragma once
// Shared by the responder and AXFR tests: a small zone built from text, queries built with
// dns::make_query (or by hand for malformed ones), and responses decoded with dns::decode.
#include <catch2/catch.hpp>

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "dnskit/dns/message.hpp"
#include "dnskit/dns/name.hpp"
#include "dnskit/nameserver/responder.hpp"
#include "dnskit/zones/loader.hpp"
#include "dnskit/zones/zone_set.hpp"

namespace dnskit::nameserver::test {

// A zone with every kind of answer: positive, CNAME, wildcard, delegation with glue, an RRset
// too big for 512 bytes (`many`: 40 A records = 12 + question + 40 * 16 > 512) and one too big
// for 1232 (`huge`: 60 TXT records of 100 bytes).
inline std::string example_zone_text() {
  std::string text =
      "$ORIGIN example.test.\n"
      "$TTL 3600\n"
      "@ IN SOA ns1 hostmaster 2024010101 7200 3600 1209600 300\n"
      "@ NS ns1\n"
      "@ NS ns2\n"
      "@ MX 10 mail\n"
      "@ TXT \"v=spf1 -all\"\n"
      "ns1 A 192.0.2.1\n"
      "ns2 A 192.0.2.2\n"
      "www A 192.0.2.10\n"
      "www AAAA 2001:db8::10\n"
      "mail A 192.0.2.20\n"
      "alias CNAME www\n"
      "*.wild A 192.0.2.99\n"
      "sub NS ns.sub\n"
      "sub NS ns.elsewhere.test.\n"
      "ns.sub A 192.0.2.53\n";
  for (int i = 1; i <= 40; ++i) text += "many A 198.51.100." + std::to_string(i) + "\n";
  for (int i = 0; i < 60; ++i) {
    text += "huge TXT \"" + std::to_string(1000 + i) + std::string(96, 'x') + "\"\n";
  }
  return text;
}

inline std::shared_ptr<const zones::zone> make_zone(const std::string& origin,
                                                    const std::string& text) {
  const auto loaded = zones::load_zone_text(dns::name::from_text(origin), text, "test.zone");
  if (!loaded.ok()) {
    for (const auto& d : loaded.diagnostics) UNSCOPED_INFO(d.to_string());
  }
  REQUIRE(loaded.ok());
  return loaded.zone;
}

inline std::shared_ptr<const zones::zone_set> example_set() {
  static const auto set = std::make_shared<const zones::zone_set>(
      std::vector<std::shared_ptr<const zones::zone>>{make_zone("example.test.", example_zone_text())});
  return set;
}

inline request_info udp_from_loopback() { return request_info::v4(transport::udp, {127, 0, 0, 1}, 5353); }
inline request_info tcp_from_loopback() { return request_info::v4(transport::tcp, {127, 0, 0, 1}, 5353); }
inline request_info udp_from_outside() { return request_info::v4(transport::udp, {192, 0, 2, 77}, 5353); }
inline request_info tcp_from_outside() { return request_info::v4(transport::tcp, {192, 0, 2, 77}, 5353); }

// Query bytes: one question, RD as given, with an OPT when `opt` is given. Not inlined, and no
// std::optional<edns> at call sites: GCC 12 reports its vector as maybe-uninitialized there (a
// false positive).
[[gnu::noinline]] inline std::vector<std::uint8_t> make_query_bytes(
    const std::string& qname, dns::rr_type qtype, const dns::edns* opt, dns::rr_class qclass,
    std::uint16_t id, bool rd) {
  std::optional<dns::edns> o;
  if (opt != nullptr) o = *opt;
  return dns::encode(dns::make_query(id, dns::name::from_text(qname), qtype, qclass, rd, o));
}
inline std::vector<std::uint8_t> query_bytes(const std::string& qname, dns::rr_type qtype) {
  return make_query_bytes(qname, qtype, nullptr, dns::rr_class::in, 0x1234, false);
}
inline std::vector<std::uint8_t> query_bytes(const std::string& qname, dns::rr_type qtype,
                                             std::nullopt_t,
                                             dns::rr_class qclass = dns::rr_class::in,
                                             std::uint16_t id = 0x1234, bool rd = false) {
  return make_query_bytes(qname, qtype, nullptr, qclass, id, rd);
}
inline std::vector<std::uint8_t> query_bytes(const std::string& qname, dns::rr_type qtype,
                                             const dns::edns& opt,
                                             dns::rr_class qclass = dns::rr_class::in,
                                             std::uint16_t id = 0x1234, bool rd = false) {
  return make_query_bytes(qname, qtype, &opt, qclass, id, rd);
}

// An IXFR query as a secondary sends it: the client's SOA (only its serial matters here) in the
// authority section (RFC 1995 §3).
inline std::vector<std::uint8_t> ixfr_query_bytes(const std::string& zone, std::uint32_t serial,
                                                  std::uint16_t id = 0x1234) {
  dns::message m = dns::make_query(id, dns::name::from_text(zone), dns::rr_type::ixfr,
                                   dns::rr_class::in, false, std::nullopt);
  dns::record soa;
  soa.owner = dns::name::from_text(zone);
  soa.type = dns::rr_type::soa;
  soa.ttl = 3600;
  // MNAME and RNAME the root, then SERIAL, REFRESH, RETRY, EXPIRE, MINIMUM.
  soa.rdata = {0, 0, static_cast<std::uint8_t>(serial >> 24), static_cast<std::uint8_t>(serial >> 16),
               static_cast<std::uint8_t>(serial >> 8), static_cast<std::uint8_t>(serial),
               0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1};
  m.authority.push_back(soa);
  return dns::encode(m);
}

inline dns::edns edns0(std::uint16_t size = 1232, bool dnssec_ok = false) {
  dns::edns e;
  e.udp_payload_size = size;
  e.dnssec_ok = dnssec_ok;
  return e;
}

struct reply {
  outcome result;
  std::vector<std::uint8_t> wire;
  dns::message msg;
  bool decoded = false;
};

// Runs respond() with a fresh 64 KiB buffer and decodes what it wrote (when it wrote anything).
inline reply ask(const responder& r, const zones::zone_set& zones,
                 const std::vector<std::uint8_t>& query,
                 const request_info& client = udp_from_loopback()) {
  static thread_local scratch work;
  reply out;
  std::vector<std::uint8_t> buffer(65535);
  out.result = r.respond(query, client, zones, work, buffer);
  out.wire.assign(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(out.result.size));
  if (!out.wire.empty()) {
    const auto ec = dns::decode(out.wire, out.msg);
    INFO("decode: " << ec.message());
    REQUIRE_FALSE(ec);
    out.decoded = true;
  }
  return out;
}

inline reply ask(const zones::zone_set& zones, const std::vector<std::uint8_t>& query,
                 const request_info& client = udp_from_loopback()) {
  static const responder r{responder_options{}};
  return ask(r, zones, query, client);
}

inline std::size_t count_type(const std::vector<dns::record>& section, dns::rr_type t) {
  std::size_t n = 0;
  for (const auto& rec : section) n += rec.type == t ? 1 : 0;
  return n;
}

}  // namespace dnskit::nameserver::test
