// Query processing: from query bytes to response bytes. The rules, and why each answer is the
// one it is, are listed in responder.hpp; the comments here give the RFC beside each step.
#include "dnskit/nameserver/responder.hpp"

#include <algorithm>
#include <array>
#include <ctime>

#include "dnskit/dns/header_bits.hpp"
#include "dnskit/dns/wire_name.hpp"
#include "dnskit/zones/lookup.hpp"
#include "dnskit/zones/zone_set.hpp"
#include "responder_message.hpp"
#include "responder_query.hpp"
#include "responder_scratch.hpp"
#include "responder_steps.hpp"
#include "responder_update.hpp"
#include "server_cookie.hpp"

namespace dnskit::nameserver {

namespace {

using detail::message_writer;
using detail::opt_reply;
using detail::parse_status;
using detail::query_view;
using detail::reply_plan;
using detail::section;
using detail::simple_reply;

using detail::udp_minimum;
constexpr std::uint8_t opcode_notify = static_cast<std::uint8_t>(dns::opcode::notify);

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

// A query that parse_query could not read whole: NOTIMP for an opcode we do not implement
// (RFC 1035 §4.1.1, RFC 8906 §3.1.4: the header is enough), FORMERR otherwise; with the question
// echoed when it was read, and no OPT when it could not be trusted (RFC 6891 §7).
void answer_unreadable(const reply_plan& p, parse_status status) noexcept {
  switch (status) {
    case parse_status::not_implemented:
      simple_reply(p, dns::rcode::notimp, false);
      return;
    case parse_status::bad_question:
      simple_reply(p, dns::rcode::formerr, false);
      return;
    case parse_status::bad_records:  // the question is fine; the OPT cannot be trusted
    case parse_status::bad_cookie:   // RFC 7873 §5.2.2: a COOKIE option of a wrong length
      p.result.has_question = true;
      p.result.qtype = static_cast<dns::rr_type>(p.q.qtype);
      p.result.qclass = static_cast<dns::rr_class>(p.q.qclass);
      simple_reply(p, dns::rcode::formerr, true);
      return;
    case parse_status::ok:
    case parse_status::drop:
      return;
  }
}

// RFC 6891 §6.1.3: BADVERS (16 = extended rcode 1, header rcode 0), an OPT with the version we
// speak (0), no answer data, no AA.
void answer_bad_version(const reply_plan& p) noexcept {
  reply_plan bad = p;
  bad.opt.extended_rcode = 1;
  simple_reply(bad, dns::rcode::noerror, true);
  p.result.rcode = dns::rcode::badvers;
}

// Class CH (RFC 4892 §2.2): TXT or ANY for the version and identity names when configured
// (`rdata`), REFUSED for anything else, as NSD.
void answer_chaos(const reply_plan& p, const std::vector<std::uint8_t>* rdata) noexcept {
  const query_view& q = p.q;
  const bool txt = q.qtype == type_of(dns::rr_type::txt) || q.qtype == type_of(dns::rr_type::any);
  if (!txt || rdata == nullptr) {
    simple_reply(p, dns::rcode::refused, true);
    return;
  }
  message_writer m(p.out, p.limit, q, p.opt);
  m.question(q);
  const bool fits =
      m.add(section::answer, q.qname, dns::rr_type::txt, dns::rr_class::ch, 0, *rdata);
  p.result.rate = outcome::rate_class::answer;
  p.result.rate_name = q.qname;
  p.result.truncated = !fits;
  p.result.size = m.finish(true, !fits, 0);
}

}  // namespace

namespace detail {

void simple_reply(const reply_plan& p, dns::rcode rcode, bool with_question, bool aa) noexcept {
  message_writer m(p.out, p.limit, p.q, p.opt);
  if (with_question) m.question(p.q);
  const auto code = static_cast<std::uint16_t>(rcode);
  p.result.rcode = rcode;
  p.result.size = m.finish(aa, false, static_cast<std::uint8_t>(code & dns::flags_lo::rcode_mask));
}

void not_authoritative(opt_reply& opt) noexcept {
  opt.extended_error = static_cast<std::uint16_t>(dns::extended_error::not_authoritative);
  opt.has_extended_error = true;
}

}  // namespace detail

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

// The CH TXT rdata configured for `qname`, or nullptr.
const std::vector<std::uint8_t>* responder::chaos_rdata(
    std::span<const std::uint8_t> qname) const noexcept {
  if (dns::wire_names_equal(qname, wire_version_bind) ||
      dns::wire_names_equal(qname, wire_version_server)) {
    return options_.version ? &version_rdata_ : nullptr;
  }
  if (dns::wire_names_equal(qname, wire_id_server) ||
      dns::wire_names_equal(qname, wire_hostname_bind)) {
    return options_.identity ? &identity_rdata_ : nullptr;
  }
  return nullptr;
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

  // The reply's size limit (RFC 6891 §6.2.5, less the room a TSIG needs: tsig_responder.cpp) and
  // its OPT. A COOKIE option of a bad length is answered FORMERR with an OPT (RFC 7873 §5.2.2).
  const bool udp = client.via == transport::udp;
  const bool opt_trusted = status == parse_status::ok || status == parse_status::bad_cookie;
  std::size_t limit = detail::answer_limit(q, opt_trusted, udp, options_.max_udp_payload);
  limit -= std::min(limit - detail::header_size, client.tsig_reserve);
  opt_reply opt;
  opt.present = q.has_opt && opt_trusted;
  opt.payload = options_.max_udp_payload;
  opt.dnssec_ok = q.dnssec_ok;
  if (status == parse_status::ok && q.has_opt) {
    answer_options(options_, nsid_, q, client, work.get().cookies, opt, result);
  }
  const reply_plan plan{out, limit, udp, q, opt, result};

  if (status != parse_status::ok) {
    answer_unreadable(plan, status);
    return result;
  }
  result.has_question = true;
  result.qtype = static_cast<dns::rr_type>(q.qtype);
  result.qclass = static_cast<dns::rr_class>(q.qclass);

  if (q.has_opt && q.edns_version > 0) {
    answer_bad_version(plan);
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
    answer_chaos(plan, chaos_rdata(q.qname));
    return result;
  }
  if (qclass != dns::rr_class::in && qclass != dns::rr_class::any) {
    simple_reply(plan, dns::rcode::refused, true);  // RFC 8906 §3.1.1: no zones in other classes
    return result;
  }
  if (!options_.secondaries.empty() && secondary_unavailable(q.qname, zones)) {
    simple_reply(plan, dns::rcode::servfail, true);  // RFC 1035 §3.3.13: expired, or not yet here
    return result;
  }

  switch (static_cast<dns::rr_type>(q.qtype)) {
    case dns::rr_type::axfr:
    case dns::rr_type::ixfr:
      detail::answer_transfer(plan, *this, zones, client);
      return result;
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
      detail::answer_from_zones(plan, options_, zones, work.get().result);
      return result;
  }
}

}  // namespace dnskit::nameserver
