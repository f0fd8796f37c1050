#pragma once
// Private helpers shared by the dns/ sources: ASCII case folding, numbers, and the binary-to-text
// encodings of presentation format (hex, base64, base32hex, character-strings).
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "dnskit/dns/rdata.hpp"

namespace dnskit::dns::detail {

// ASCII-only lowering (RFC 4343: DNS case insensitivity covers A-Z only).
inline constexpr std::array<std::uint8_t, 256> lower_table = [] {
  std::array<std::uint8_t, 256> t{};
  for (int i = 0; i < 256; ++i) {
    t[static_cast<std::size_t>(i)] =
        static_cast<std::uint8_t>(i >= 'A' && i <= 'Z' ? i + ('a' - 'A') : i);
  }
  return t;
}();

inline std::uint8_t lower(std::uint8_t c) noexcept { return lower_table[c]; }

// Lowers the ASCII letters of 8 bytes at once; bytes >= 0x80 are left alone.
inline std::uint64_t lower8(std::uint64_t x) noexcept {
  constexpr std::uint64_t high = 0x8080808080808080ULL;
  std::uint64_t heptets = x & ~high;
  std::uint64_t above_z = heptets + 0x2525252525252525ULL;  // bit 7 set when > 'Z'
  std::uint64_t from_a = heptets + 0x3F3F3F3F3F3F3F3FULL;   // bit 7 set when >= 'A'
  std::uint64_t upper = ~x & (from_a ^ above_z) & high;
  return x | (upper >> 2);
}

inline std::uint64_t load8(const std::uint8_t* p) noexcept {
  std::uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

// Case-insensitive equality of two equally long byte ranges.
inline bool iequal_bytes(const std::uint8_t* a, const std::uint8_t* b, std::size_t n) noexcept {
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    std::uint64_t x = load8(a + i), y = load8(b + i);
    if (x != y && lower8(x) != lower8(y)) return false;
  }
  for (; i < n; ++i) {
    if (a[i] != b[i] && lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

inline bool iequals(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() &&
         iequal_bytes(reinterpret_cast<const std::uint8_t*>(a.data()),  // NOLINT: byte view
                      reinterpret_cast<const std::uint8_t*>(b.data()), a.size());
}

inline std::span<const std::uint8_t> as_bytes(std::string_view s) noexcept {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

inline bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

// Unsigned decimal without sign or spaces, at most `max`. False on anything else.
bool parse_uint(std::string_view text, std::uint64_t max, std::uint64_t& out) noexcept;

// Binary-to-text encodings. Hex is printed uppercase (as BIND does); `split` inserts a space after
// every `split` output characters (0: never), which is how dig breaks long fields (56 characters).
void append_hex(std::span<const std::uint8_t> data, std::string& out, std::size_t split = 0);
void append_base64(std::span<const std::uint8_t> data, std::string& out, std::size_t split = 0);
void append_base32hex(std::span<const std::uint8_t> data, std::string& out);  // no padding

// Decoders append to `out`; they accept either case and reject anything malformed.
bool decode_hex(std::string_view text, dns::rdata_bytes& out);
bool decode_base64(std::string_view text, dns::rdata_bytes& out);
bool decode_base32hex(std::string_view text, dns::rdata_bytes& out);  // no padding

// Decodes the escapes of a presentation token (`\X` -> X, `\DDD` -> octet DDD) into `out`.
// Returns errc::bad_escape on a dangling backslash or a \DDD above 255.
std::error_code unescape(std::string_view text, std::string& out);

// A character-string as BIND prints it: quoted, `"` and `\` escaped, bytes outside 0x20-0x7E
// as \DDD.
void append_quoted(std::span<const std::uint8_t> data, std::string& out);

// The number of days from 1970-01-01 to the given civil date (proleptic Gregorian).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) noexcept;
void civil_from_days(std::int64_t z, std::int64_t& y, unsigned& m, unsigned& d) noexcept;

}  // namespace dnskit::dns::detail

namespace dnskit::dns::detail {

// Addresses in their usual text forms (IPv6 per RFC 5952, as inet_ntop prints them).
void append_ipv4(std::span<const std::uint8_t, 4> a, std::string& out);
void append_ipv6(std::span<const std::uint8_t, 16> a, std::string& out);
bool parse_ipv4(std::string_view text, std::uint8_t (&out)[4]);
bool parse_ipv6(std::string_view text, std::uint8_t (&out)[16]);

}  // namespace dnskit::dns::detail
