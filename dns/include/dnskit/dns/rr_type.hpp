#pragma once
// RR types, classes, opcodes and rcodes as open enums: any 16-bit value is valid, the named ones
// are the IANA registry's mnemonics, others print as TYPEnnn / CLASSnnn (RFC 3597 §5).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace dnskit::dns {

enum class rr_type : std::uint16_t {
  a = 1, ns = 2, md = 3, mf = 4, cname = 5, soa = 6, mb = 7, mg = 8, mr = 9, null_ = 10, wks = 11,
  ptr = 12, hinfo = 13, minfo = 14, mx = 15, txt = 16, rp = 17, afsdb = 18, x25 = 19, isdn = 20,
  rt = 21, nsap = 22, nsap_ptr = 23, sig = 24, key = 25, px = 26, gpos = 27, aaaa = 28, loc = 29,
  nxt = 30, srv = 33, naptr = 35, kx = 36, cert = 37, a6 = 38, dname = 39, opt = 41, apl = 42,
  ds = 43, sshfp = 44, ipseckey = 45, rrsig = 46, nsec = 47, dnskey = 48, dhcid = 49, nsec3 = 50,
  nsec3param = 51, tlsa = 52, smimea = 53, hip = 55, cds = 59, cdnskey = 60, openpgpkey = 61,
  csync = 62, zonemd = 63, svcb = 64, https = 65, spf = 99, eui48 = 108, eui64 = 109, tkey = 249,
  tsig = 250, ixfr = 251, axfr = 252, mailb = 253, maila = 254, any = 255, uri = 256, caa = 257,
};

enum class rr_class : std::uint16_t { in = 1, ch = 3, hs = 4, none = 254, any = 255 };

enum class opcode : std::uint8_t { query = 0, iquery = 1, status = 2, notify = 4, update = 5 };

// 12-bit response code: the header's 4 bits plus the 8 upper bits from EDNS (RFC 6891 §6.1.3).
enum class rcode : std::uint16_t {
  noerror = 0, formerr = 1, servfail = 2, nxdomain = 3, notimp = 4, refused = 5, yxdomain = 6,
  yxrrset = 7, nxrrset = 8, notauth = 9, notzone = 10, badvers = 16,
};

// "A", "AAAA", ... or "TYPE65280" for types without a mnemonic.
std::string to_string(rr_type t);
// "IN", "CH", ... or "CLASS42".
std::string to_string(rr_class c);
// "QUERY", "IQUERY", "STATUS", "NOTIFY", "UPDATE", "DSO" (RESERVED3 for 3), or the number.
std::string to_string(opcode o);
// "NOERROR", "NXDOMAIN", "BADVERS", ... "BADCOOKIE" (23), or "RCODE24" for the rest.
std::string to_string(rcode r);

// Case-insensitive mnemonic or TYPEnnn / CLASSnnn. Empty when the text is neither.
std::optional<rr_type> rr_type_from_string(std::string_view text) noexcept;
std::optional<rr_class> rr_class_from_string(std::string_view text) noexcept;

// Meta-types (RFC 6895 §3.1: OPT, TKEY, TSIG, IXFR, AXFR, MAILB, MAILA, ANY) never appear in zones.
bool is_meta_type(rr_type t) noexcept;

}  // namespace dnskit::dns
