#pragma once
// What the query processor needs to know about where a query came from: the transport and the
// client's address. Plain values, no socket types, so query processing stays a pure function
// that tests and fuzzers call without any I/O.
#include <array>
#include <cstddef>
#include <cstdint>

#include "dnskit/dns/name.hpp"

namespace dnskit::nameserver {

enum class transport : std::uint8_t { udp, tcp };

struct request_info {
  transport via = transport::udp;
  // IPv4 in the first 4 bytes (the rest zero) when !is_v6; IPv6 in network byte order otherwise.
  std::array<std::uint8_t, 16> address{};
  bool is_v6 = false;
  std::uint16_t port = 0;
  // TSIG (RFC 8945), set by respond_with_tsig (tsig_responder.hpp) for a request that verified:
  // the key it was signed with (an allow-transfer `key:NAME` entry admits it), and the octets
  // every answer must leave free for the TSIG record added after it.
  const dns::name* tsig_key = nullptr;
  std::size_t tsig_reserve = 0;

  static request_info v4(transport t, std::array<std::uint8_t, 4> a, std::uint16_t port = 0) noexcept {
    request_info r;
    r.via = t;
    for (std::size_t i = 0; i < 4; ++i) r.address[i] = a[i];
    r.port = port;
    return r;
  }
  static request_info v6(transport t, const std::array<std::uint8_t, 16>& a,
                         std::uint16_t port = 0) noexcept {
    request_info r;
    r.via = t;
    r.address = a;
    r.is_v6 = true;
    r.port = port;
    return r;
  }
};

}  // namespace dnskit::nameserver
