#include "dnskit/dns/rr_type.hpp"

#include <array>
#include <charconv>

#include "text_util.hpp"

namespace dnskit::dns {
namespace {

struct mnemonic {
  std::uint16_t value;
  std::string_view text;
};

// IANA "Resource Record (RR) TYPEs" registry, the entries BIND and Knot know by name.
constexpr mnemonic type_names[] = {
    {1, "A"},          {2, "NS"},        {3, "MD"},         {4, "MF"},          {5, "CNAME"},
    {6, "SOA"},        {7, "MB"},        {8, "MG"},         {9, "MR"},          {10, "NULL"},
    {11, "WKS"},       {12, "PTR"},      {13, "HINFO"},     {14, "MINFO"},      {15, "MX"},
    {16, "TXT"},       {17, "RP"},       {18, "AFSDB"},     {19, "X25"},        {20, "ISDN"},
    {21, "RT"},        {22, "NSAP"},     {23, "NSAP-PTR"},  {24, "SIG"},        {25, "KEY"},
    {26, "PX"},        {27, "GPOS"},     {28, "AAAA"},      {29, "LOC"},        {30, "NXT"},
    {31, "EID"},       {32, "NIMLOC"},   {33, "SRV"},       {34, "ATMA"},       {35, "NAPTR"},
    {36, "KX"},        {37, "CERT"},     {38, "A6"},        {39, "DNAME"},      {40, "SINK"},
    {41, "OPT"},       {42, "APL"},      {43, "DS"},        {44, "SSHFP"},      {45, "IPSECKEY"},
    {46, "RRSIG"},     {47, "NSEC"},     {48, "DNSKEY"},    {49, "DHCID"},      {50, "NSEC3"},
    {51, "NSEC3PARAM"}, {52, "TLSA"},    {53, "SMIMEA"},    {55, "HIP"},        {56, "NINFO"},
    {57, "RKEY"},      {58, "TALINK"},   {59, "CDS"},       {60, "CDNSKEY"},    {61, "OPENPGPKEY"},
    {62, "CSYNC"},     {63, "ZONEMD"},   {64, "SVCB"},      {65, "HTTPS"},      {99, "SPF"},
    {100, "UINFO"},    {101, "UID"},     {102, "GID"},      {103, "UNSPEC"},    {104, "NID"},
    {105, "L32"},      {106, "L64"},     {107, "LP"},       {108, "EUI48"},     {109, "EUI64"},
    {249, "TKEY"},     {250, "TSIG"},    {251, "IXFR"},     {252, "AXFR"},      {253, "MAILB"},
    {254, "MAILA"},    {255, "ANY"},     {256, "URI"},      {257, "CAA"},       {258, "AVC"},
    {259, "DOA"},      {260, "AMTRELAY"}, {261, "RESINFO"}, {32768, "TA"},      {32769, "DLV"},
};

constexpr mnemonic class_names[] = {
    {1, "IN"}, {3, "CH"}, {4, "HS"}, {254, "NONE"}, {255, "ANY"},
};
// Accepted on input only; BIND prints CH/HS.
constexpr mnemonic class_aliases[] = {{3, "CHAOS"}, {4, "HESIOD"}};

constexpr std::string_view opcode_names[] = {"QUERY",      "IQUERY",     "STATUS",
                                             "RESERVED3",  "NOTIFY",     "UPDATE", "DSO"};

constexpr std::string_view rcode_names[] = {
    "NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP",    "REFUSED",   "YXDOMAIN",
    "YXRRSET", "NXRRSET", "NOTAUTH",  "NOTZONE",  "RESERVED11", "RESERVED12", "RESERVED13",
    "RESERVED14", "RESERVED15", "BADVERS", "BADKEY", "BADTIME", "BADMODE", "BADNAME",
    "BADALG",  "BADTRUNC", "BADCOOKIE"};

template <std::size_t N>
std::string_view find_text(const mnemonic (&table)[N], std::uint16_t value) noexcept {
  for (const auto& m : table) {
    if (m.value == value) return m.text;
  }
  return {};
}

template <std::size_t N>
std::optional<std::uint16_t> find_value(const mnemonic (&table)[N], std::string_view text) noexcept {
  for (const auto& m : table) {
    if (detail::iequals(m.text, text)) return m.value;
  }
  return std::nullopt;
}

// "TYPE123" / "CLASS123" (RFC 3597 §5): the prefix, then 1-5 decimal digits up to 65535.
std::optional<std::uint16_t> generic_number(std::string_view text, std::string_view prefix) noexcept {
  if (text.size() <= prefix.size() || !detail::iequals(text.substr(0, prefix.size()), prefix)) {
    return std::nullopt;
  }
  std::string_view digits = text.substr(prefix.size());
  if (digits.size() > 5) return std::nullopt;
  unsigned value = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  if (value > 0xFFFF) return std::nullopt;
  return static_cast<std::uint16_t>(value);
}

}  // namespace

std::string to_string(rr_type t) {
  auto v = static_cast<std::uint16_t>(t);
  if (auto text = find_text(type_names, v); !text.empty()) return std::string(text);
  return "TYPE" + std::to_string(v);
}

std::string to_string(rr_class c) {
  auto v = static_cast<std::uint16_t>(c);
  if (auto text = find_text(class_names, v); !text.empty()) return std::string(text);
  return "CLASS" + std::to_string(v);
}

std::string to_string(opcode o) {
  auto v = static_cast<std::size_t>(o);
  if (v < std::size(opcode_names)) return std::string(opcode_names[v]);
  return std::to_string(v);
}

std::string to_string(rcode r) {
  auto v = static_cast<std::size_t>(r);
  if (v < std::size(rcode_names)) return std::string(rcode_names[v]);
  return "RCODE" + std::to_string(v);
}

std::optional<rr_type> rr_type_from_string(std::string_view text) noexcept {
  if (auto v = find_value(type_names, text)) return static_cast<rr_type>(*v);
  if (auto v = generic_number(text, "TYPE")) return static_cast<rr_type>(*v);
  return std::nullopt;
}

std::optional<rr_class> rr_class_from_string(std::string_view text) noexcept {
  if (auto v = find_value(class_names, text)) return static_cast<rr_class>(*v);
  if (auto v = find_value(class_aliases, text)) return static_cast<rr_class>(*v);
  if (auto v = generic_number(text, "CLASS")) return static_cast<rr_class>(*v);
  return std::nullopt;
}

bool is_meta_type(rr_type t) noexcept {
  auto v = static_cast<std::uint16_t>(t);
  return v == 41 || (v >= 128 && v <= 255);  // OPT and the RFC 6895 §3.1 Q/meta range
}

}  // namespace dnskit::dns
