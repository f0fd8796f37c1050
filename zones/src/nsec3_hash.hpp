#pragma once
// The NSEC3 hash of a name (RFC 5155 §5) and its owner-name form (base32hex, RFC 4648 §7),
// private to zones/. SHA-1 comes from OpenSSL's libcrypto.
#include <cstddef>
#include <cstdint>
#include <span>

namespace dnskit::zones::detail {

inline constexpr std::size_t nsec3_sha1_size = 20;
inline constexpr std::size_t nsec3_label_size = 32;  // 20 octets in base32hex

// IH(salt, x, 0) = H(x || salt); IH(salt, x, k) = H(IH(salt, x, k - 1) || salt), with x the
// canonical (lowercase, uncompressed) wire name (RFC 5155 §5). Allocates nothing.
void nsec3_sha1(std::span<const std::uint8_t> lower_wire, std::span<const std::uint8_t> salt,
                std::uint16_t iterations, std::uint8_t (&out)[nsec3_sha1_size]) noexcept;

// The hash as the first label of an NSEC3 owner: lowercase base32hex without padding.
void nsec3_label(const std::uint8_t (&hash)[nsec3_sha1_size],
                 std::uint8_t (&out)[nsec3_label_size]) noexcept;

}  // namespace dnskit::zones::detail
