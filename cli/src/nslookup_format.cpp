#include "nslookup_format.hpp"

#include <array>
#include <cctype>
#include <cstdio>

#include "dnskit/dns/rdata.hpp"
#include "dnskit/resolver/idn.hpp"

namespace dnskit::cli {
namespace {

// BIND nslookup's rtypetext[] by type number (types from 42 on print as "rdata_N = ").
constexpr std::array<const char*, 42> labels = {
    "rtype_0 = ", "internet address = ", "nameserver = ", "md = ", "mf = ", "canonical name = ",
    "soa = ", "mb = ", "mg = ", "mr = ", "rtype_10 = ", "protocol = ", "name = ", "hinfo = ",
    "minfo = ", "mail exchanger = ", "text = ", "rp = ", "afsdb = ", "x25 address = ",
    "isdn address = ", "rt = ", "nsap = ", "nsap_ptr = ", "signature = ", "key = ", "px = ",
    "gpos = ", "has AAAA address ", "loc = ", "next = ", "rtype_31 = ", "rtype_32 = ",
    "service = ", "rtype_34 = ", "naptr = ", "kx = ", "cert = ", "v6 address = ", "dname = ",
    "rtype_40 = ", "optional = "};

// How many leading fields come before the hex or base64 tail BIND cuts into words.
int binary_tail_fields(dns::rr_type t, bool& hex) {
  hex = true;
  switch (t) {
    case dns::rr_type::sshfp: return 2;
    case dns::rr_type::ds:
    case dns::rr_type::cds:
    case dns::rr_type::tlsa:
    case dns::rr_type::smimea: return 3;
    case dns::rr_type::dnskey:
    case dns::rr_type::cdnskey: hex = false; return 3;
    case dns::rr_type::rrsig: hex = false; return 8;
    case dns::rr_type::openpgpkey: hex = false; return 0;
    default: return -1;
  }
}

std::string cut_words(std::string_view text, bool upper) {
  std::string joined;
  for (char c : text) {
    if (c == ' ') continue;
    joined += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
  }
  std::string out;
  for (std::size_t i = 0; i < joined.size(); i += 56) {
    if (i) out += ' ';
    out += joined.substr(i, 56);
  }
  return out;
}

// RFC 1876 §3 size/precision byte: mantissa * 10^exponent centimetres.
std::string loc_size(std::uint8_t v) {
  unsigned mantissa = v >> 4, exponent = v & 0x0f;
  unsigned long long cm = mantissa;
  for (unsigned i = 0; i < exponent && i < 9; ++i) cm *= 10;
  char buf[32];
  if (cm >= 100) std::snprintf(buf, sizeof buf, "%llum", cm / 100);
  else std::snprintf(buf, sizeof buf, "0.%02llum", cm);
  // BIND prints "10000m" but "0.00m"; metres with a fraction keep two digits.
  if (cm >= 100 && cm % 100) std::snprintf(buf, sizeof buf, "%llu.%02llum", cm / 100, cm % 100);
  return buf;
}

std::string loc_angle(std::uint32_t value, char pos, char neg) {
  // Thousandths of an arc second from 2^31 (RFC 1876 §3).
  constexpr std::uint32_t equator = 1u << 31;
  char hemisphere = value >= equator ? pos : neg;
  std::uint32_t off = value >= equator ? value - equator : equator - value;
  unsigned ms = off % 1000, total = off / 1000;
  unsigned sec = total % 60, min = (total / 60) % 60, deg = total / 3600;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%u %u %u.%03u %c", deg, min, sec, ms, hemisphere);
  return buf;
}

std::optional<std::string> loc_text(std::span<const std::uint8_t> r) {
  if (r.size() != 16 || r[0] != 0) return std::nullopt;
  auto u32 = [&](std::size_t at) {
    return (std::uint32_t{r[at]} << 24) | (std::uint32_t{r[at + 1]} << 16) |
           (std::uint32_t{r[at + 2]} << 8) | std::uint32_t{r[at + 3]};
  };
  long long alt_cm = static_cast<long long>(u32(12)) - 10000000LL;  // from 100,000 m below
  char alt[48];
  std::snprintf(alt, sizeof alt, "%s%lld.%02lldm", alt_cm < 0 ? "-" : "",
                (alt_cm < 0 ? -alt_cm : alt_cm) / 100, (alt_cm < 0 ? -alt_cm : alt_cm) % 100);
  return loc_angle(u32(4), 'N', 'S') + " " + loc_angle(u32(8), 'E', 'W') + " " + alt + " " +
         loc_size(r[1]) + " " + loc_size(r[2]) + " " + loc_size(r[3]);
}

void soa_lines(std::string& out, std::span<const std::uint8_t> rdata) {
  auto soa = dns::soa(rdata);
  if (!soa) {
    out += "\t" + dns::rdata_to_text(dns::rr_type::soa, rdata) + "\n";
    return;
  }
  out += "\torigin = " + display_name(soa->mname) + "\n";
  out += "\tmail addr = " + display_name(soa->rname) + "\n";
  out += "\tserial = " + std::to_string(soa->serial) + "\n";
  out += "\trefresh = " + std::to_string(soa->refresh) + "\n";
  out += "\tretry = " + std::to_string(soa->retry) + "\n";
  out += "\texpire = " + std::to_string(soa->expire) + "\n";
  out += "\tminimum = " + std::to_string(soa->minimum) + "\n";
}

}  // namespace

std::string display_name(const dns::name& n) {
  std::string text = n.to_text();
  if (text.size() > 1 && text.back() == '.') text.pop_back();
  if (auto u = resolver::to_unicode_name(text)) text += " (" + *u + ")";
  return text;
}

std::string type_label(dns::rr_type t) {
  auto v = static_cast<std::uint16_t>(t);
  if (v < labels.size()) return labels[v];
  return "rdata_" + std::to_string(v) + " = ";
}

std::string bind_rdata_text(dns::rr_type t, std::span<const std::uint8_t> rdata) {
  if (t == dns::rr_type::loc) {
    if (auto text = loc_text(rdata)) return *text;
  }
  std::string text = dns::rdata_to_text(t, rdata);
  if (text.rfind("\\#", 0) == 0) return text;
  bool hex = true;
  int fields = binary_tail_fields(t, hex);
  if (fields < 0) return text;
  std::size_t pos = 0;
  for (int i = 0; i < fields; ++i) {
    pos = text.find(' ', pos);
    if (pos == std::string::npos) return text;
    ++pos;
  }
  return text.substr(0, pos) + cut_words(std::string_view(text).substr(pos), hex);
}

void print_section(std::string& out, std::span<const dns::record> records, bool answer_section,
                   const style& st) {
  for (const dns::record& r : records) {
    if (answer_section && (r.type == dns::rr_type::a || r.type == dns::rr_type::aaaa)) {
      out += "Name:\t" + st.paint(role::name, display_name(r.owner)) + "\n";
      out += "Address: " + st.paint(role::address, dns::rdata_to_text(r.type, r.rdata)) + "\n";
    } else if (r.type == dns::rr_type::soa) {
      out += st.paint(role::name, display_name(r.owner)) + "\n";
      soa_lines(out, r.rdata);
    } else {
      std::string data = bind_rdata_text(r.type, r.rdata);
      if (r.type == dns::rr_type::a || r.type == dns::rr_type::aaaa) data = st.paint(role::address, data);
      out += st.paint(role::name, display_name(r.owner)) + "\t" + type_label(r.type) + data + "\n";
    }
  }
}

void print_detail(std::string& out, const dns::message& m) {
  out += "------------\n";
  out += "    QUESTIONS:\n";
  for (const dns::question& q : m.questions) {
    out += "\t" + display_name(q.qname) + ", type = " + dns::to_string(q.qtype) +
           ", class = " + dns::to_string(q.qclass) + "\n";
  }
  auto section = [&](const char* title, const std::vector<dns::record>& records) {
    out += title;
    for (const dns::record& r : records) {
      out += "    ->  " + display_name(r.owner) + "\n";
      if (r.type == dns::rr_type::soa) {
        soa_lines(out, r.rdata);
      } else {
        out += "\t" + type_label(r.type) + bind_rdata_text(r.type, r.rdata) + "\n";
      }
      out += "\tttl = " + std::to_string(r.ttl) + "\n";
    }
  };
  section("    ANSWERS:\n", m.answer);
  section("    AUTHORITY RECORDS:\n", m.authority);
  section("    ADDITIONAL RECORDS:\n", m.additional);
  out += "------------\n";
}

}  // namespace dnskit::cli
