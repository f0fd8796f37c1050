#include "responder_update.hpp"

#include "dnskit/dns/message.hpp"
#include "dnskit/dns/wire_name.hpp"
#include "dnskit/zones/zone.hpp"
#include "dnskit/zones/zone_set.hpp"

namespace dnskit::nameserver::detail {

namespace {

const acl& update_acl(const responder_options& options, std::span<const std::uint8_t> origin) {
  for (const auto& entry : options.zone_allow_update) {
    if (dns::wire_names_equal(entry.origin.wire(), origin)) return entry.allow;
  }
  return options.allow_update;
}

bool is_secondary(const responder_options& options, std::span<const std::uint8_t> qname) {
  for (const secondary_source& s : options.secondaries) {
    if (dns::wire_names_equal(s.origin.wire(), qname)) return true;
  }
  return false;
}

dns::rcode decide(const responder_options& options, std::span<const std::uint8_t> query,
                  const query_view& q, const request_info& client, const zones::zone_set& zones) {
  // RFC 2136 §3.1.1: one zone, named by a question of type SOA.
  if (q.qtype != static_cast<std::uint16_t>(dns::rr_type::soa)) return dns::rcode::formerr;
  // A secondary zone's data is its primary's: updates are not forwarded (RFC 2136 §6 allows
  // it; BIND answers REFUSED unless allow-update-forwarding admits the client), so REFUSED,
  // whether a copy is served or not.
  if (is_secondary(options, q.qname)) return dns::rcode::refused;
  const auto* z = zones.find(q.qname, static_cast<dns::rr_class>(q.qclass));
  if (z == nullptr || !dns::wire_names_equal(z->origin().wire(), q.qname)) {
    return dns::rcode::notauth;
  }
  // RFC 2136 §3.3: the permission check, by address or by the TSIG key that signed it.
  if (!options.updates || !update_acl(options, z->origin().wire()).allows(client)) {
    return dns::rcode::refused;
  }
  dns::message m;
  if (dns::decode(query, m)) return dns::rcode::formerr;
  return options.updates->apply(z->origin(), m.answer, m.authority);
}

}  // namespace

std::size_t answer_update(const responder_options& options, std::span<const std::uint8_t> query,
                          const query_view& q, const opt_reply& opt, std::size_t limit,
                          const request_info& client, const zones::zone_set& zones,
                          std::span<std::uint8_t> out, dns::rcode& rcode) {
  try {
    rcode = decide(options, query, q, client, zones);
  } catch (...) {  // out of memory while decoding or applying: the update is not made
    rcode = dns::rcode::servfail;
  }
  // RFC 2136 §3.8: the answer is the header and the zone section, nothing else.
  message_writer m(out, limit, q, opt);
  m.question(q);
  return m.finish(false, false,
                  static_cast<std::uint8_t>(static_cast<unsigned>(rcode) & dns::flags_lo::rcode_mask));
}

}  // namespace dnskit::nameserver::detail
