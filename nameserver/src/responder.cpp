// Query processing: from query bytes to response bytes. The rules, and why each answer is the
// one it is, are listed in responder.hpp; the comments here give the RFC beside each step.
#include "dnskit/nameserver/responder.hpp"

#include <algorithm>
#include <array>
#include <ctime>

#include "dnskit/dns/header_bits.hpp"
#include "dnskit/dns/serial_number.hpp"
#include "dnskit/dns/wire_name.hpp"
#include "dnskit/zones/journal.hpp"
#include "dnskit/zones/lookup.hpp"
#include "dnskit/zones/zone_set.hpp"
#include "ixfr_answer.hpp"
#include "responder_message.hpp"
#include "responder_query.hpp"
#include "responder_scratch.hpp"
#include "responder_update.hpp"
#include "server_cookie.hpp"

namespace dnskit::nameserver {

namespace {

using detail::message_writer;
using detail::opt_reply;
using detail::parse_status;
using detail::query_view;
using detail::section;

using detail::udp_minimum;
constexpr std::uint8_t opcode_notify = 4;

constexpr std::uint16_t type_of(dns::rr_type t) noexcept { return static_cast<std::uint16_t>(t); }

// CH TXT names (RFC 4892 §2.2 and BIND's originals), as lowercase wire names.
constexpr std::array<std::uint8_t, 14> wire_version_bind = {7, 'v', 'e', 'r', 's', 'i', 'o',
                                                            'n', 4, 'b', 'i', 'n', 'd', 0};
constexpr std::array<std::uint8_t, 16> wire_version_server = {
    7, 'v', 'e', 'r', 's', 'i', 'o', 'n', 6, 's', 'e', 'r', 'v', 'e', 'r', 0};
constexpr std::array<std::uint8_t, 11> wire_id_server = {2,   'i', 'd', 6,   's', 'e',
                                                         'r', 'v', 'e', 'r', 0};
constexpr std::array<std::uint8_t, 15> wire_hostname_bind = {
    8, 'h', 'o', 's', 't', 'n', 'a', 'm', 'e', 4, 'b', 'i', 'n', 'd', 0};

std::vector<std::uint8_t> txt_rdata(const std::optional<std::string>& text) {
  std::vector<std::uint8_t> out;
  if (!text) return out;
  // TXT rdata: one or more <character-string>s of at most 255 octets (RFC 1035 §3.3.14).
  std::size_t at = 0;
  do {
    const std::size_t n = std::min<std::size_t>(255, text->size() - at);
    out.push_back(static_cast<std::uint8_t>(n));
    out.insert(out.end(), text->begin() + static_cast<std::ptrdiff_t>(at),
               text->begin() + static_cast<std::ptrdiff_t>(at + n));
    at += n;
  } while (at < text->size());
  return out;
}

bool same_owner(const zones::record_ref& a, const zones::record_ref& b) noexcept {
  return (a.owner.data() == b.owner.data() && a.owner.size() == b.owner.size()) ||
         dns::wire_names_equal(a.owner, b.owner);
}

// End of the RRset starting at `i`: the run of records with the same owner and type.
std::size_t rrset_end(std::span<const zones::record_ref> recs, std::size_t i) noexcept {
  std::size_t end = i + 1;
  while (end < recs.size() && recs[end].type == recs[i].type && same_owner(recs[end], recs[i])) {
    ++end;
  }
  return end;
}

// End of the RRset starting at `i` together with the RRSIGs that follow it and cover it (the
// lookup puts them there with DO): RFC 4035 §3.1.1 wants them in the same section, so they are
// kept or dropped as one unit when space runs out.
std::size_t signed_rrset_end(std::span<const zones::record_ref> recs, std::size_t i) noexcept {
  std::size_t end = rrset_end(recs, i);
  if (recs[i].type == dns::rr_type::rrsig) return end;
  while (end < recs.size() && recs[end].type == dns::rr_type::rrsig &&
         recs[end].rdata.size() >= 2 &&
         ((recs[end].rdata[0] << 8) | recs[end].rdata[1]) == type_of(recs[i].type) &&
         same_owner(recs[end], recs[i])) {
    ++end;
  }
  return end;
}

bool is_dnssec_type(dns::rr_type t) noexcept {
  return t == dns::rr_type::rrsig || t == dns::rr_type::nsec || t == dns::rr_type::nsec3;
}

// RFC 4035 §3.1.1, §3.1.3: DNSSEC records go only to clients that set DO, unless they asked for
// that very type.
bool keep_record(dns::rr_type t, const query_view& q) noexcept {
  return q.dnssec_ok || !is_dnssec_type(t) || type_of(t) == q.qtype ||
         q.qtype == type_of(dns::rr_type::any);
}

// Adds the records RRset by RRset; when one RRset does not fit, takes it back and returns false
// (RFC 2181 §9: never a partial RRset).
bool add_rrsets(message_writer& m, section s, std::span<const zones::record_ref> recs,
                const query_view& q) noexcept {
  for (std::size_t i = 0; i < recs.size();) {
    const std::size_t end = signed_rrset_end(recs, i);
    if (keep_record(recs[i].type, q)) {
      const std::size_t mark = m.mark();
      const auto an = m.count(section::answer), ns = m.count(section::authority),
                 ar = m.count(section::additional);
      for (std::size_t j = i; j < end; ++j) {
        if (!m.add(s, recs[j])) {
          m.rollback(mark, an, ns, ar);
          return false;
        }
      }
    }
    i = end;
  }
  return true;
}

// The additional section: RRsets that do not fit are left out (RFC 2181 §9: no TC for them),
// except glue below the delegation of a referral, without which the referral cannot be
// followed (RFC 9471 §3): then the result says so and the caller sets TC.
// With `only_for`, just the RRsets owned by a target of one of its records.
bool add_additional(message_writer& m, std::span<const zones::record_ref> recs,
                    std::span<const std::uint8_t> cut, const query_view& q,
                    const std::span<const zones::record_ref>* only_for = nullptr) noexcept {
  bool complete = true;
  for (std::size_t i = 0; i < recs.size();) {
    const std::size_t end = signed_rrset_end(recs, i);
    bool wanted = only_for == nullptr;
    for (std::size_t k = 0; !wanted && k < only_for->size(); ++k) {
      wanted = dns::wire_names_equal(zones::additional_target((*only_for)[k]), recs[i].owner);
    }
    if (wanted && keep_record(recs[i].type, q)) {
      const std::size_t mark = m.mark();
      const auto an = m.count(section::answer), ns = m.count(section::authority),
                 ar = m.count(section::additional);
      for (std::size_t j = i; j < end; ++j) {
        if (!m.add(section::additional, recs[j])) {
          m.rollback(mark, an, ns, ar);
          if (!cut.empty() && dns::wire_name_at_or_below(recs[i].owner, cut)) complete = false;
          break;
        }
      }
    }
    i = end;
  }
  return complete;
}

// RFC 8482 §4.1: one RRset of the name instead of all of them. The smallest on the wire keeps
// the answer small (ties: the lowest type, so the choice is stable); DNSSEC types only if there
// is nothing else. Returns [begin, end) in `recs`.
std::pair<std::size_t, std::size_t> pick_any_rrset(
    std::span<const zones::record_ref> recs) noexcept {
  std::pair<std::size_t, std::size_t> best{0, 0};
  std::size_t best_size = 0;
  bool best_dnssec = true;
  for (std::size_t i = 0; i < recs.size();) {
    const std::size_t end = rrset_end(recs, i);
    std::size_t size = 0;
    for (std::size_t j = i; j < end; ++j) size += 10 + recs[j].rdata.size();
    // NSEC3PARAM is there for the signer (RFC 5155 §4): like RRSIG and NSEC, a last resort.
    const bool dnssec = is_dnssec_type(recs[i].type) || recs[i].type == dns::rr_type::nsec3param;
    const bool better =
        best.first == best.second || (best_dnssec && !dnssec) ||
        (dnssec == best_dnssec &&
         (size < best_size ||
          (size == best_size && type_of(recs[i].type) < type_of(recs[best.first].type))));
    if (better) {
      best = {i, end};
      best_size = size;
      best_dnssec = dnssec;
    }
    i = end;
  }
  return best;
}

// The RRSIG covers `type` (RFC 4034 §3.1: type covered is the rdata's first field).
bool rrsig_covers(const zones::record_ref& r, dns::rr_type type) noexcept {
  return r.type == dns::rr_type::rrsig && r.rdata.size() >= 2 &&
         ((r.rdata[0] << 8) | r.rdata[1]) == type_of(type);
}

// What response rate limiting counts this answer under (outcome::rate_name, as NSD does):
// random names under one zone, wildcard or delegation all count as one stream.
void classify_for_rate_limit(const zones::lookup_result& found, const query_view& q,
                             std::span<const std::uint8_t> cut, outcome& result) noexcept {
  const std::span<const std::uint8_t> asked = found.wildcard.empty() ? q.qname : found.wildcard;
  switch (found.kind) {
    case zones::answer_kind::answer:
    case zones::answer_kind::cname:
      result.rate = outcome::rate_class::answer;
      result.rate_name = asked;
      break;
    case zones::answer_kind::nodata:
      result.rate = outcome::rate_class::nodata;
      result.rate_name = asked;
      break;
    case zones::answer_kind::nxdomain:
      result.rate = outcome::rate_class::nxdomain;
      if (found.source != nullptr) result.rate_name = found.source->origin().wire();
      break;
    case zones::answer_kind::referral:
      result.rate = outcome::rate_class::referral;
      result.rate_name = cut.empty() ? q.qname : cut;
      break;
    case zones::answer_kind::yxdomain:
    case zones::answer_kind::refused:
      result.rate = outcome::rate_class::error;
      break;
  }
}

using dns::serial_newer;  // RFC 1982 §3.2

struct reply_plan {
  std::span<std::uint8_t> out;
  std::size_t limit;
  const query_view& q;
  opt_reply opt;
  outcome& result;
};

// An answer with no records: the header, the question when `with_question`, the OPT when the
// plan has one.
void simple_reply(const reply_plan& p, dns::rcode rcode, bool with_question, bool aa = false) {
  message_writer m(p.out, p.limit, p.q, p.opt);
  if (with_question) m.question(p.q);
  const auto code = static_cast<std::uint16_t>(rcode);
  p.result.rcode = rcode;
  p.result.size = m.finish(aa, false, static_cast<std::uint8_t>(code & dns::flags_lo::rcode_mask));
}

// RFC 5001 §2.3: the identity, when asked for; RFC 7873 §5.2.3-4 and RFC 9018 §4: the client's
// cookie with a fresh server cookie, and whether the server cookie it sent is one of ours, made
// with the current secret or the previous one, less than an hour ago.
void answer_options(const responder_options& o, std::span<const std::uint8_t> nsid,
                    const query_view& q, const request_info& client,
                    detail::cookie_hasher& hasher, opt_reply& opt, outcome& result) noexcept {
  if (q.nsid_requested && o.identity) {
    opt.nsid = nsid;
    opt.has_nsid = true;
  }
  if (!q.has_cookie) return;
  const std::uint32_t now = o.cookie_clock != nullptr
                                ? o.cookie_clock()
                                : static_cast<std::uint32_t>(std::time(nullptr));
  const auto client_cookie = q.cookie.first(dns::client_cookie_size);
  const auto server_cookie = q.cookie.subspan(dns::client_cookie_size);
  if (!server_cookie.empty() && detail::cookie_fresh(server_cookie, now)) {
    result.valid_cookie =
        hasher.verify(o.cookie_secret, client_cookie, server_cookie, client) ||
        (o.cookie_secret_previous &&
         hasher.verify(*o.cookie_secret_previous, client_cookie, server_cookie, client));
  }
  const detail::server_cookie fresh = hasher.make(o.cookie_secret, client_cookie, client, now);
  std::copy(client_cookie.begin(), client_cookie.end(), opt.cookie.begin());
  std::copy(fresh.begin(), fresh.end(), opt.cookie.begin() + dns::client_cookie_size);
  opt.has_cookie = true;
}

// RFC 8914 §4.21: "Not Authoritative", beside a REFUSED or NOTAUTH for a zone we do not serve
// (as Knot); only in an OPT, so only to clients that sent one.
void not_authoritative(opt_reply& opt) noexcept {
  opt.extended_error = static_cast<std::uint16_t>(dns::extended_error::not_authoritative);
  opt.has_extended_error = true;
}

}  // namespace

responder::responder(responder_options options)
    : options_(std::move(options)),
      version_rdata_(txt_rdata(options_.version)),
      identity_rdata_(txt_rdata(options_.identity)) {
  // RFC 5001 §2.3: the NSID payload is the identity's bytes; kept short enough for any OPT.
  if (options_.identity) {
    constexpr std::size_t nsid_max = 255;
    const std::string& id = *options_.identity;
    nsid_.assign(id.begin(), id.begin() + static_cast<std::ptrdiff_t>(std::min(id.size(), nsid_max)));
  }
  options_.max_udp_payload =
      std::max<std::uint16_t>(options_.max_udp_payload, static_cast<std::uint16_t>(udp_minimum));
  options_.axfr_message_size =
      std::max<std::uint16_t>(options_.axfr_message_size, static_cast<std::uint16_t>(udp_minimum));
}

const acl& responder::transfer_acl(const dns::name& origin) const noexcept {
  return transfer_acl(origin.wire());
}

const acl& responder::transfer_acl(std::span<const std::uint8_t> origin_wire) const noexcept {
  for (const auto& entry : options_.zone_allow_transfer) {
    if (dns::wire_names_equal(entry.origin.wire(), origin_wire)) return entry.allow;
  }
  return options_.allow_transfer;
}

bool responder::notify_allowed(std::span<const std::uint8_t> qname,
                               const request_info& client) const noexcept {
  for (const secondary_source& s : options_.secondaries) {
    if (!dns::wire_names_equal(s.origin.wire(), qname)) continue;
    if (!s.primary.allows(client.address, client.is_v6)) return false;
    return !s.key || (client.tsig_key != nullptr && *client.tsig_key == *s.key);
  }
  return false;
}

// True when `qname` lies in a secondary zone and the closest zone served for it is not that
// zone or one below it: the secondary zone is missing from the set (not transferred yet, or
// expired), and answering from a parent zone or REFUSED would both mislead.
bool responder::secondary_unavailable(std::span<const std::uint8_t> qname,
                                      const zones::zone_set& zones) const noexcept {
  const zones::zone* z = nullptr;
  bool looked = false;
  for (const secondary_source& s : options_.secondaries) {
    if (!dns::wire_name_at_or_below(qname, s.origin.wire())) continue;
    if (!looked) {
      z = zones.find(qname, dns::rr_class::in);
      looked = true;
    }
    if (z == nullptr || !dns::wire_name_at_or_below(z->origin().wire(), s.origin.wire())) return true;
  }
  return false;
}

outcome responder::respond(std::span<const std::uint8_t> query, const request_info& client,
                           const zones::zone_set& zones, scratch& work,
                           std::span<std::uint8_t> out) const {
  outcome result;
  query_view q;
  const parse_status status = detail::parse_query(query, q);
  // Too short for a header, or a response: nothing to answer (and answering responses could
  // start a loop between two servers). A buffer that cannot hold a header cannot answer either.
  if (status == parse_status::drop || out.size() < detail::header_size) return result;
  result.what = outcome::action::reply;

  const bool udp = client.via == transport::udp;
  // A COOKIE option of a bad length is answered FORMERR with an OPT (RFC 7873 §5.2.2).
  const bool opt_trusted = status == parse_status::ok || status == parse_status::bad_cookie;
  std::size_t limit = detail::answer_limit(q, opt_trusted, udp, options_.max_udp_payload);
  limit -= std::min(limit - detail::header_size, client.tsig_reserve);  // tsig_responder.cpp
  opt_reply opt;
  opt.present = q.has_opt && opt_trusted;
  opt.payload = options_.max_udp_payload;
  opt.dnssec_ok = q.dnssec_ok;
  if (status == parse_status::ok && q.has_opt) {
    answer_options(options_, nsid_, q, client, work.get().cookies, opt, result);
  }
  reply_plan plan{out, limit, q, opt, result};

  switch (status) {
    case parse_status::not_implemented:
      // RFC 1035 §4.1.1, RFC 8906 §3.1.4: an opcode we do not implement; the header is enough.
      simple_reply(plan, dns::rcode::notimp, false);
      return result;
    case parse_status::bad_question:
      simple_reply(plan, dns::rcode::formerr, false);
      return result;
    case parse_status::bad_records:
      // The question is fine and is echoed; the OPT could not be trusted, so none is sent.
      result.has_question = true;
      result.qtype = static_cast<dns::rr_type>(q.qtype);
      result.qclass = static_cast<dns::rr_class>(q.qclass);
      simple_reply(plan, dns::rcode::formerr, true);
      return result;
    case parse_status::bad_cookie:
      // RFC 7873 §5.2.2: a COOKIE option of a wrong length is FORMERR; the OPT itself is fine.
      result.has_question = true;
      result.qtype = static_cast<dns::rr_type>(q.qtype);
      result.qclass = static_cast<dns::rr_class>(q.qclass);
      simple_reply(plan, dns::rcode::formerr, true);
      return result;
    case parse_status::ok:
    case parse_status::drop:
      break;
  }
  result.has_question = true;
  result.qtype = static_cast<dns::rr_type>(q.qtype);
  result.qclass = static_cast<dns::rr_class>(q.qclass);

  if (q.has_opt && q.edns_version > 0) {
    // RFC 6891 §6.1.3: BADVERS (16 = extended rcode 1, header rcode 0), OPT with the version we
    // speak (0), no answer data, no AA.
    plan.opt.extended_rcode = 1;
    simple_reply(plan, dns::rcode::noerror, true);
    result.rcode = dns::rcode::badvers;
    return result;
  }
  if (q.opcode == detail::opcode_update) {
    result.size = detail::answer_update(options_, query, q, plan.opt, limit, client, zones, out,
                                        result.rcode);
    return result;
  }
  if (q.opcode == opcode_notify) {
    // RFC 1996 §3.10, §4.7: acted upon only from the zone's primary; answered with the question.
    const bool accepted = notify_allowed(q.qname, client);
    result.notify = accepted ? outcome::notify_verdict::accepted : outcome::notify_verdict::refused;
    result.notify_zone = q.qname;
    simple_reply(plan, accepted ? dns::rcode::noerror : dns::rcode::refused, true, accepted);
    return result;
  }

  const auto qclass = static_cast<dns::rr_class>(q.qclass);
  if (qclass == dns::rr_class::ch) {
    const bool txt = q.qtype == type_of(dns::rr_type::txt) || q.qtype == type_of(dns::rr_type::any);
    const std::vector<std::uint8_t>* rdata = nullptr;
    if (dns::wire_names_equal(q.qname, wire_version_bind) ||
        dns::wire_names_equal(q.qname, wire_version_server)) {
      rdata = options_.version ? &version_rdata_ : nullptr;
    } else if (dns::wire_names_equal(q.qname, wire_id_server) ||
               dns::wire_names_equal(q.qname, wire_hostname_bind)) {
      rdata = options_.identity ? &identity_rdata_ : nullptr;
    }
    if (!txt || rdata == nullptr) {
      simple_reply(plan, dns::rcode::refused, true);
      return result;
    }
    message_writer m(out, limit, q, plan.opt);
    m.question(q);
    const bool fits = m.add(section::answer, q.qname, dns::rr_type::txt, dns::rr_class::ch, 0,
                            *rdata);
    result.rate = outcome::rate_class::answer;
    result.rate_name = q.qname;
    result.truncated = !fits;
    result.size = m.finish(true, !fits, 0);
    return result;
  }
  if (qclass != dns::rr_class::in && qclass != dns::rr_class::any) {
    // RFC 8906 §3.1.1: no zones in other classes here.
    simple_reply(plan, dns::rcode::refused, true);
    return result;
  }

  if (!options_.secondaries.empty() && secondary_unavailable(q.qname, zones)) {
    simple_reply(plan, dns::rcode::servfail, true);  // RFC 1035 §3.3.13: expired, or not yet here
    return result;
  }

  const auto qtype = static_cast<dns::rr_type>(q.qtype);
  switch (qtype) {
    case dns::rr_type::axfr:
    case dns::rr_type::ixfr: {
      if (qtype == dns::rr_type::axfr && udp) {
        // RFC 5936 §4.2: AXFR is defined over TCP only; NSD and Knot answer NOTIMP.
        simple_reply(plan, dns::rcode::notimp, true);
        return result;
      }
      const zones::zone* z = zones.find(q.qname, qclass);
      if (z == nullptr || !dns::wire_names_equal(z->origin().wire(), q.qname)) {
        // A transfer names the apex of a zone we serve; for any other name we are not
        // authoritative for that zone: NOTAUTH (RFC 2136 §2.2), as NSD, Knot and BIND answer.
        not_authoritative(plan.opt);
        simple_reply(plan, dns::rcode::notauth, true);
        return result;
      }
      result.zone = z;
      const bool ixfr = qtype == dns::rr_type::ixfr;
      if (ixfr && !q.has_authority_soa) {
        // RFC 1995 §3: the authority section of an IXFR query holds the client's SOA; without
        // it there is no version to start from. NSD and Knot: FORMERR.
        simple_reply(plan, dns::rcode::formerr, true);
        return result;
      }
      if (!transfer_acl(z->origin().wire()).allows(client)) {
        simple_reply(plan, dns::rcode::refused, true);  // RFC 5936 §5
        return result;
      }
      // RFC 1995 §2: a client whose version is the same as ours or newer (serial arithmetic,
      // RFC 1982) gets our SOA alone, over either transport.
      const bool client_current =
          ixfr && (q.authority_soa_serial == z->serial() ||
                   serial_newer(q.authority_soa_serial, z->serial()));
      if (!udp && !client_current) {
        result.what = outcome::action::transfer;
        return result;
      }
      if (ixfr && !client_current) {
        // RFC 1995 §2: over UDP the differences when they fit in one message, as BIND does.
        const auto records = detail::ixfr_records(zones, *z, q.authority_soa_serial);
        if (records) {
          message_writer m(out, limit, q, plan.opt);
          m.question(q);
          bool fits = true;
          for (const dns::record& r : *records) {
            if (!m.add(section::answer, detail::as_record_ref(r))) {
              fits = false;
              break;
            }
          }
          if (fits) {
            result.rate = outcome::rate_class::answer;
            result.rate_name = q.qname;
            result.size = m.finish(true, false, 0);
            return result;
          }
        }
      }
      // IXFR over UDP from a client that is behind, and no differences that fit: the current
      // SOA alone tells it to come back over TCP (RFC 1995 §2).
      message_writer m(out, limit, q, plan.opt);
      m.question(q);
      const bool fits = m.add(section::answer, z->soa());
      result.rate = outcome::rate_class::answer;
      result.rate_name = q.qname;
      result.truncated = !fits;
      result.size = m.finish(true, !fits, 0);
      return result;
    }
    case dns::rr_type::opt:
      simple_reply(plan, dns::rcode::formerr, true);  // RFC 6891 §6.1.1: not a query type
      return result;
    case dns::rr_type::tsig:
    case dns::rr_type::tkey:
    case dns::rr_type::maila:
    case dns::rr_type::mailb:
      simple_reply(plan, dns::rcode::notimp, true);
      return result;
    default:
      break;
  }

  auto& found = work.get().result;
  zones::lookup_options lookup_opts;
  lookup_opts.authority_ns = !options_.minimal_responses;
  lookup_opts.dnssec = q.dnssec_ok;
  zones::lookup(zones, q.qname, qtype, qclass, found, lookup_opts);
  if (found.kind == zones::answer_kind::refused) {
    not_authoritative(plan.opt);
    simple_reply(plan, dns::rcode::refused, true);  // RFC 8906 §7: not our zone
    return result;
  }
  result.zone = found.source;
  result.rcode = found.rcode;
  // The referral's delegation point: the owner of the child's NS RRset.
  std::span<const std::uint8_t> cut;
  if (found.kind == zones::answer_kind::referral) {
    for (const auto& r : found.authority) {
      if (r.type == dns::rr_type::ns) {
        cut = r.owner;
        break;
      }
    }
  }
  classify_for_rate_limit(found, q, cut, result);

  message_writer m(out, limit, q, plan.opt);
  m.question(q);
  const std::size_t after_question = m.mark();
  bool tc = false;
  const bool minimal_any = qtype == dns::rr_type::any && found.kind == zones::answer_kind::answer &&
                           (udp || options_.minimal_any_tcp);
  if (minimal_any) {
    // The CNAMEs and DNAMEs that led to the name (RFC 1034 §4.3.2 step 3a, RFC 6672 §3.1) are
    // part of the answer; the choice of one RRset is among the last name's RRsets only.
    const std::span<const zones::record_ref> all = found.answer;
    std::size_t chain = all.size();
    while (chain > 0 && same_owner(all[chain - 1], all.back())) --chain;
    const std::span<const zones::record_ref> answer = all.subspan(chain);
    const auto [begin, end] = pick_any_rrset(answer);
    bool fits = add_rrsets(m, section::answer, all.first(chain), q) &&
                add_rrsets(m, section::answer, answer.subspan(begin, end - begin), q);
    // RFC 8482 §4.1: the signatures of the chosen RRset come with it.
    for (std::size_t i = 0; fits && q.dnssec_ok && i < answer.size(); ++i) {
      if (rrsig_covers(answer[i], answer[begin].type) && same_owner(answer[i], answer[begin])) {
        fits = m.add(section::answer, answer[i]);
      }
    }
    // The proof that a wildcard's name does not exist comes with the chosen RRset (RFC 4035
    // §3.1.3.3, RFC 5155 §7.2.6).
    const std::size_t required = std::min(found.proof, found.authority.size());
    const std::span<const zones::record_ref> authority = found.authority;
    fits = fits && add_rrsets(m, section::authority, authority.first(required), q);
    if (!fits) {
      m.rollback(after_question, 0, 0, 0);
      tc = true;
    } else {
      // The chosen RRset's additional data (RFC 1034 §4.3.2 step 6: the addresses of NS, MX
      // and SRV targets), as for a query of that type; what does not fit is left out.
      const std::span<const zones::record_ref> chosen = answer.subspan(begin, end - begin);
      tc = !add_additional(m, found.additional, cut, q, &chosen);
    }
  } else if (!add_rrsets(m, section::answer, found.answer, q)) {
    // RFC 2181 §9: a required RRset does not fit. As NSD: TC with empty sections, the client
    // retries over TCP (RFC 7766 §5).
    m.rollback(after_question, 0, 0, 0);
    tc = true;
  } else {
    const std::size_t after_answer = m.mark();
    const auto answers = m.count(section::answer);
    const bool positive =
        found.kind == zones::answer_kind::answer || found.kind == zones::answer_kind::cname;
    if (add_rrsets(m, section::authority, found.authority, q)) {
      tc = !add_additional(m, found.additional, cut, q);
    } else if (positive) {
      // The apex NS of a positive answer is not needed to use it (RFC 2181 §9: TC only when
      // required data is left out): without them, and without the addresses that follow from
      // them, the answer is whole. NSD does the same. The NSEC proofs of a wildcard answer
      // are needed to validate it (RFC 4035 §3.1.3.3): TC when they do not fit.
      m.rollback(after_answer, answers, 0, 0);
      const std::size_t required = std::min(found.proof, found.authority.size());
      if (!add_rrsets(m, section::authority,
                      std::span<const zones::record_ref>(found.authority).first(required), q)) {
        m.rollback(after_question, 0, 0, 0);
        tc = true;
      }
    } else {
      // The SOA of a negative answer (RFC 2308 §3) or the NS of a referral are required.
      m.rollback(after_question, 0, 0, 0);
      tc = true;
    }
  }
  const auto code = static_cast<std::uint16_t>(found.rcode);
  result.truncated = tc;
  result.size = m.finish(found.aa, tc, static_cast<std::uint8_t>(code & dns::flags_lo::rcode_mask));
  return result;
}

}  // namespace dnskit::nameserver
