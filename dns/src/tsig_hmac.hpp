#pragma once
// Private: an incremental HMAC over OpenSSL's EVP_MAC (libcrypto), for TSIG (RFC 8945 §4.3).
// OpenSSL rather than our own: it is well kept, and its HMAC does not leak the secret through
// timing.
#include <cstddef>
#include <cstdint>
#include <span>

#include "dnskit/dns/tsig.hpp"

struct evp_mac_ctx_st;

namespace dnskit::dns::detail {

class hmac {
 public:
  // Starts a MAC with `secret`. ok() is false when OpenSSL refused (no such digest, out of
  // memory); every later call then does nothing and finish() gives an empty MAC.
  hmac(tsig::algorithm alg, std::span<const std::uint8_t> secret) noexcept;
  ~hmac();
  hmac(const hmac&) = delete;
  hmac& operator=(const hmac&) = delete;

  bool ok() const noexcept { return ctx_ != nullptr; }
  void update(std::span<const std::uint8_t> data) noexcept;
  void update_u16(std::uint16_t v) noexcept;
  void update_u32(std::uint32_t v) noexcept;
  void update_u48(std::uint64_t v) noexcept;
  tsig::mac_bytes finish() noexcept;

 private:
  evp_mac_ctx_st* ctx_ = nullptr;
};

// Constant-time equality of two equally long byte strings (CRYPTO_memcmp).
bool equal_in_constant_time(std::span<const std::uint8_t> a,
                            std::span<const std::uint8_t> b) noexcept;

}  // namespace dnskit::dns::detail
