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

// RFC 3123 APL: zero or more "[!]afi:address/prefix" items. Address families 1 and 2 are
// checked (length, prefix, no trailing zero octet, §4); items of other families are kept but the
// rdata then prints in the generic form (BIND 9.18 does the same).
std::size_t apl_extent(std::span<const std::uint8_t> data, std::error_code& ec) noexcept;
std::error_code apl_from_text(std::span<const text_token> tokens, std::size_t& i, rdata_bytes& out);
bool append_apl_text(std::span<const std::uint8_t> data, std::string& out);

// RFC 4025 IPSECKEY: precedence, gateway type 0-3, algorithm, gateway (none ".", IPv4, IPv6, or an
// uncompressed name, §2.5), public key. BIND 9.18 wants a key, in text and on the wire.
std::size_t ipseckey_extent(std::span<const std::uint8_t> data, std::error_code& ec) noexcept;
std::error_code ipseckey_from_text(std::span<const text_token> tokens, std::size_t& i, const name& origin,
                                   rdata_bytes& out);
bool append_ipseckey_text(std::span<const std::uint8_t> data, std::string& out);

// RFC 8005 HIP: HIT length, PK algorithm, PK length, HIT, public key, rendezvous servers
// (uncompressed names, §5). Presentation "alg HIT-hex PK-base64 [rvs...]".
std::size_t hip_extent(std::span<const std::uint8_t> data, std::error_code& ec) noexcept;
std::error_code hip_from_text(std::span<const text_token> tokens, std::size_t& i, const name& origin,
                              rdata_bytes& out);
bool append_hip_text(std::span<const std::uint8_t> data, std::string& out);

// RFC 4398 §2.1 certificate types and the DNSSEC algorithm numbers (RFC 4034 App. A.1 and its
// registry) by the mnemonics BIND 9.18 reads and prints. Unknown values print as numbers.
bool parse_cert_type(std::string_view text, std::uint16_t& out);
void append_cert_type(std::uint16_t value, std::string& out);
bool parse_dnssec_algorithm(std::string_view text, std::uint8_t& out);
void append_dnssec_algorithm(std::uint8_t value, std::string& out);

}  // namespace dnskit::dns::detail
