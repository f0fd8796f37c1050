#pragma once
// Private: the field descriptions that drive every rdata codec (presentation in/out, wire in/out,
// validation). One row per type in rdata_table.cpp; the codecs in rdata_*.cpp only walk fields.
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <system_error>

#include "dnskit/dns/rr_type.hpp"

namespace dnskit::dns::detail {

enum class field : std::uint8_t {
  u8,
  u16,
  u32,
  ttl,              // u32 that also accepts TTL units on input ("1h30m"), as BIND does for SOA
  ipv4,
  ipv6,
  name_compressed,  // compressed in messages both ways (RFC 1035 types, RFC 3597 §4)
  name_in_only,     // decompressed when read, never compressed when written (RFC 3597 §4)
  name_plain,       // never compressed (RFC 4034 §3.1.7, §4.1.1; RFC 9460 §2.2)
  string,           // one <character-string>
  strings,          // one or more <character-string>s to the end (TXT)
  text_rest,        // the remaining octets as one quoted string (CAA value, URI target)
  caa_tag,          // u8 length + 1..255 letters/digits (RFC 8659 §4.1), printed bare
  base64,           // the remaining octets, base64 (split over tokens)
  hex,              // the remaining octets, hex (split over tokens)
  hex_len,          // u8 length + octets, hex, "-" when empty (NSEC3 salt, RFC 5155 §3.3)
  base32hex_len,    // u8 length + octets, base32hex (NSEC3 next hashed owner, RFC 5155 §3.3)
  type_bitmap,      // type bit maps to the end (RFC 4034 §4.1.2)
  time,             // u32 seconds, printed YYYYMMDDHHmmSS (RFC 4034 §3.2)
  type,             // u16 type, printed as a mnemonic (RRSIG type covered)
  svc_params,       // SvcParams to the end (RFC 9460 §2.2)
  eui48,            // 6 octets "xx-xx-xx-xx-xx-xx" (RFC 7043)
  eui64,            // 8 octets
  loc,              // the whole LOC rdata (RFC 1876), rdata_special.hpp
  apl,              // the whole APL rdata (RFC 3123), may be empty
  ipseckey,         // the whole IPSECKEY rdata (RFC 4025)
  hip,              // the whole HIP rdata (RFC 8005)
  cert_type,        // u16 printed as a mnemonic where there is one (RFC 4398 §2.1)
  algorithm,        // u8 DNSSEC algorithm printed as a mnemonic where there is one
};

struct rdata_descriptor {
  static constexpr std::size_t max_fields = 10;
  std::array<field, max_fields> fields{};
  std::uint8_t count = 0;
  // Some field is a name_compressed or name_in_only name, which a message may compress: only
  // then does the canonical form differ from the message's bytes.
  bool expands_names = false;
  std::span<const field> view() const noexcept { return {fields.data(), count}; }
};

// The description of `type`, or nullptr for types handled as opaque data (RFC 3597).
const rdata_descriptor* find_descriptor(rr_type type) noexcept;

// The size of field `f` at the start of `data` (canonical rdata), checking its content. Fields
// that run to the end take all of `data`. Sets `ec` (bad_rdata or a name error) on failure.
std::size_t field_extent(field f, std::span<const std::uint8_t> data, std::error_code& ec) noexcept;

inline bool is_name_field(field f) noexcept {
  return f == field::name_compressed || f == field::name_in_only || f == field::name_plain;
}

}  // namespace dnskit::dns::detail
