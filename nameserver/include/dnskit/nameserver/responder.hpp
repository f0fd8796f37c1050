#pragma once
// The query processor: a pure function from query bytes (plus the transport and the client's
// address) to response bytes, separate from all I/O (DESIGN.md §4). Transports call respond()
// for every datagram or TCP message; tests and the fuzzer call it directly. The server calls it
// through respond_with_tsig (tsig_responder.hpp), which checks a TSIG-signed request first and
// signs the answer after (RFC 8945).
//
// The rules it implements (RFC 1035, 2181, 6891, 8482, 8906, 5936, 1995, 1996), in the order
// they are checked:
//   - fewer than 12 bytes, or QR=1 (a response): dropped, nothing is sent (RFC 8906 §3.1 only
//     asks for answers to queries; answering responses invites loops);
//   - opcode other than QUERY, NOTIFY and UPDATE: NOTIMP, header only (RFC 1035 §4.1.1,
//     RFC 8906 §3.1.4);
//   - QDCOUNT != 1 or a question that does not decode: FORMERR, header only;
//   - records after the question that do not decode, an OPT outside the additional section,
//     two OPTs, or an OPT whose owner is not the root or whose options overrun it: FORMERR with
//     the question echoed and no OPT (RFC 6891 §6.1.1, §7);
//   - EDNS version > 0: BADVERS with an OPT of version 0, the question, no answer (RFC 6891 §6.1.3);
//   - UPDATE (RFC 2136 §3): the zone section echoed in every answer, nothing else (§3.8); a
//     zone section that is not one SOA question: FORMERR (§3.1.1); a secondary zone: REFUSED
//     (updates are not forwarded to the primary; BIND answers so without
//     allow-update-forwarding); a zone we do not serve: NOTAUTH (§3.1.1); a client
//     allow-update does not admit (address or TSIG key): REFUSED (§3.3); records that do not
//     decode: FORMERR; otherwise the update_handler's rcode;
//   - NOTIFY (RFC 1996) for a secondary zone (options.secondaries) from its primary's address,
//     signed with the zone's key when it has one: NOERROR, AA, the question echoed (§4.7), and
//     outcome::notify accepted (the server then checks the primary's serial, §3.11); any other
//     NOTIFY: REFUSED with the question echoed and outcome::notify refused (§3.10: a notify
//     from a non-primary is not acted upon; refusing by policy is what REFUSED means, NOTIMP
//     would claim the opcode is unknown, RFC 8906 §3.1.4);
//   - class CH: TXT (or ANY) for version.bind / version.server and id.server / hostname.bind
//     when configured, REFUSED otherwise (as NSD); any class other than IN and CH: REFUSED;
//   - a name in a secondary zone of which no copy is served (none transferred yet, or expired,
//     RFC 1035 §3.3.13): SERVFAIL with the question, as BIND and Knot;
//   - qtype AXFR: over UDP NOTIMP (RFC 5936 §4.2 defines no AXFR over UDP; NSD and Knot answer
//     NOTIMP); for a name that is not the apex of a zone we serve NOTAUTH (RFC 2136 §2.2, as
//     NSD, Knot and BIND); over TCP from a client the zone's allow-transfer list admits:
//     outcome::transfer (the caller streams the zone with axfr_stream); otherwise REFUSED
//     (RFC 5936 §5);
//   - qtype IXFR: NOTAUTH as AXFR; FORMERR without the client's SOA in the authority section
//     (RFC 1995 §3); same access check; the zone's SOA alone when the client's serial is ours
//     or newer (RFC 1995 §2, RFC 1982); from an older serial that the zone's journal reaches
//     back to, the condensed differences (RFC 1995 §4): over UDP in one message when they fit,
//     else the SOA alone (the client then retries over TCP, §2); over TCP outcome::transfer
//     (axfr_stream sends the differences); from a serial the journal does not reach, over UDP
//     the SOA alone, over TCP the whole zone in the AXFR form (RFC 1995 §4 allows it);
//   - qtype OPT: FORMERR (RFC 6891 §6.1.1: OPT is not a query type); TSIG/TKEY/MAILA/MAILB: NOTIMP;
//   - a name outside every zone: REFUSED, no AA, no records (RFC 8906 §7);
//   - otherwise the zone lookup (zones/): AA except on referrals, NXDOMAIN/NODATA with the SOA;
//   - ANY (RFC 8482 §4.1): over UDP one RRset of the name, the smallest on the wire (ties: the
//     lowest type), so the answer stays small, after the CNAMEs and DNAMEs that led to the name
//     and with the chosen RRset's additional data; over TCP every RRset when
//     options.minimal_any_tcp is false (the default is minimal on both, as NSD and Knot).
// EDNS options, only when the query had an OPT: NSID (RFC 5001) with the identity when the
// query asked for it and one is configured; COOKIE (RFC 7873): a malformed option is FORMERR
// (§5.2.2), otherwise the answer carries the client cookie and a fresh server cookie (RFC 9018
// §4), and a valid server cookie in the query marks the outcome (valid_cookie); an invalid or
// stale one is answered as if only the client cookie came (§5.2.3; no BADCOOKIE, as NSD);
// Extended DNS Error 20 "Not Authoritative" (RFC 8914 §4.21) with REFUSED for names outside
// our zones and NOTAUTH for transfers of zones we do not serve, as Knot.
// In every answer: ID, opcode, RD and CD copied (RFC 1035 §4.1.1, RFC 4035 §3.1.6); RA, AD and
// Z never set; the question echoed byte for byte (the client's 0x20 case); an OPT when the
// query had one (RFC 6891 §7) with our payload size and the DO bit copied (RFC 3225 §3),
// unknown options and flags not echoed.
// Sizes: over UDP min(max(client's EDNS size, 512), options.max_udp_payload), 512 without
// EDNS (RFC 1035 §4.2.1, RFC 6891 §6.2.5); over TCP 65535. When the answer does not fit, whole
// additional RRsets are left out first (RFC 2181 §9: no TC for that), except glue a referral
// needs; the apex NS of a positive answer (and their addresses) go next, also without TC (they
// are not needed to use the answer); if the answer, a negative answer's SOA or a referral's NS
// still do not fit, TC=1 with empty answer and authority sections (as NSD: the client retries
// over TCP). The OPT is always kept.
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "dnskit/dns/name.hpp"
#include "dnskit/dns/record.hpp"
#include "dnskit/dns/rr_type.hpp"
#include "dnskit/dns/tsig.hpp"
#include "dnskit/nameserver/acl.hpp"
#include "dnskit/nameserver/request.hpp"

