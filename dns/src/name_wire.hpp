#pragma once
// Private: scanning of uncompressed wire names inside larger buffers (canonical rdata, zone data).
#include <cstddef>
#include <cstdint>
#include <span>
#include <system_error>

#include "dnskit/dns/wire_name.hpp"

namespace dnskit::dns::detail {

// Length of the uncompressed name at the start of `data` (dnskit/dns/wire_name.hpp).
using dns::name_extent;

// The error for a length octet with its top bits set (RFC 1035 §4.1.4, RFC 6891 §5).
std::error_code label_type_error(std::uint8_t length_octet) noexcept;

}  // namespace dnskit::dns::detail
