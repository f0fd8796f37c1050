// Outgoing AXFR (RFC 5936 §2.2): the zone's records in as many messages as needed, SOA first
// and last, each message filled with whole records.
#include "dnskit/nameserver/axfr.hpp"

#include <algorithm>
#include <optional>
#include <vector>

#include "dnskit/dns/wire_name.hpp"
#include "dnskit/zones/zone.hpp"
#include "dnskit/zones/zone_set.hpp"
#include "ixfr_answer.hpp"
#include "responder_message.hpp"
#include "responder_query.hpp"

namespace dnskit::nameserver {

struct axfr_stream::state {
  std::vector<std::uint8_t> query;  // owns the bytes the view points into
  detail::query_view q;
  const zones::zone* zone = nullptr;
  std::optional<zones::zone::cursor> cursor;
  // An incremental answer (RFC 1995 §4) from the zone's history; empty: the AXFR form.
  std::vector<dns::record> ixfr;
  std::size_t ixfr_next = 0;
  zones::record_ref pending;
  bool has_pending = false;
  bool final_soa_queued = false;  // the closing SOA is `pending` (or already sent)
  bool failed = false;            // answer with one SERVFAIL message
  bool done = false;
  std::size_t message_size = 16384;
  std::uint16_t payload = 1232;
  std::size_t messages = 0;
  std::size_t records = 0;
};

axfr_stream::axfr_stream(std::span<const std::uint8_t> query, const zones::zone_set& zones,
                         const responder_options& options)
    : state_(std::make_unique<state>()) {
  auto& s = *state_;
  s.query.assign(query.begin(), query.end());
  s.message_size = std::clamp<std::size_t>(options.axfr_message_size, 512, 65535);
  s.payload = std::max<std::uint16_t>(options.max_udp_payload, 512);
  const auto status = detail::parse_query(s.query, s.q);
  if (status == detail::parse_status::drop || !s.q.has_question) {
    s.done = true;  // nothing to answer
    return;
  }
  const auto qtype = static_cast<dns::rr_type>(s.q.qtype);
  const auto qclass = static_cast<dns::rr_class>(s.q.qclass);
  s.zone = status == detail::parse_status::ok &&
                   (qtype == dns::rr_type::axfr || qtype == dns::rr_type::ixfr)
               ? zones.find(s.q.qname, qclass)
               : nullptr;
  if (s.zone == nullptr || !dns::wire_names_equal(s.zone->origin().wire(), s.q.qname)) {
    s.failed = true;
    return;
  }
  if (qtype == dns::rr_type::ixfr && s.q.has_authority_soa) {
    auto records = detail::ixfr_records(zones, *s.zone, s.q.authority_soa_serial);
    if (records) {
      s.ixfr = std::move(*records);
      return;
    }
  }
  s.cursor.emplace(s.zone->records());
}

axfr_stream::~axfr_stream() = default;
axfr_stream::axfr_stream(axfr_stream&&) noexcept = default;
axfr_stream& axfr_stream::operator=(axfr_stream&&) noexcept = default;

bool axfr_stream::done() const noexcept { return !state_ || state_->done; }
std::size_t axfr_stream::messages() const noexcept { return state_ ? state_->messages : 0; }
std::size_t axfr_stream::records() const noexcept { return state_ ? state_->records : 0; }

std::size_t axfr_stream::next(std::span<std::uint8_t> out) {
  if (done() || out.size() < detail::header_size) return 0;
  auto& s = *state_;
  detail::opt_reply opt;
  // RFC 6891 §7: every response to a query with an OPT carries one.
  opt.present = s.q.has_opt;
  opt.payload = s.payload;
  opt.dnssec_ok = s.q.dnssec_ok;
  detail::message_writer m(out, s.message_size, s.q, opt);
  // RFC 5936 §2.2.1: the first message echoes the question; the later ones need not. The zone's
  // names do not compress against it, so they keep the zone's case, not the client's.
  if (s.messages == 0) m.question(s.q, false);
  ++s.messages;

  if (s.failed) {
    s.done = true;
    return m.finish(false, false, static_cast<std::uint8_t>(dns::rcode::servfail));
  }
  while (true) {
    if (!s.has_pending) {
      if (!s.cursor) {
        if (s.ixfr_next == s.ixfr.size()) {
          s.done = true;
          break;
        }
        s.pending = detail::as_record_ref(s.ixfr[s.ixfr_next++]);
        s.has_pending = true;
      } else if (s.cursor->next(s.pending)) {
        s.has_pending = true;
      } else if (!s.final_soa_queued) {
        s.pending = s.zone->soa();  // RFC 5936 §2.2: the SOA closes the transfer
        s.has_pending = true;
        s.final_soa_queued = true;
      } else {
        s.done = true;
        break;
      }
    }
    if (!m.add(detail::section::answer, s.pending)) {
      if (m.count(detail::section::answer) == 0) {
        // One record larger than a whole message: the transfer cannot go on (RFC 5936 §2.2
        // lets an error rcode end it).
        s.done = true;
        return m.finish(false, false, static_cast<std::uint8_t>(dns::rcode::servfail));
      }
      break;  // the next message starts with it
    }
    s.has_pending = false;
    ++s.records;
  }
  // The last message is finished; once it is sent next() returns 0.
  return m.finish(true, false, 0);
}

std::size_t axfr_busy_answer(std::span<const std::uint8_t> query, const responder_options& options,
                             std::span<std::uint8_t> out) {
  // Against no zones at all the stream yields exactly that one SERVFAIL message.
  const zones::zone_set none;
  axfr_stream stream(query, none, options);
  return stream.next(out);
}

}  // namespace dnskit::nameserver