namespace dnskit::zones {
class zone;
class zone_set;
}

namespace dnskit::nameserver {

struct zone_transfer_acl {
  dns::name origin;
  acl allow;
};

// Applies dynamic updates (RFC 2136) for the responder. The server's implementation is the one
// writer of the primary zones: it applies the update to the zone version current at that moment
// (never a worker's snapshot), appends the change to the zone's journal and syncs it to disk,
// and only then publishes the new version and returns NOERROR. Called from any worker thread.
class update_handler {
 public:
  virtual ~update_handler() = default;
  // The rcode to answer with (RFC 2136 §3: NOERROR, a prerequisite's, FORMERR, NOTZONE,
  // NOTAUTH, REFUSED, SERVFAIL when the change cannot be written).
  virtual dns::rcode apply(const dns::name& origin, std::span<const dns::record> prerequisites,
                           std::span<const dns::record> updates) = 0;
};

// A zone this server is a secondary for: who may NOTIFY it (RFC 1996 §3.10).
struct secondary_source {
  dns::name origin;
  acl primary;                   // the primary's address
  std::optional<dns::name> key;  // the TSIG key its NOTIFY must be signed with
};

struct responder_options {
  // EDNS0: the largest UDP response we send and the size we advertise (RFC 6891 §6.2.5; 1232
  // avoids IP fragmentation, DNS Flag Day 2020). Values below 512 are taken as 512.
  std::uint16_t max_udp_payload = 1232;
  // CH TXT answers (RFC 4892 §2.2 names them); std::nullopt: REFUSED.
  std::optional<std::string> version;   // version.bind, version.server
  std::optional<std::string> identity;  // id.server, hostname.bind
  // Who may transfer a zone (AXFR/IXFR over TCP): the per-zone list if the zone has one here,
  // else `allow_transfer` (default: loopback only).
  acl allow_transfer = acl::loopback();
  std::vector<zone_transfer_acl> zone_allow_transfer;
  // Who may update a zone (RFC 2136): the per-zone list if the zone has one here, else
  // `allow_update` (default: nobody, REFUSED).
  acl allow_update;
  std::vector<zone_transfer_acl> zone_allow_update;
  // Applies admitted updates; nullptr: every UPDATE is REFUSED.
  std::shared_ptr<update_handler> updates;
  // RFC 8482 §4.1 over TCP too (NSD and Knot are minimal on both transports). False: over TCP
  // ANY returns every RRset of the name, as BIND's `minimal-any` (UDP only) does.
  bool minimal_any_tcp = true;
  // AXFR message size. RFC 5936 allows 65535; messages of 16 KiB keep every name a compression
  // target (pointers reach offsets below 0x4000, RFC 1035 §4.1.4), as NSD does.
  std::uint16_t axfr_message_size = 16384;
  // Leave the apex NS RRset (and its addresses) out of positive answers, as BIND's
  // `minimal-responses yes` and Knot do; by default they are there, as NSD sends them.
  bool minimal_responses = false;
  // TSIG keys (RFC 8945) that signed requests are checked against (respond_with_tsig).
  dns::tsig::keyring tsig_keys;
  // DNS Cookies (RFC 7873) with server cookies as RFC 9018 §4 makes them: the SipHash-2-4 key
  // they are made with, and the key before it, whose cookies are still accepted after a
  // rotation until clients have learnt new ones (RFC 9018 §4.5).
  std::array<std::uint8_t, 16> cookie_secret{};
  std::optional<std::array<std::uint8_t, 16>> cookie_secret_previous;
  // Seconds since the epoch for cookie timestamps; nullptr: the system clock (tests set it).
  std::uint32_t (*cookie_clock)() = nullptr;
  // Secondary zones: NOTIFY accepted from their primaries, SERVFAIL while no copy is served.
  std::vector<secondary_source> secondaries;
};

// What respond() did, for the caller (transport, query log, rate limiting).
struct outcome {
  enum class action : std::uint8_t {
    drop,      // send nothing (not a query, or shorter than a header)
    reply,     // send `size` bytes of `out`
    transfer,  // an admitted AXFR/IXFR over TCP: nothing written; stream it with axfr_stream
  };
  action what = action::drop;
  std::size_t size = 0;
  dns::rcode rcode = dns::rcode::noerror;
  dns::rr_type qtype = dns::rr_type::a;   // meaningful when a question was read
  dns::rr_class qclass = dns::rr_class::in;
  bool truncated = false;  // TC set
  bool has_question = false;
  // The zone that answered (nullptr for errors, CHAOS and names outside every zone). A rate
  // limiter (response rate limiting as in BIND, NSD and Knot) groups responses by it.
  const zones::zone* zone = nullptr;

