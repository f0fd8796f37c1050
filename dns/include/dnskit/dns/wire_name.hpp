#pragma once
// Names as they lie in a message or in stored data, walked and compared without building a
// dns::name (nothing here allocates): for code on a query path that reads a name once (RFC 1035
// §3.1 labels, §4.1.4 compression; RFC 4343 case insensitivity). dns::name and dns::message use
// the same functions.
#include <cstddef>
#include <cstdint>
#include <span>
#include <system_error>

namespace dnskit::dns {

// Steps over the possibly compressed name that starts at `pos` in `message`, looking no further
// than `end`: its labels up to the root label or to the first compression pointer, which ends
// the name where it stands (its target is not followed). On success `pos` is just after the
// name. Errors: short_read, label_too_long and bad_label_type (length octets 0b01/0b10, RFC 6891
// §5), name_too_long (more than 255 octets).
std::error_code skip_name(std::span<const std::uint8_t> message, std::size_t end,
                          std::size_t& pos) noexcept;

// The length of the uncompressed name at the start of `data`, its root label included. Errors:
// short_read, label_too_long, name_too_long, bad_label_type, bad_pointer (a compression pointer,
// not allowed here: a question's name, stored rdata).
std::size_t name_extent(std::span<const std::uint8_t> data, std::error_code& ec) noexcept;

// Case-insensitive equality of two uncompressed wire names (ASCII letters only, RFC 4343 §3).
bool wire_names_equal(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) noexcept;

// True when the well-formed uncompressed name `name` equals `ancestor` or lies below it: its
// last labels are `ancestor`'s, compared case-insensitively.
bool wire_name_at_or_below(std::span<const std::uint8_t> name,
                           std::span<const std::uint8_t> ancestor) noexcept;

}  // namespace dnskit::dns
