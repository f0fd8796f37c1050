#pragma once
// dns::name: an absolute domain name, kept in uncompressed wire form with its original case.
// Equality, hashing and ordering ignore ASCII case (RFC 4343); printing keeps it.
//
// A name is 48 bytes and keeps up to 47 wire octets inside itself, so copying, decoding or
// parsing such a name never touches the heap; longer ones (up to 255) take one heap block.
// 47 octets hold the names most lookups carry ("www.example.com." is 17, "_sip._tcp.example.com."
// 23, every in-addr.arpa name at most 30). Holding ip6.arpa names (74 octets) too would make
// every name, owner and record 32 bytes bigger (80-byte names); 64-byte names would add only
// the names of 48..63 octets, for 16 more bytes on each.
#include <compare>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <system_error>

#include "dnskit/dns/detail/name_storage.hpp"

namespace dnskit::dns {

class name {
 public:
  static constexpr std::size_t max_wire_size = 255;  // RFC 1035 §3.1
  static constexpr std::size_t max_label_size = 63;

  // The root name ".".
  name();

  // Parses presentation text: labels separated by dots, `\.` and `\DDD` escapes, `@` for the
  // origin. Text without a trailing dot is relative and is appended to `origin`. Errors:
  // errc::bad_escape, empty_label, label_too_long, name_too_long.
  static name from_text(std::string_view text, const name& origin, std::error_code& ec);
  static name from_text(std::string_view text, std::error_code& ec);  // origin = root
  static name from_text(std::string_view text);  // throws std::system_error

  // Builds a name from uncompressed wire bytes (a sequence of labels ending with the root label).
  // Errors: short_read, label_too_long, name_too_long, bad_label_type, trailing_data, and
  // bad_pointer for a compression pointer (not allowed here).
  static name from_wire(std::span<const std::uint8_t> wire, std::error_code& ec);

  // Reads a possibly compressed name from `message` at `offset`; on success `offset` moves past
  // the name as it is stored there (2 bytes for a pointer). Pointers must point strictly backwards
  // (before the start of the label sequence that contains them), so loops, self and forward
  // pointers are all bad_pointer; more than 128 hops is too_many_pointers. A length octet
  // 0b01xxxxxx (what a 64..127-octet label looks like) is label_too_long, 0b10xxxxxx is
  // bad_label_type. Errors: short_read, label_too_long, name_too_long, bad_label_type,
  // bad_pointer, too_many_pointers. No allocation besides the result's.
  static name read(std::span<const std::uint8_t> message, std::size_t& offset, std::error_code& ec);

  // Presentation form with the trailing dot ("www.example.", "." for the root), escaping
  // special characters (`.` `\` `"` `(` `)` `;` `@` `$` as `\X`, non-printables as `\DDD`).
  std::string to_text() const;
  void append_text(std::string& out) const;

  // Uncompressed wire form, original case.
  std::span<const std::uint8_t> wire() const noexcept { return {wire_.data(), wire_.size()}; }
  std::size_t wire_size() const noexcept { return wire_.size(); }

  // Number of labels, not counting the root label ("www.example." has 2, "." has 0).
  std::size_t label_count() const noexcept;
  // Label i, counted from the left, without its length byte.
  std::string_view label(std::size_t i) const noexcept;

  bool is_root() const noexcept { return wire_.size() == 1; }
  bool is_wildcard() const noexcept;  // leftmost label is "*"
  // True when this name equals `ancestor` or lies below it (case-insensitive).
  bool is_subdomain_of(const name& ancestor) const noexcept;

  // The name without its leftmost `n` labels (parent() == strip_left(1)); root stays root.
  name strip_left(std::size_t n = 1) const;
  name parent() const { return strip_left(1); }
  // `label` prepended to this name. Errors: label_too_long, name_too_long.
  name prepend(std::string_view label, std::error_code& ec) const;
  // This name's labels in front of `suffix`: ("www." relative) + origin. This name is taken
  // without its root label. Errors: name_too_long.
  name concat(const name& suffix, std::error_code& ec) const;
  // The same name with ASCII letters lowered (canonical form, RFC 4034 §6.2).
  name lowercase() const;

  // Case-insensitive comparisons. `<=>` is the canonical DNS order of RFC 4034 §6.1
  // (label by label from the right, lowercase octet comparison).
  friend bool operator==(const name& a, const name& b) noexcept;
  friend std::strong_ordering operator<=>(const name& a, const name& b) noexcept;
  // Exact comparison, case included (for tests that check 0x20 case preservation).
  bool identical(const name& other) const noexcept { return wire_ == other.wire_; }

  // Case-insensitive hash.
  std::size_t hash() const noexcept;

 private:
  detail::name_storage wire_;  // labels as on the wire, ending with the zero-length root label
};

// Case-insensitive comparison of two uncompressed wire names, canonical order (RFC 4034 §6.1).
std::strong_ordering canonical_compare(std::span<const std::uint8_t> a,
                                       std::span<const std::uint8_t> b) noexcept;

struct name_hash {
  std::size_t operator()(const name& n) const noexcept { return n.hash(); }
};

}  // namespace dnskit::dns

template <>
struct std::hash<dnskit::dns::name> {
  std::size_t operator()(const dnskit::dns::name& n) const noexcept { return n.hash(); }
};
