// CERT type and DNSSEC algorithm mnemonics (RFC 4398 §2.1, RFC 4034 Appendix A.1 and the IANA
// registry), the set BIND 9.18 knows: it reads them in any case and prints them in capitals.
#include <string_view>

#include "rdata_special.hpp"
#include "text_util.hpp"

namespace dnskit::dns::detail {
namespace {

struct mnemonic {
  std::uint16_t value;
  std::string_view text;
};

constexpr mnemonic cert_types[] = {
    {1, "PKIX"},   {2, "SPKI"},    {3, "PGP"},   {4, "IPKIX"}, {5, "ISPKI"},
    {6, "IPGP"},   {7, "ACPKIX"},  {8, "IACPKIX"}, {253, "URI"}, {254, "OID"},
};

constexpr mnemonic algorithms[] = {
    {1, "RSAMD5"},           {2, "DH"},          {3, "DSA"},          {5, "RSASHA1"},
    {6, "NSEC3DSA"},         {7, "NSEC3RSASHA1"}, {8, "RSASHA256"},    {10, "RSASHA512"},
    {12, "ECCGOST"},         {13, "ECDSAP256SHA256"}, {14, "ECDSAP384SHA384"}, {15, "ED25519"},
    {16, "ED448"},           {252, "INDIRECT"},  {253, "PRIVATEDNS"}, {254, "PRIVATEOID"},
};

template <std::size_t N>
bool parse(const mnemonic (&table)[N], std::string_view text, std::uint64_t max, std::uint64_t& out) {
  if (parse_uint(text, max, out)) return true;
  for (const auto& m : table) {
    if (iequals(m.text, text)) {
      out = m.value;
      return true;
    }
  }
  return false;
}

template <std::size_t N>
void append(const mnemonic (&table)[N], std::uint16_t value, std::string& out) {
  for (const auto& m : table) {
    if (m.value == value) {
      out += m.text;
      return;
    }
  }
  out += std::to_string(value);
}

}  // namespace

bool parse_cert_type(std::string_view text, std::uint16_t& out) {
  std::uint64_t v = 0;
  if (!parse(cert_types, text, 0xFFFF, v)) return false;
  out = static_cast<std::uint16_t>(v);
  return true;
}

void append_cert_type(std::uint16_t value, std::string& out) { append(cert_types, value, out); }

bool parse_dnssec_algorithm(std::string_view text, std::uint8_t& out) {
  std::uint64_t v = 0;
  if (!parse(algorithms, text, 0xFF, v)) return false;
  out = static_cast<std::uint8_t>(v);
  return true;
}

void append_dnssec_algorithm(std::uint8_t value, std::string& out) { append(algorithms, value, out); }

}  // namespace dnskit::dns::detail
