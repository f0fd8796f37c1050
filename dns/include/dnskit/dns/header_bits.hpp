#pragma once
// The bits of a message header (RFC 1035 §4.1.1; AD and CD: RFC 4035 §3.2) and the fields of the
// OPT record (RFC 6891 §6.1.2-3; DO: RFC 3225 §3) as they lie on the wire: the one place for
// code that reads or writes them in place (the server's query path, the resolver's query
// builder) and for dns::message's own codec. Anything beyond these fields is dns::message's job.
#include <cstddef>
#include <cstdint>
#include <span>

namespace dnskit::dns {

// Offsets in the 12-octet header.
struct header_offset {
  static constexpr std::size_t id = 0;
  static constexpr std::size_t flags = 2;  // two octets: flags_hi (QR..RD), flags_lo (RA..RCODE)
  static constexpr std::size_t qdcount = 4;
  static constexpr std::size_t ancount = 6;
  static constexpr std::size_t nscount = 8;
  static constexpr std::size_t arcount = 10;
};

// The third header octet:  | QR | OPCODE (4 bits) | AA | TC | RD |
struct flags_hi {
  static constexpr std::uint8_t qr = 0x80;
  static constexpr unsigned opcode_shift = 3;
  static constexpr std::uint8_t opcode_mask = 0x0f;  // after the shift
  static constexpr std::uint8_t aa = 0x04;
  static constexpr std::uint8_t tc = 0x02;
  static constexpr std::uint8_t rd = 0x01;
};

// The fourth header octet:  | RA | Z | AD | CD | RCODE (4 bits) |
struct flags_lo {
  static constexpr std::uint8_t ra = 0x80;
  static constexpr std::uint8_t z = 0x40;
  static constexpr std::uint8_t ad = 0x20;
  static constexpr std::uint8_t cd = 0x10;
  static constexpr std::uint8_t rcode_mask = 0x0f;
};

// The OPCODE of a flags_hi octet, and the flags_hi bits that carry an OPCODE.
constexpr std::uint8_t opcode_of(std::uint8_t hi) noexcept {
  return static_cast<std::uint8_t>((hi >> flags_hi::opcode_shift) & flags_hi::opcode_mask);
}
constexpr std::uint8_t opcode_bits(unsigned opcode) noexcept {
  return static_cast<std::uint8_t>((opcode & flags_hi::opcode_mask) << flags_hi::opcode_shift);
}

// The two flag octets as the 16-bit word a writer puts at header_offset::flags.
constexpr std::uint16_t flags_word(std::uint8_t hi, std::uint8_t lo) noexcept {
  return static_cast<std::uint16_t>((hi << 8) | lo);
}

// True when a datagram is long enough to be a message and has QR set (a response).
constexpr bool is_response(std::span<const std::uint8_t> message) noexcept {
  return message.size() >= 12 && (message[header_offset::flags] & flags_hi::qr) != 0;
}

// The OPT record after its owner (which must be the root, one zero octet): TYPE, then CLASS =
// the requester's UDP payload size, then TTL = extended RCODE (8 bits), VERSION (8 bits), flags
// (16 bits, DO the highest), then RDLENGTH and the options (RFC 6891 §6.1.2-3).
struct opt_offset {
  static constexpr std::size_t type = 0;
  static constexpr std::size_t payload_size = 2;
  static constexpr std::size_t extended_rcode = 4;
  static constexpr std::size_t version = 5;
  static constexpr std::size_t flags = 6;
  static constexpr std::size_t rdlength = 8;
  static constexpr std::size_t rdata = 10;
};
// The whole fixed part with the root owner: what an OPT without options takes.
inline constexpr std::size_t opt_fixed_size = 1 + opt_offset::rdata;

// RFC 3225 §3: DO is the top bit of the OPT record's 16 flag bits; the other 15 (Z) are zero
// when sent and ignored when received (RFC 6891 §6.1.4).
inline constexpr std::uint16_t edns_do_bit = 0x8000;
constexpr bool edns_dnssec_ok(std::uint16_t opt_flags) noexcept {
  return (opt_flags & edns_do_bit) != 0;
}
// The 16 flag bits with DO as given and the other bits from `z` (0 unless echoing a message).
constexpr std::uint16_t edns_flags(bool dnssec_ok, std::uint16_t z = 0) noexcept {
  return static_cast<std::uint16_t>((dnssec_ok ? edns_do_bit : 0) |
                                    (z & static_cast<std::uint16_t>(~edns_do_bit)));
}

}  // namespace dnskit::dns
