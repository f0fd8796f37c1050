#pragma once
// Server cookies as RFC 9018 §4 defines them: version 1, three reserved octets, a timestamp and
// SipHash-2-4 (through OpenSSL's EVP_MAC "SIPHASH") over client cookie | version | reserved |
// timestamp | client address, keyed with a server secret. One hasher per thread: it holds the
// OpenSSL context, made once, so computing and checking cookies allocates nothing.
#include <array>
#include <cstdint>
#include <span>
#include <string_view>

#include "dnskit/dns/edns_option.hpp"
#include "dnskit/nameserver/request.hpp"

struct evp_mac_ctx_st;

namespace dnskit::nameserver::detail {

using cookie_secret = std::array<std::uint8_t, dns::server_cookie_secret_size>;
using server_cookie = std::array<std::uint8_t, dns::server_cookie_size>;

class cookie_hasher {
 public:
  // Throws std::runtime_error when OpenSSL has no SipHash (a broken installation).
  cookie_hasher();
  ~cookie_hasher();
  cookie_hasher(const cookie_hasher&) = delete;
  cookie_hasher& operator=(const cookie_hasher&) = delete;

  // The server cookie for `client_cookie` (8 octets) from `client` at `timestamp`.
  server_cookie make(const cookie_secret& secret, std::span<const std::uint8_t> client_cookie,
                     const request_info& client, std::uint32_t timestamp) noexcept;

  // True when `cookie` is a version 1 server cookie this secret made for this client cookie and
  // address. The hash covers the reserved octets as received (RFC 9018 §4.2, Appendix A.3).
  // The timestamp is not judged here (see cookie_fresh).
  bool verify(const cookie_secret& secret, std::span<const std::uint8_t> client_cookie,
              std::span<const std::uint8_t> cookie, const request_info& client) noexcept;

 private:
  // SipHash-2-4 of client cookie | head (version, reserved, timestamp) | address into `hash`.
  bool hash(const cookie_secret& secret, std::span<const std::uint8_t> client_cookie,
            std::span<const std::uint8_t> head, const request_info& client,
            std::span<std::uint8_t> out) noexcept;

  evp_mac_ctx_st* ctx_ = nullptr;
};

// RFC 9018 §4.3: a cookie is accepted for an hour after its timestamp and up to five minutes
// before it (clock skew between servers sharing a secret), in serial number arithmetic
// (RFC 1982) so the 2106 wrap does not matter.
bool cookie_fresh(std::span<const std::uint8_t> cookie, std::uint32_t now) noexcept;

// Parses 32 hex digits into a secret; false for anything else.
bool parse_cookie_secret(std::string_view hex, cookie_secret& out) noexcept;

}  // namespace dnskit::nameserver::detail