  // Response rate limiting (RRL, as NSD and BIND) counts "identical" answers together: same
  // `rate` class and same `rate_name`, the name the answer is about. That is the qname for
  // answers and NODATA, the wildcard's owner when a wildcard synthesised the answer, the zone's
  // origin for NXDOMAIN and the delegation point for referrals, so a flood of random names
  // under one zone, wildcard or delegation is one stream; errors carry no name (every error to
  // a client is one stream). An uncompressed wire name in any case, pointing into the query,
  // the zone data or the scratch: valid until the next respond() with them.
  enum class rate_class : std::uint8_t { error, answer, nodata, nxdomain, referral };
  rate_class rate = rate_class::error;
  std::span<const std::uint8_t> rate_name;
  // The query carried a server cookie we made for this client and address (RFC 7873 §5.2.4):
  // its source address is not forged, so rate limiting leaves it alone (as BIND and Knot do).
  bool valid_cookie = false;
  // A NOTIFY (RFC 1996): accepted from a secondary zone's primary, or refused. `notify_zone`
  // is the zone's name as the NOTIFY wrote it (a view of the query: valid until the next
  // respond() with it); the caller starts the zone's refresh or logs the refusal.
  enum class notify_verdict : std::uint8_t { none, accepted, refused };
  notify_verdict notify = notify_verdict::none;
  std::span<const std::uint8_t> notify_zone;
};

// Per-thread working memory for respond(): the lookup result and the other buffers the hot
// path reuses so that it allocates nothing once warm. One per thread; never shared.
class scratch {
 public:
  scratch();
  ~scratch();
  scratch(scratch&&) noexcept;
  scratch& operator=(scratch&&) noexcept;
  scratch(const scratch&) = delete;
  scratch& operator=(const scratch&) = delete;

  struct state;
  state& get() noexcept { return *state_; }

 private:
  std::unique_ptr<state> state_;
};

class responder {
 public:
  explicit responder(responder_options options);

  // Answers one query. `zones` is the snapshot the caller holds for the duration of the call.
  // `out` receives the response: it must hold at least 512 bytes for UDP and 65535 for TCP
  // (smaller buffers only make answers truncate sooner). Never throws on any input; never
  // allocates once `work` is warm.
  outcome respond(std::span<const std::uint8_t> query, const request_info& client,
                  const zones::zone_set& zones, scratch& work, std::span<std::uint8_t> out) const;

  const responder_options& options() const noexcept { return options_; }

  // The allow-transfer list that applies to the zone `origin`.
  const acl& transfer_acl(const dns::name& origin) const noexcept;
  const acl& transfer_acl(std::span<const std::uint8_t> origin_wire) const noexcept;

 private:
  bool notify_allowed(std::span<const std::uint8_t> qname, const request_info& client) const noexcept;
  bool secondary_unavailable(std::span<const std::uint8_t> qname,
                             const zones::zone_set& zones) const noexcept;
  const std::vector<std::uint8_t>* chaos_rdata(std::span<const std::uint8_t> qname) const noexcept;

  responder_options options_;
  // CH TXT rdata, encoded once (character-strings of at most 255 octets each).
  std::vector<std::uint8_t> version_rdata_;
  std::vector<std::uint8_t> identity_rdata_;
  std::vector<std::uint8_t> nsid_;  // the identity as an NSID payload (RFC 5001 §2.3)
};

}  // namespace dnskit::nameserver
