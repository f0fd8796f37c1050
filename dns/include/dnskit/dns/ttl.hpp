#pragma once
// TTLs and the other time values of presentation format (SOA timers), read as BIND reads them
// (named-checkzone agrees): plain seconds ("5400"), or numbers each followed by a unit w, d, h, m
// or s in either case ("1h30m", "1W2D"). A number without a unit after one with a unit ("1h30")
// is an error, not seconds. The one reader for the zone parser's TTL column and $TTL and for
// dns::rdata_from_text.
#include <cstdint>
#include <string_view>

namespace dnskit::dns {

// False when `text` is not a TTL in that form or its value exceeds 2^32-1 seconds.
bool ttl_from_text(std::string_view text, std::uint32_t& out) noexcept;

}  // namespace dnskit::dns
