// RFC 1034 §4.3.2 from the zones: the lookup (zones/lookup.hpp) finds the records; this file
// writes them section by section, RRset by RRset, and decides what happens when they do not all
// fit (RFC 2181 §9), what ANY returns (RFC 8482 §4.1), and what rate limiting counts.
#include <algorithm>
#include <utility>

#include "dnskit/dns/header_bits.hpp"
#include "dnskit/dns/wire_name.hpp"
#include "responder_steps.hpp"

namespace dnskit::nameserver::detail {

namespace {

constexpr std::uint16_t type_of(dns::rr_type t) noexcept { return static_cast<std::uint16_t>(t); }

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
                             outcome& result) noexcept {
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
      result.rate_name = found.delegation.empty() ? q.qname : found.delegation;
      break;
    case zones::answer_kind::yxdomain:
    case zones::answer_kind::refused:
      result.rate = outcome::rate_class::error;
      break;
  }
}

// RFC 8482 §4.1: ANY answered with one RRset of the name. The CNAMEs and DNAMEs that led to the
// name (RFC 1034 §4.3.2 step 3a, RFC 6672 §3.1) are part of the answer; the choice of one
// RRset is among the last name's RRsets only. Returns whether TC is needed.
bool write_minimal_any(message_writer& m, std::size_t after_question,
                       const zones::lookup_result& found, const query_view& q) noexcept {
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
    return true;
  }
  // The chosen RRset's additional data (RFC 1034 §4.3.2 step 6: the addresses of NS, MX and SRV
  // targets), as for a query of that type; what does not fit is left out.
  const std::span<const zones::record_ref> chosen = answer.subspan(begin, end - begin);
  return !add_additional(m, found.additional, found.delegation, q, &chosen);
}

// The lookup's three sections as they are. Returns whether TC is needed.
bool write_sections(message_writer& m, std::size_t after_question,
                    const zones::lookup_result& found, const query_view& q) noexcept {
  if (!add_rrsets(m, section::answer, found.answer, q)) {
    // RFC 2181 §9: a required RRset does not fit. As NSD: TC with empty sections, the client
    // retries over TCP (RFC 7766 §5).
    m.rollback(after_question, 0, 0, 0);
    return true;
  }
  const std::size_t after_answer = m.mark();
  const auto answers = m.count(section::answer);
  if (add_rrsets(m, section::authority, found.authority, q)) {
    return !add_additional(m, found.additional, found.delegation, q);
  }
  const bool positive =
      found.kind == zones::answer_kind::answer || found.kind == zones::answer_kind::cname;
  if (!positive) {
    // The SOA of a negative answer (RFC 2308 §3) or the NS of a referral are required.
    m.rollback(after_question, 0, 0, 0);
    return true;
  }
  // The apex NS of a positive answer is not needed to use it (RFC 2181 §9: TC only when required
  // data is left out): without them, and without the addresses that follow from them, the
  // answer is whole. NSD does the same. The NSEC proofs of a wildcard answer are needed to
  // validate it (RFC 4035 §3.1.3.3): TC when they do not fit.
  m.rollback(after_answer, answers, 0, 0);
  const std::size_t required = std::min(found.proof, found.authority.size());
  if (!add_rrsets(m, section::authority,
                  std::span<const zones::record_ref>(found.authority).first(required), q)) {
    m.rollback(after_question, 0, 0, 0);
    return true;
  }
  return false;
}

}  // namespace

void answer_from_zones(const reply_plan& p, const responder_options& options,
                       const zones::zone_set& zones, zones::lookup_result& found) {
  const query_view& q = p.q;
  const auto qtype = static_cast<dns::rr_type>(q.qtype);
  zones::lookup_options lookup_opts;
  lookup_opts.authority_ns = !options.minimal_responses;
  lookup_opts.dnssec = q.dnssec_ok;
  zones::lookup(zones, q.qname, qtype, static_cast<dns::rr_class>(q.qclass), found, lookup_opts);
  if (found.kind == zones::answer_kind::refused) {
    opt_reply opt = p.opt;
    not_authoritative(opt);
    simple_reply({p.out, p.limit, p.udp, q, opt, p.result}, dns::rcode::refused, true);  // RFC 8906 §7
    return;
  }
  p.result.zone = found.source;
  p.result.rcode = found.rcode;
  classify_for_rate_limit(found, q, p.result);

  message_writer m(p.out, p.limit, q, p.opt);
  m.question(q);
  const std::size_t after_question = m.mark();
  const bool minimal_any = qtype == dns::rr_type::any &&
                           found.kind == zones::answer_kind::answer &&
                           (p.udp || options.minimal_any_tcp);
  const bool tc = minimal_any ? write_minimal_any(m, after_question, found, q)
                              : write_sections(m, after_question, found, q);
  const auto code = static_cast<std::uint16_t>(found.rcode);
  p.result.truncated = tc;
  p.result.size = m.finish(found.aa, tc, static_cast<std::uint8_t>(code & dns::flags_lo::rcode_mask));
}

}  // namespace dnskit::nameserver::detail
