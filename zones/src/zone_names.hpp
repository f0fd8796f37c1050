#pragma once
// Small helpers over uncompressed wire names (private to zones/). Length octets are at most 63,
// below 'A', so lowercasing a whole wire name byte by byte never touches them.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

namespace dnskit::zones::detail {

inline std::uint8_t lower_byte(std::uint8_t c) noexcept {
  return (c >= 'A' && c <= 'Z') ? static_cast<std::uint8_t>(c + 32) : c;
}

inline void lower_copy(std::span<const std::uint8_t> in, std::uint8_t* out) noexcept {
  for (std::size_t i = 0; i < in.size(); ++i) out[i] = lower_byte(in[i]);
}

// Case-sensitive hash of a (lowercased) wire name: 8 bytes at a time, then a final mix.
inline std::uint32_t name_hash(std::span<const std::uint8_t> w) noexcept {
  std::uint64_t h = 0x9e3779b97f4a7c15ull ^ w.size();
  std::size_t i = 0;
  for (; i + 8 <= w.size(); i += 8) {
    std::uint64_t v;
    std::memcpy(&v, w.data() + i, 8);
    h = (h ^ v) * 0xff51afd7ed558ccdull;
    h ^= h >> 32;
  }
  std::uint64_t tail = 0;
  for (std::size_t k = 0; i < w.size(); ++i, ++k) tail |= std::uint64_t{w[i]} << (8 * k);
  h = (h ^ tail) * 0xc4ceb9fe1a85ec53ull;
  h ^= h >> 29;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 32;
  return static_cast<std::uint32_t>(h);
}

// Number of labels (root not counted) of a valid wire name.
inline std::size_t label_count(std::span<const std::uint8_t> w) noexcept {
  std::size_t n = 0, off = 0;
  while (off < w.size() && w[off] != 0) {
    off += 1u + w[off];
    ++n;
  }
  return n;
}

// The name without its first label.
inline std::span<const std::uint8_t> parent_of(std::span<const std::uint8_t> w) noexcept {
  if (w.empty() || w[0] == 0) return w;
  return w.subspan(1u + w[0]);
}

// True when `w` (lowercase) is `ancestor` (lowercase) or below it, label-aligned.
inline bool is_at_or_below(std::span<const std::uint8_t> w,
                           std::span<const std::uint8_t> ancestor) noexcept {
  if (w.size() < ancestor.size()) return false;
  std::size_t off = 0;
  const std::size_t start = w.size() - ancestor.size();
  while (off < start) off += 1u + w[off];
  return off == start && std::memcmp(w.data() + start, ancestor.data(), ancestor.size()) == 0;
}

inline bool equal_ignore_case(std::span<const std::uint8_t> a,
                              std::span<const std::uint8_t> b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (lower_byte(a[i]) != lower_byte(b[i])) return false;
  return true;
}

// Offset of the embedded domain name in rdata of the types whose additional-section processing
// or checks need it (NS, CNAME, DNAME, PTR: 0; MX: 2; SRV: 6), or -1.
inline int target_offset(std::uint16_t type) noexcept {
  switch (type) {
    case 2: case 5: case 12: case 39: return 0;  // NS CNAME PTR DNAME
    case 15: return 2;                           // MX
    case 33: return 6;                           // SRV
    default: return -1;
  }
}

// The wire name inside canonical rdata at `offset` (validated rdata: well-formed), or empty.
inline std::span<const std::uint8_t> embedded_name(std::span<const std::uint8_t> rdata,
                                                   std::size_t offset) noexcept {
  std::size_t off = offset;
  while (off < rdata.size()) {
    const std::uint8_t len = rdata[off];
    if (len == 0) return rdata.subspan(offset, off + 1 - offset);
    if (len > 63) return {};
    off += 1u + len;
  }
  return {};
}

}  // namespace dnskit::zones::detail
