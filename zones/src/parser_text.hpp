#pragma once
// Presentation-format pieces the parser reads itself, on its hot path: TTLs, names straight into
// wire form, and the common RDATA forms (A, AAAA, NS/CNAME/PTR/DNAME, MX, TXT). Anything
// unusual (escapes, the RFC 3597 `\#` form, odd spacing of fields) is left to dns::rdata_from_text
// so that both paths always agree.
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <system_error>

#include "dnskit/dns/name.hpp"
#include "dnskit/dns/rdata.hpp"
#include "dnskit/dns/rr_type.hpp"

namespace dnskit::zones::detail {

// A name in uncompressed wire form in a fixed buffer (no allocation).
struct wire_name {
  std::array<std::uint8_t, dns::name::max_wire_size> bytes{};
  std::size_t size = 0;
  std::span<const std::uint8_t> view() const noexcept { return {bytes.data(), size}; }
};

// TTL as a number of seconds or with units, "1w2d3h4m5s": dns::ttl_from_text, so the TTL
// column, $TTL and the SOA timers of rdata follow one rule (BIND's: "1h30" is an error).
bool parse_ttl(std::string_view text, std::uint32_t& out) noexcept;

// Decimal number below or equal to `max`, digits only.
bool parse_number(std::string_view text, std::uint32_t max, std::uint32_t& out) noexcept;

// Presentation name (`@`, relative, absolute, escapes) -> wire form, completed with `origin`.
std::error_code name_to_wire(std::string_view text, const dns::name& origin, wire_name& out);

// Common type and class mnemonics first, then dns::rr_*_from_string.
bool lookup_type(std::string_view text, dns::rr_type& out) noexcept;
bool lookup_class(std::string_view text, dns::rr_class& out) noexcept;

enum class fast_outcome { done, fallback };
// RDATA of the common simple forms straight to canonical bytes. `fallback` means: not a form
// handled here (or invalid): use dns::rdata_from_text, which also produces the error.
fast_outcome fast_rdata(dns::rr_type type, std::span<const dns::text_token> tokens,
                        const dns::name& origin, dns::rdata_bytes& out);

}  // namespace dnskit::zones::detail
