#pragma once
// RDATA in its canonical form: the uncompressed wire bytes, names in their original case.
// One field description per type (A, AAAA, NS, CNAME, DNAME, SOA, PTR, MX, TXT, SRV, NAPTR, CAA,
// HINFO, SSHFP, TLSA, DS, DNSKEY, RRSIG, NSEC, NSEC3, SVCB/HTTPS, ...) drives all four codecs:
// presentation -> canonical, canonical -> presentation, message (compressed) -> canonical,
// canonical -> message (wire_writer::write_rdata). Every other type is opaque and uses the
// RFC 3597 `\# len hex` presentation.
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <boost/container/small_vector.hpp>

#include "dnskit/dns/name.hpp"
#include "dnskit/dns/rr_type.hpp"
#include "dnskit/dns/wire.hpp"

namespace dnskit::dns {

// Canonical rdata octets, with std::vector's interface. Up to `rdata_inline_size` of them live
// inside the object: A and AAAA rdata (4 and 16 octets), and NS, CNAME, PTR or MX rdata whose name
// is short (ns1.example.com. is 17 octets), are decoded and copied without a heap block.
// Longer rdata goes to the heap as in a std::vector.
// (clang-tidy's exception-escape sees small_vector's noexcept move copy inline contents with
// assign(), which may allocate in general; here it never does: they fit the same inline room.)
inline constexpr std::size_t rdata_inline_size = 24;
class rdata_bytes  // NOLINT(bugprone-exception-escape)
    : public boost::container::small_vector<std::uint8_t, rdata_inline_size> {
 public:
  using small_vector::small_vector;

  // Boost 1.74's iterators are not C++20 contiguous iterators, so std::span cannot see by itself
  // that the octets are contiguous: these conversions say so.
  operator std::span<const std::uint8_t>() const noexcept { return {data(), size()}; }
  operator std::span<std::uint8_t>() noexcept { return {data(), size()}; }
};

// One token of presentation text. `text` is a view into the caller's source text with escapes
// left intact; for a quoted token it is the text between the quotes.
struct text_token {
  std::string_view text;
  bool quoted = false;
};

// Splits one line of presentation rdata into tokens (whitespace separated, "quoted strings",
// `;` starts a comment, `\X` escapes kept in the token). Parentheses are not handled here (the
// zone parser joins lines). A quote right after `=` inside a bare token (RFC 9460's
// `alpn="h2,h3"`) does not end the token: the quoted part, spaces included, stays in it.
// Errors: bad_string (an unterminated quote).
std::error_code tokenize(std::string_view line, std::vector<text_token>& out);

// Presentation -> canonical rdata. Relative names are completed with `origin`. On error, if
// `bad_token` is given it receives the index of the offending token (tokens.size() when a token
// is missing). Accepts the RFC 3597 generic form `\# len hex` for every type (and checks it
// against the type's layout); types without a layout accept only that form (bad_field).
// SvcParams (SVCB/HTTPS) take `key=value`, `key="value"` in one token, or `key=` followed by a
// quoted token. SOA timers accept TTL units ("1h"), RRSIG times YYYYMMDDHHmmSS or seconds.
std::error_code rdata_from_text(rr_type type, std::span<const text_token> tokens,
                                const name& origin, rdata_bytes& out,
                                std::size_t* bad_token = nullptr);
// Convenience for one line of text (tokenize + rdata_from_text).
std::error_code rdata_from_text(rr_type type, std::string_view text, const name& origin,
                                rdata_bytes& out);

// Canonical rdata -> presentation text (as dig/BIND print it; names with trailing dots).
// Types without a field description, and rdata that does not match its description, print in
// the RFC 3597 `\# len hex` form.
std::string rdata_to_text(rr_type type, std::span<const std::uint8_t> rdata);
void append_rdata_text(rr_type type, std::span<const std::uint8_t> rdata, std::string& out);

// Message -> canonical rdata: reads `rdlength` bytes at the reader's position, expanding
// compressed names of the types where RFC 3597 allows compression, and checks that the fields
// fill the rdata exactly. Errors: bad_rdata, short_read, and the name errors.
std::error_code rdata_from_wire(rr_type type, wire_reader& reader, std::size_t rdlength,
                                rdata_bytes& out);

// Checks that canonical rdata matches its type's layout (used on zone and test input).
std::error_code validate_rdata(rr_type type, std::span<const std::uint8_t> rdata);

// True for the types whose rdata names may be compressed in messages (RFC 3597 §4).
bool rdata_names_compressible(rr_type type) noexcept;

// Typed views of the rdata the tools need field by field. Each returns nothing when the rdata
// does not match the type's layout.
struct soa_fields {
  name mname, rname;
  std::uint32_t serial, refresh, retry, expire, minimum;
};
struct mx_fields {
  std::uint16_t preference;
  name exchange;
};
struct srv_fields {
  std::uint16_t priority, weight, port;
  name target;
};
std::optional<std::array<std::uint8_t, 4>> a_address(std::span<const std::uint8_t> rdata);
std::optional<std::array<std::uint8_t, 16>> aaaa_address(std::span<const std::uint8_t> rdata);
// The single name of NS, CNAME, DNAME and PTR rdata.
std::optional<name> rdata_name(std::span<const std::uint8_t> rdata);
std::optional<soa_fields> soa(std::span<const std::uint8_t> rdata);
std::optional<mx_fields> mx(std::span<const std::uint8_t> rdata);
std::optional<srv_fields> srv(std::span<const std::uint8_t> rdata);
// The character-strings of TXT (and SPF) rdata, unescaped.
std::optional<std::vector<std::string>> txt_strings(std::span<const std::uint8_t> rdata);

// Builders for the common cases (used by the server, the tools and tests).
rdata_bytes make_soa(const soa_fields& soa);
rdata_bytes make_name_rdata(const name& n);  // NS, CNAME, DNAME, PTR

}  // namespace dnskit::dns
