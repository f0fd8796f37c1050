// RFC 9018 server cookies over OpenSSL's SipHash-2-4.
#include "server_cookie.hpp"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <stdexcept>
#include <string_view>

namespace dnskit::nameserver::detail {

namespace {

// RFC 9018 §4.4: a cookie is valid for one hour after it was made, and a timestamp up to five
// minutes in the future is tolerated.
constexpr std::uint32_t cookie_lifetime = 3600;
constexpr std::uint32_t cookie_future_slack = 300;

std::uint32_t load_u32(std::span<const std::uint8_t> w, std::size_t at) noexcept {
  return (std::uint32_t{w[at]} << 24) | (std::uint32_t{w[at + 1]} << 16) |
         (std::uint32_t{w[at + 2]} << 8) | w[at + 3];
}

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

cookie_hasher::cookie_hasher() {
  EVP_MAC* mac = EVP_MAC_fetch(nullptr, "SIPHASH", nullptr);
  if (mac != nullptr) ctx_ = EVP_MAC_CTX_new(mac);
  EVP_MAC_free(mac);  // the context keeps its own reference
  // RFC 9018 §4.4 uses the 64-bit output (OpenSSL's default is 128) and 2-4 rounds (its default).
  std::size_t size = dns::server_cookie_hash_size;
  const OSSL_PARAM params[] = {OSSL_PARAM_construct_size_t(OSSL_MAC_PARAM_SIZE, &size),
                               OSSL_PARAM_construct_end()};
  if (ctx_ == nullptr || EVP_MAC_CTX_set_params(ctx_, params) != 1) {
    EVP_MAC_CTX_free(ctx_);
    throw std::runtime_error("OpenSSL provides no SIPHASH MAC (needed for DNS cookies)");
  }
}

cookie_hasher::~cookie_hasher() { EVP_MAC_CTX_free(ctx_); }

bool cookie_hasher::hash(const cookie_secret& secret, std::span<const std::uint8_t> client_cookie,
                         std::span<const std::uint8_t> head, const request_info& client,
                         std::span<std::uint8_t> out) noexcept {
  // RFC 9018 §4.4: Hash = SipHash-2-4(Client Cookie | Version | Reserved | Timestamp | Client-IP,
  // Server Secret), the address as 4 or 16 octets in network order.
  const std::size_t address_size = client.is_v6 ? 16 : 4;
  std::size_t written = 0;
  return EVP_MAC_init(ctx_, secret.data(), secret.size(), nullptr) == 1 &&
         EVP_MAC_update(ctx_, client_cookie.data(), client_cookie.size()) == 1 &&
         EVP_MAC_update(ctx_, head.data(), head.size()) == 1 &&
         EVP_MAC_update(ctx_, client.address.data(), address_size) == 1 &&
         EVP_MAC_final(ctx_, out.data(), &written, out.size()) == 1 && written == out.size();
}

server_cookie cookie_hasher::make(const cookie_secret& secret,
                                  std::span<const std::uint8_t> client_cookie,
                                  const request_info& client, std::uint32_t timestamp) noexcept {
  server_cookie out{};
  out[0] = dns::server_cookie_version;  // out[1..3]: reserved, zero (RFC 9018 §4.2)
  out[4] = static_cast<std::uint8_t>(timestamp >> 24);
  out[5] = static_cast<std::uint8_t>(timestamp >> 16);
  out[6] = static_cast<std::uint8_t>(timestamp >> 8);
  out[7] = static_cast<std::uint8_t>(timestamp);
  const std::span<std::uint8_t> whole(out);
  if (!hash(secret, client_cookie, whole.first(8), client, whole.subspan(8))) {
    out[0] = 0;  // never a valid version 1 cookie: the client learns a new one next time
  }
  return out;
}

bool cookie_hasher::verify(const cookie_secret& secret,
                           std::span<const std::uint8_t> client_cookie,
                           std::span<const std::uint8_t> cookie,
                           const request_info& client) noexcept {
  if (cookie.size() != dns::server_cookie_size || cookie[0] != dns::server_cookie_version) {
    return false;
  }
  std::array<std::uint8_t, dns::server_cookie_hash_size> expected{};
  if (!hash(secret, client_cookie, cookie.first(8), client, expected)) return false;
  // Constant time, so the hash cannot be learnt byte by byte from response times.
  return CRYPTO_memcmp(expected.data(), cookie.data() + 8, expected.size()) == 0;
}

bool cookie_fresh(std::span<const std::uint8_t> cookie, std::uint32_t now) noexcept {
  if (cookie.size() < 8) return false;
  const std::uint32_t age = now - load_u32(cookie, 4);  // wraps like RFC 1982 serials
  return age <= cookie_lifetime || (0u - age) <= cookie_future_slack;
}

bool parse_cookie_secret(std::string_view hex, cookie_secret& out) noexcept {
  if (hex.size() != 2 * out.size()) return false;
  for (std::size_t i = 0; i < out.size(); ++i) {
    const int hi = hex_value(hex[2 * i]), lo = hex_value(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    out[i] = static_cast<std::uint8_t>((hi << 4) | lo);
  }
  return true;
}

}  // namespace dnskit::nameserver::detail
