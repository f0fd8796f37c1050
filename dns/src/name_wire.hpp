#pragma once
// Private: scanning of uncompressed wire names inside larger buffers (canonical rdata, zone data).
#include <cstddef>
#include <cstdint>
#include <span>
#include <system_error>

namespace dnskit::dns::detail {

// Length of the uncompressed name at the start of `data` (labels up to and including the root
// label). Errors: short_read, label_too_long, name_too_long, bad_label_type, bad_pointer
// (compression is not allowed here).
std::size_t name_extent(std::span<const std::uint8_t> data, std::error_code& ec) noexcept;

// The error for a length octet with its top bits set (RFC 1035 §4.1.4, RFC 6891 §5).
std::error_code label_type_error(std::uint8_t length_octet) noexcept;

}  // namespace dnskit::dns::detail
