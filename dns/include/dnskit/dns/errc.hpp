#pragma once
// Error codes of the protocol core. Bad packets and bad presentation text are expected input:
// they are reported as these values, never as exceptions.
#include <string>
#include <system_error>

namespace dnskit::dns {

enum class errc {
  // wire format
  short_read = 1,          // the data ends inside a field (truncated header, counts beyond the data)
  label_too_long,          // a label longer than 63 octets
  name_too_long,           // a name longer than 255 octets (RFC 1035 §3.1)
  bad_label_type,          // label type 0b01/0b10 (RFC 6891 §5: extended labels are not supported)
  bad_pointer,             // a compression pointer that does not point strictly backwards
  too_many_pointers,       // more compression hops than a name can legitimately need
  bad_rdata,               // rdata that does not match its type's layout, or rdlength mismatch
  trailing_data,           // bytes after the last record the header counts
  opt_not_in_additional,   // an OPT record in the answer or authority section (RFC 6891 §6.1.1)
  multiple_opt,            // more than one OPT record (RFC 6891 §6.1.1)
  bad_opt_owner,           // OPT owner is not the root name
  too_many_records,        // a limit on the number of records was hit
  // presentation format
  bad_escape,              // a malformed \X or \DDD escape
  empty_label,             // two dots in a row, or a leading dot
  bad_number,              // an integer that does not parse or is out of range
  bad_address,             // an IPv4/IPv6 address that does not parse
  bad_base64,
  bad_hex,
  bad_string,              // a character-string longer than 255 octets or otherwise invalid
  unknown_type,            // a type mnemonic that is not known and not TYPEnnn
  unknown_class,
  missing_field,           // fewer tokens than the type's rdata needs
  extra_field,             // more tokens than the type's rdata takes
  bad_field,               // a token that does not fit its field (generic)
  // encoding
  no_space,                // the output buffer is full
};

const std::error_category& category() noexcept;

inline std::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), category()};
}

}  // namespace dnskit::dns

template <>
struct std::is_error_code_enum<dnskit::dns::errc> : std::true_type {};
