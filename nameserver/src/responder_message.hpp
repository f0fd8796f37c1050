#pragma once
// Builds one response message in place in the caller's buffer: header, echoed question, whole
// RRsets section by section with rollback when one does not fit, and the OPT record, whose room
// is reserved from the start so it is never the part that is dropped (RFC 6891 §7).
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "dnskit/dns/edns_option.hpp"
#include "dnskit/dns/header_bits.hpp"
#include "dnskit/dns/rr_type.hpp"
#include "dnskit/dns/wire.hpp"
#include "dnskit/zones/zone.hpp"
#include "responder_query.hpp"

namespace dnskit::nameserver::detail {

enum class section : std::uint8_t { answer = 0, authority = 1, additional = 2 };

inline constexpr std::size_t opt_record_size = dns::opt_fixed_size;  // an OPT without options

struct opt_reply {
  bool present = false;
  std::uint16_t payload = 1232;  // our size (RFC 6891 §6.2.5)
  std::uint8_t extended_rcode = 0;
  bool dnssec_ok = false;
  // Options, each written when set: NSID (RFC 5001 §2.3), COOKIE (RFC 7873 §4: the client's
  // cookie and our server cookie), Extended DNS Error without text (RFC 8914 §2).
  std::span<const std::uint8_t> nsid;
  bool has_nsid = false;
  std::array<std::uint8_t, dns::client_cookie_size + dns::server_cookie_size> cookie{};
  bool has_cookie = false;
  std::uint16_t extended_error = 0;
  bool has_extended_error = false;

  // Size of the OPT record with these options.
  std::size_t wire_size() const noexcept;
};

class message_writer {
 public:
  // Writes at most `limit` bytes of `out` (and never past its end), keeping room for an OPT
  // record when `opt.present`. The header is written at once (ID, opcode, RD and CD copied from
  // the query, QR set); counts and the other flags are set by finish().
  message_writer(std::span<std::uint8_t> out, std::size_t limit, const query_view& q,
                 const opt_reply& opt) noexcept;

  // Echoes the question as the client sent it; false if it does not fit. With `as_target` the
  // question's name is a compression target, so answers owned by it take the client's case, as
  // usual; a zone transfer passes false so the zone's names keep their own case.
  bool question(const query_view& q, bool as_target = true) noexcept;

  std::size_t mark() const noexcept { return writer_.size(); }
  // Takes back everything after `mark`, counts included.
  void rollback(std::size_t mark, std::uint16_t answer, std::uint16_t authority,
                std::uint16_t additional) noexcept;

  // Appends one record to `s`; false (and nothing written) if it does not fit.
  bool add(section s, const zones::record_ref& r) noexcept;
  // Appends one record with an explicit owner wire name (e.g. the question's name).
  bool add(section s, std::span<const std::uint8_t> owner, dns::rr_type type,
           dns::rr_class klass, std::uint32_t ttl, std::span<const std::uint8_t> rdata) noexcept;

  std::uint16_t count(section s) const noexcept { return counts_[static_cast<int>(s)]; }

  // Writes the flags, rcode (low 4 bits; the upper ones go in the OPT), counts and the OPT
  // record. Returns the message size.
  std::size_t finish(bool aa, bool tc, std::uint8_t rcode_low) noexcept;

 private:
  std::span<std::uint8_t> out_;
  dns::wire_writer writer_;
  opt_reply opt_;
  std::uint16_t qdcount_ = 0;
  std::uint16_t counts_[3] = {0, 0, 0};
  std::uint8_t flags_hi_ = 0;  // QR, opcode, RD
  bool cd_ = false;
};

}  // namespace dnskit::nameserver::detail
