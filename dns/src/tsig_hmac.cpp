#include "tsig_hmac.hpp"

#include <array>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

namespace dnskit::dns::detail {
namespace {

// The HMAC implementation is fetched once: fetching looks it up in OpenSSL's provider tables,
// which costs more than a short MAC. A fetched EVP_MAC may be shared between threads.
EVP_MAC* hmac_method() noexcept {
  static EVP_MAC* const method = EVP_MAC_fetch(nullptr, OSSL_MAC_NAME_HMAC, nullptr);
  return method;
}

const char* digest_name(tsig::algorithm alg) noexcept {
  switch (alg) {
    case tsig::algorithm::hmac_sha1: return "SHA1";
    case tsig::algorithm::hmac_sha256: return "SHA256";
    case tsig::algorithm::hmac_sha512: return "SHA512";
  }
  return "SHA256";
}

}  // namespace

hmac::hmac(tsig::algorithm alg, std::span<const std::uint8_t> secret) noexcept {
  EVP_MAC* method = hmac_method();
  if (method == nullptr || secret.empty()) return;
  ctx_ = EVP_MAC_CTX_new(method);
  if (ctx_ == nullptr) return;
  // OSSL_PARAM wants a mutable char*; OpenSSL only reads it.
  std::array<OSSL_PARAM, 2> params = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
                                       const_cast<char*>(digest_name(alg)),  // NOLINT
                                       0),
      OSSL_PARAM_construct_end()};
  if (EVP_MAC_init(ctx_, secret.data(), secret.size(), params.data()) != 1) {
    EVP_MAC_CTX_free(ctx_);
    ctx_ = nullptr;
  }
}

hmac::~hmac() { EVP_MAC_CTX_free(ctx_); }

void hmac::update(std::span<const std::uint8_t> data) noexcept {
  if (ctx_ != nullptr && !data.empty() && EVP_MAC_update(ctx_, data.data(), data.size()) != 1) {
    EVP_MAC_CTX_free(ctx_);
    ctx_ = nullptr;
  }
}

void hmac::update_u16(std::uint16_t v) noexcept {
  const std::array<std::uint8_t, 2> b = {static_cast<std::uint8_t>(v >> 8),
                                         static_cast<std::uint8_t>(v)};
  update(b);
}

void hmac::update_u32(std::uint32_t v) noexcept {
  const std::array<std::uint8_t, 4> b = {
      static_cast<std::uint8_t>(v >> 24), static_cast<std::uint8_t>(v >> 16),
      static_cast<std::uint8_t>(v >> 8), static_cast<std::uint8_t>(v)};
  update(b);
}

void hmac::update_u48(std::uint64_t v) noexcept {
  update_u16(static_cast<std::uint16_t>(v >> 32));
  update_u32(static_cast<std::uint32_t>(v));
}

tsig::mac_bytes hmac::finish() noexcept {
  tsig::mac_bytes out;
  if (ctx_ == nullptr) return out;
  std::size_t size = 0;
  if (EVP_MAC_final(ctx_, out.data.data(), &size, out.data.size()) == 1) out.size = size;
  EVP_MAC_CTX_free(ctx_);
  ctx_ = nullptr;
  return out;
}

bool equal_in_constant_time(std::span<const std::uint8_t> a,
                            std::span<const std::uint8_t> b) noexcept {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace dnskit::dns::detail
