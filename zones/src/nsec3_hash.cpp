// NSEC3 hashing (RFC 5155 §5) with OpenSSL's SHA-1. The SHA1_* functions are deprecated in
// OpenSSL 3 in favour of EVP, but EVP allocates a context on every digest; the query path hashes
// a few names per NXDOMAIN and must not allocate, so the plain functions are used here.
#define OPENSSL_SUPPRESS_DEPRECATED
#include "nsec3_hash.hpp"

#include <openssl/sha.h>

#include <cstring>

namespace dnskit::zones::detail {

void nsec3_sha1(std::span<const std::uint8_t> lower_wire, std::span<const std::uint8_t> salt,
                std::uint16_t iterations, std::uint8_t (&out)[nsec3_sha1_size]) noexcept {
  SHA_CTX ctx;
  SHA1_Init(&ctx);
  SHA1_Update(&ctx, lower_wire.data(), lower_wire.size());
  SHA1_Update(&ctx, salt.data(), salt.size());
  SHA1_Final(out, &ctx);
  for (unsigned k = 0; k < iterations; ++k) {
    SHA1_Init(&ctx);
    SHA1_Update(&ctx, out, nsec3_sha1_size);
    SHA1_Update(&ctx, salt.data(), salt.size());
    SHA1_Final(out, &ctx);
  }
}

void nsec3_label(const std::uint8_t (&hash)[nsec3_sha1_size],
                 std::uint8_t (&out)[nsec3_label_size]) noexcept {
  // RFC 4648 §7: 5 bits per character, "0123456789abcdefghijklmnopqrstuv" (lowercase, as owner
  // names are compared in canonical form); 160 bits make exactly 32 characters.
  static constexpr char digits[] = "0123456789abcdefghijklmnopqrstuv";
  std::size_t o = 0;
  for (std::size_t i = 0; i < nsec3_sha1_size; i += 5) {
    std::uint64_t v = 0;
    for (std::size_t k = 0; k < 5; ++k) v = (v << 8) | hash[i + k];
    for (int shift = 35; shift >= 0; shift -= 5)
      out[o++] = static_cast<std::uint8_t>(digits[(v >> shift) & 31]);
  }
}

}  // namespace dnskit::zones::detail
