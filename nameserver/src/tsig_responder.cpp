// TSIG around the query processor; the rules are listed in tsig_responder.hpp.
#include "dnskit/nameserver/tsig_responder.hpp"

#include <algorithm>

#include "dnskit/dns/header_bits.hpp"
#include "responder_message.hpp"
#include "responder_query.hpp"

namespace dnskit::nameserver {
namespace {

namespace tsig = dns::tsig;

// The answer to a request whose TSIG failed: FORMERR or NOTAUTH, the question when it reads,
// an OPT when the query had a good one, no records; then the TSIG record of the error (none
// for FORMERR).
outcome refuse(const responder& r, std::span<const std::uint8_t> query, const request_info& client,
               std::span<std::uint8_t> out, std::uint64_t now, const tsig::request_state& state) {
  outcome result;
  detail::query_view q;
  const auto status = detail::parse_query(query, q);
  if (status == detail::parse_status::drop || out.size() < detail::header_size) return result;
  result.what = outcome::action::reply;
  const bool readable = status == detail::parse_status::ok;
  const bool udp = client.via == transport::udp;
  const std::uint16_t max_udp = r.options().max_udp_payload;
  std::size_t limit = detail::answer_limit(q, readable, udp, max_udp);
  tsig::response_signer signer(state);
  limit -= std::min(limit - detail::header_size, signer.record_size());
  detail::opt_reply opt;
  opt.present = q.has_opt && readable;
  opt.payload = max_udp;
  opt.dnssec_ok = q.dnssec_ok;
  detail::message_writer m(out, limit, q, opt);
  if (readable || status == detail::parse_status::bad_records) {
    m.question(q);
    result.has_question = true;
    result.qtype = static_cast<dns::rr_type>(q.qtype);
    result.qclass = static_cast<dns::rr_class>(q.qclass);
  }
  result.rcode = static_cast<dns::rcode>(tsig::response_rcode(state.outcome));
  result.size = m.finish(false, false,
                         static_cast<std::uint8_t>(result.rcode) & dns::flags_lo::rcode_mask);
  // Room was kept, so this fails only for a buffer below a minimal answer: the bare error then
  // goes out as it is.
  (void)signer.sign(out, result.size, now);
  return result;
}

}  // namespace

outcome respond_with_tsig(const responder& r, std::span<const std::uint8_t> query,
                          request_info client, const zones::zone_set& zones, scratch& work,
                          std::span<std::uint8_t> out, std::uint64_t now,
                          tsig::request_state& state) {
  // The TSIG record is the last of the additional section (§5.2): no additional records, no
  // TSIG, and nothing to look for.
  if (query.size() >= detail::header_size && query[10] == 0 && query[11] == 0) {
    state.outcome = tsig::status::unsigned_message;
    return r.respond(query, client, zones, work, out);
  }
  switch (tsig::verify_request(query, r.options().tsig_keys, now, state)) {
    case tsig::status::unsigned_message: return r.respond(query, client, zones, work, out);
    case tsig::status::verified: break;
    default: return refuse(r, query, client, out, now, state);
  }
  tsig::response_signer signer(state);
  client.tsig_key = &state.signing_key->key_name;
  client.tsig_reserve = signer.record_size();
  outcome result = r.respond(query, client, zones, work, out);
  // respond() kept the room, so this fails only for a buffer below a minimal answer: that
  // answer goes out unsigned and the client rejects it, as it must.
  if (result.what == outcome::action::reply && result.size > 0) {
    (void)signer.sign(out, result.size, now);
  }
  return result;
}

}  // namespace dnskit::nameserver
