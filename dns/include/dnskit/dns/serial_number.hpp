#pragma once
// Serial number arithmetic (RFC 1982) on 32-bit SOA serials: which of two versions of a zone is
// the newer, across the wrap from 4294967295 to 0.
#include <cstdint>

namespace dnskit::dns {

// RFC 1982 §3.2: `a` is newer than `b` when it lies less than 2^31 ahead of it. Two serials
// exactly 2^31 apart are not ordered (neither is newer).
constexpr bool serial_newer(std::uint32_t a, std::uint32_t b) noexcept {
  const std::uint32_t d = a - b;
  return d != 0 && d < 0x80000000u;
}

}  // namespace dnskit::dns
