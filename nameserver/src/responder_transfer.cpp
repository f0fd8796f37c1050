// The start of a zone transfer (RFC 5936 AXFR, RFC 1995 IXFR): who may have one, and the answers
// that fit in one message. The transfer itself is streamed by the caller (axfr_stream.cpp).
#include "dnskit/dns/header_bits.hpp"
#include "dnskit/dns/serial_number.hpp"
#include "dnskit/dns/wire_name.hpp"
#include "ixfr_answer.hpp"
#include "responder_steps.hpp"

namespace dnskit::nameserver::detail {

namespace {

// The zone's SOA alone: the answer to a client that is current, and over UDP to one that is
// behind when the differences do not fit (RFC 1995 §2: it then retries over TCP).
void answer_soa_only(const reply_plan& p, const zones::zone& z) noexcept {
  message_writer m(p.out, p.limit, p.q, p.opt);
  m.question(p.q);
  const bool fits = m.add(section::answer, z.soa());
  p.result.rate = outcome::rate_class::answer;
  p.result.rate_name = p.q.qname;
  p.result.truncated = !fits;
  p.result.size = m.finish(true, !fits, 0);
}

// RFC 1995 §2: over UDP, the condensed differences from the client's serial when the journal
// reaches back to it and they fit in one message, as BIND does. False when they do not.
bool answer_ixfr_in_one_message(const reply_plan& p, const zones::zone_set& zones,
                                const zones::zone& z) {
  const auto records = ixfr_records(zones, z, p.q.authority_soa_serial);
  if (!records) return false;
  message_writer m(p.out, p.limit, p.q, p.opt);
  m.question(p.q);
  for (const dns::record& r : *records) {
    if (!m.add(section::answer, as_record_ref(r))) return false;
  }
  p.result.rate = outcome::rate_class::answer;
  p.result.rate_name = p.q.qname;
  p.result.size = m.finish(true, false, 0);
  return true;
}

}  // namespace

void answer_transfer(const reply_plan& p, const responder& self, const zones::zone_set& zones,
                     const request_info& client) {
  const query_view& q = p.q;
  const bool udp = p.udp;
  const bool ixfr = q.qtype == static_cast<std::uint16_t>(dns::rr_type::ixfr);
  if (!ixfr && udp) {
    // RFC 5936 §4.2: AXFR is defined over TCP only; NSD and Knot answer NOTIMP.
    simple_reply(p, dns::rcode::notimp, true);
    return;
  }
  const zones::zone* z = zones.find(q.qname, static_cast<dns::rr_class>(q.qclass));
  if (z == nullptr || !dns::wire_names_equal(z->origin().wire(), q.qname)) {
    // A transfer names the apex of a zone we serve; for any other name we are not authoritative
    // for that zone: NOTAUTH (RFC 2136 §2.2), as NSD, Knot and BIND answer.
    opt_reply opt = p.opt;
    not_authoritative(opt);
    simple_reply({p.out, p.limit, p.udp, q, opt, p.result}, dns::rcode::notauth, true);
    return;
  }
  p.result.zone = z;
  if (ixfr && !q.has_authority_soa) {
    // RFC 1995 §3: the authority section of an IXFR query holds the client's SOA; without it
    // there is no version to start from. NSD and Knot: FORMERR.
    simple_reply(p, dns::rcode::formerr, true);
    return;
  }
  if (!self.transfer_acl(z->origin().wire()).allows(client)) {
    simple_reply(p, dns::rcode::refused, true);  // RFC 5936 §5
    return;
  }
  // RFC 1995 §2: a client whose version is the same as ours or newer (serial arithmetic,
  // RFC 1982 §3.2) gets our SOA alone, over either transport.
  const bool client_current = ixfr && (q.authority_soa_serial == z->serial() ||
                                       dns::serial_newer(q.authority_soa_serial, z->serial()));
  if (client_current) {
    answer_soa_only(p, *z);
  } else if (!udp) {
    p.result.what = outcome::action::transfer;
  } else if (!answer_ixfr_in_one_message(p, zones, *z)) {
    answer_soa_only(p, *z);
  }
}

}  // namespace dnskit::nameserver::detail
