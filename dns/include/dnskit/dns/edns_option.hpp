#pragma once
// EDNS0 option codes and layouts (RFC 6891 §6.1.2: OPT rdata is a list of {code, length, data}),
// the one place the server and the tests take them from.
#include <cstddef>
#include <cstdint>

namespace dnskit::dns {

// IANA "DNS EDNS0 Option Codes (OPT)".
enum class edns_option_code : std::uint16_t {
  nsid = 3,             // RFC 5001
  cookie = 10,          // RFC 7873
  extended_error = 15,  // RFC 8914
};

// Every option starts with a 2-octet code and a 2-octet length (RFC 6891 §6.1.2).
inline constexpr std::size_t edns_option_header_size = 4;

// RFC 7873 §4: a COOKIE option holds an 8-octet client cookie, optionally followed by a server
// cookie of 8 to 32 octets; any other length is malformed (§5.2.2: FORMERR).
inline constexpr std::size_t client_cookie_size = 8;
inline constexpr std::size_t server_cookie_min_size = 8;
inline constexpr std::size_t server_cookie_max_size = 32;

// RFC 9018 §4: the interoperable server cookie: version (1 octet, 1), reserved (3 octets, 0),
// timestamp (4 octets, seconds since the epoch), hash (8 octets, SipHash-2-4).
inline constexpr std::uint8_t server_cookie_version = 1;
inline constexpr std::size_t server_cookie_size = 16;
inline constexpr std::size_t server_cookie_hash_size = 8;
inline constexpr std::size_t server_cookie_secret_size = 16;  // a SipHash key

// RFC 8914 §4: the INFO-CODE of an Extended DNS Error option (2 octets, then optional text).
enum class extended_error : std::uint16_t {
  other = 0,
  not_authoritative = 20,  // §4.21
  not_supported = 21,      // §4.22
};
inline constexpr std::size_t extended_error_min_size = 2;

}  // namespace dnskit::dns
