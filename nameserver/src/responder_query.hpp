#pragma once
// A bounded, allocation-free reading of a query: the header, the one question (kept as a view
// of the client's bytes, so it is echoed exactly, 0x20 case included) and the EDNS0 OPT record.
// Only what answering needs is read; everything else is skipped with bounds checks.
#include <cstddef>
#include <cstdint>
#include <span>

namespace dnskit::nameserver::detail {

inline constexpr std::size_t header_size = 12;

struct query_view {
  // Header (RFC 1035 §4.1.1).
  std::uint16_t id = 0;
  std::uint8_t opcode = 0;
  bool qr = false, rd = false, cd = false;
  std::uint16_t qdcount = 0, ancount = 0, nscount = 0, arcount = 0;

  // The question (valid when has_question).
  bool has_question = false;
  std::span<const std::uint8_t> qname;     // uncompressed wire name, the client's case
  std::span<const std::uint8_t> question;  // qname + qtype + qclass as sent
  std::uint16_t qtype = 0;
  std::uint16_t qclass = 0;

  // The client's SOA in the authority section (an IXFR query, RFC 1995 §3): its serial.
  bool has_authority_soa = false;
  std::uint32_t authority_soa_serial = 0;

  // EDNS0 (RFC 6891 §6.1.2-3), valid when has_opt.
  bool has_opt = false;
  std::uint16_t udp_size = 0;
  std::uint8_t edns_version = 0;
  bool dnssec_ok = false;
  // Options we answer (valid when has_opt): an NSID request (RFC 5001 §2.3) and the COOKIE
  // option's data (RFC 7873 §4: client cookie, then the server cookie if any).
  bool nsid_requested = false;
  bool has_cookie = false;
  std::span<const std::uint8_t> cookie;
};

enum class parse_status : std::uint8_t {
  ok,
  drop,            // shorter than a header, or QR=1
  not_implemented, // opcode we do not implement (header read)
  bad_question,    // QDCOUNT != 1 or the question does not decode: FORMERR, header only
  bad_records,     // the question is fine, a later record or the OPT is not: FORMERR + question
  bad_cookie,      // all fine but a COOKIE option of a length RFC 7873 §5.2.2 forbids: FORMERR
};

inline constexpr std::size_t udp_minimum = 512;    // RFC 1035 §4.2.1, RFC 6891 §6.2.5
inline constexpr std::size_t tcp_maximum = 65535;  // RFC 1035 §4.2.2: a 16-bit length

// The largest answer to `q`: 65535 over TCP; over UDP the client's EDNS payload size clamped to
// [512, max_udp] when its OPT record can be trusted, 512 otherwise (RFC 6891 §6.2.3, §6.2.5).
std::size_t answer_limit(const query_view& q, bool opt_trusted, bool udp,
                         std::size_t max_udp) noexcept;

// Reads `wire`. Opcodes QUERY and NOTIFY are read further, others stop at not_implemented.
parse_status parse_query(std::span<const std::uint8_t> wire, query_view& out) noexcept;

// Names are compared with dns::wire_names_equal and dns::wire_name_at_or_below
// (dnskit/dns/wire_name.hpp).

}  // namespace dnskit::nameserver::detail
