#pragma once
// Private: the rdata fields whose layout depends on their own content (LOC's version, APL's
// item lengths, IPSECKEY's gateway type, HIP's length octets), each as one whole-rdata field of
// the table. Every codec here has the three parts the table-driven ones have: the extent check
// of canonical rdata, presentation in, presentation out.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <system_error>

#include "dnskit/dns/name.hpp"
#include "dnskit/dns/rdata.hpp"

namespace dnskit::dns::detail {

// RFC 1876 LOC. Version 0 is 16 octets, checked as BIND 9.18 checks it (precision digits 0-9,
// latitude within 90 degrees, longitude within 180); any other version is kept as opaque octets
// and printed in the generic form (RFC 1876 §2: "must be zero", later versions unknown).
std::size_t loc_extent(std::span<const std::uint8_t> data, std::error_code& ec) noexcept;
std::error_code loc_from_text(std::span<const text_token> tokens, std::size_t& i, rdata_bytes& out);
bool append_loc_text(std::span<const std::uint8_t> data, std::string& out);

}  // namespace dnskit::dns::detail
