// dig-style presentation of a message. The layout follows what BIND 9.18's dig prints, checked
// against real dig output: tab stops every 8 columns, TTL at column 24, class at 32, type at 40,
// rdata at 48, at least one space between fields; EDNS options in dig's wording.
#include "dnskit/dns/print.hpp"

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "dnskit/dns/rdata.hpp"
#include "dnskit/dns/rr_type.hpp"

namespace dnskit::dns {
namespace {

constexpr std::size_t tab_width = 8;
constexpr std::size_t ttl_column = 24, class_column = 32, type_column = 40, rdata_column = 48;

// Appends text and keeps track of the column, so fields can be aligned on tab stops.
class line_writer {
 public:
  explicit line_writer(std::string& out) : out_(out) {}

  void text(std::string_view s) {
    out_ += s;
    column_ += s.size();
  }
  // Moves to `to` with tabs, then spaces; always at least one character of separation.
  void align(std::size_t to) {
    if (to < column_ + 1) to = column_ + 1;
    std::size_t from = column_;
    const std::size_t tabs = to / tab_width - from / tab_width;
    if (tabs > 0) {
      out_.append(tabs, '\t');
      from = (to / tab_width) * tab_width;
    }
    out_.append(to - from, ' ');
    column_ = to;
  }
  void end() {
    out_ += '\n';
    column_ = 0;
  }

 private:
  std::string& out_;
  std::size_t column_ = 0;
};

std::string_view opcode_text(opcode op) {
  static constexpr std::array<std::string_view, 16> names = {
      "QUERY",     "IQUERY",    "STATUS",     "RESERVED3",  "NOTIFY",     "UPDATE",
      "RESERVED6", "RESERVED7", "RESERVED8",  "RESERVED9",  "RESERVED10", "RESERVED11",
      "RESERVED12", "RESERVED13", "RESERVED14", "RESERVED15"};
  return names[static_cast<unsigned>(op) & 0x0fu];
}

// dig's status names: the header rcodes, the EDNS ones it knows, "?N" for the rest.
std::string rcode_text(rcode r) {
  static constexpr std::array<std::string_view, 16> low = {
      "NOERROR",    "FORMERR",    "SERVFAIL",   "NXDOMAIN",   "NOTIMP",     "REFUSED",
      "YXDOMAIN",   "YXRRSET",    "NXRRSET",    "NOTAUTH",    "NOTZONE",    "RESERVED11",
      "RESERVED12", "RESERVED13", "RESERVED14", "RESERVED15"};
  const auto value = static_cast<unsigned>(r);
  if (value < low.size()) return std::string(low[value]);
  if (value == 16) return "BADVERS";    // RFC 6891 §9
  if (value == 23) return "BADCOOKIE";  // RFC 7873 §8
  return "?" + std::to_string(value);
}

void append_flags(std::string& out, const header& h) {
  if (h.qr) out += " qr";
  if (h.aa) out += " aa";
  if (h.tc) out += " tc";
  if (h.rd) out += " rd";
  if (h.ra) out += " ra";
  if (h.ad) out += " ad";
  if (h.cd) out += " cd";
}

void append_hex_byte(std::string& out, std::uint8_t b) {
  static constexpr std::string_view digits = "0123456789abcdef";
  out += digits[b >> 4];
  out += digits[b & 0x0f];
}

// "61 62 ("ab")": spaced hex and the printable characters (dig's rendering of opaque options).
void append_hex_and_text(std::string& out, std::span<const std::uint8_t> data) {
  if (data.empty()) return;
  out += ' ';
  for (auto b : data) {
    append_hex_byte(out, b);
    out += ' ';
  }
  out += "(\"";
  for (auto b : data) out += (b >= 0x20 && b < 0x7f) ? static_cast<char>(b) : '.';
  out += "\")";
}

std::uint16_t be16(std::span<const std::uint8_t> d, std::size_t at) {
  return static_cast<std::uint16_t>((d[at] << 8) | d[at + 1]);
}
std::uint32_t be32(std::span<const std::uint8_t> d, std::size_t at) {
  return (std::uint32_t{d[at]} << 24) | (std::uint32_t{d[at + 1]} << 16) |
         (std::uint32_t{d[at + 2]} << 8) | d[at + 3];
}

// "1 day 1 hour 1 second", as BIND spells durations.
std::string duration_text(std::uint32_t seconds) {
  static constexpr std::array<std::pair<std::uint32_t, std::string_view>, 5> units = {{
      {604800, "week"}, {86400, "day"}, {3600, "hour"}, {60, "minute"}, {1, "second"}}};
  if (seconds == 0) return "0 seconds";
  std::string out;
  for (const auto& [size, unit] : units) {
    const std::uint32_t n = seconds / size;
    if (n == 0) continue;
    seconds %= size;
    if (!out.empty()) out += ' ';
    out += std::to_string(n);
    out += ' ';
    out += unit;
    if (n != 1) out += 's';
  }
  return out;
}

// RFC 8914 §5.2 extended error codes.
std::string_view ede_text(std::uint16_t code) {
  static constexpr std::array<std::string_view, 25> names = {
      "Other",
      "Unsupported DNSKEY Algorithm",
      "Unsupported DS Digest Type",
      "Stale Answer",
      "Forged Answer",
      "DNSSEC Indeterminate",
      "DNSSEC Bogus",
      "Signature Expired",
      "Signature Not Yet Valid",
      "DNSKEY Missing",
      "RRSIGs Missing",
      "No Zone Key Bit Set",
      "NSEC Missing",
      "Cached Error",
      "Not Ready",
      "Blocked",
      "Censored",
      "Filtered",
      "Prohibited",
      "Stale NXDOMAIN Answer",
      "Not Authoritative",
      "Not Supported",
      "No Reachable Authority",
      "Network Error",
      "Invalid Data"};
  return code < names.size() ? names[code] : std::string_view{};
}

// RFC 7871 §6: family, source prefix, scope prefix, then exactly ceil(source / 8) address octets
// with the bits past the prefix zero. Empty when the option does not follow that layout.
std::string client_subnet_text(std::span<const std::uint8_t> d) {
  if (d.size() < 4) return {};
  const std::uint16_t family = be16(d, 0);
  const unsigned source = d[2], scope = d[3];
  const std::size_t address_size = family == 1 ? 4 : family == 2 ? 16 : 0;
  if (address_size == 0 || source > address_size * 8 || scope > address_size * 8) return {};
  const auto address = d.subspan(4);
  if (address.size() != (source + 7) / 8) return {};
  if (source % 8 != 0 && !address.empty()) {
    const auto spare = static_cast<std::uint8_t>(0xffu >> (source % 8));
    if ((address.back() & spare) != 0) return {};
  }
  std::array<std::uint8_t, 16> full{};
  for (std::size_t i = 0; i < address.size(); ++i) full[i] = address[i];
  const auto type = family == 1 ? rr_type::a : rr_type::aaaa;
  std::string out = rdata_to_text(type, std::span<const std::uint8_t>(full).first(address_size));
  out += '/' + std::to_string(source) + '/' + std::to_string(scope);
  return out;
}

// One EDNS option line. Known options are decoded as dig does; one that does not follow its
// layout prints as hex under its name (dig rejects such messages outright).
void append_option(std::string& out, const edns_option& o) {
  const std::span<const std::uint8_t> d = o.data;
  std::string_view label;
  std::string value;  // decoded form; empty means "hex" (or nothing for empty data)
  bool decoded = false;
  switch (o.code) {
    case 3:  // NSID, RFC 5001
      label = "NSID";
      break;
    case 8:  // CLIENT-SUBNET, RFC 7871
      label = "CLIENT-SUBNET";
      value = client_subnet_text(d);
      decoded = !value.empty();
      break;
    case 9:  // EXPIRE, RFC 7314
      label = "EXPIRE";
      if (d.size() == 4) {
        const std::uint32_t seconds = be32(d, 0);
        value = std::to_string(seconds) + " (" + duration_text(seconds) + ")";
        decoded = true;
      }
      break;
    case 10:  // COOKIE, RFC 7873: plain hex
      label = "COOKIE";
      for (auto b : d) append_hex_byte(value, b);
      decoded = !d.empty();
      break;
    case 11:  // TCP KEEPALIVE, RFC 7828: units of 100 ms
      label = "TCP KEEPALIVE";
      if (d.size() == 2) {
        const std::uint16_t t = be16(d, 0);
        value = std::to_string(t / 10) + "." + std::to_string(t % 10) + " secs";
        decoded = true;
      }
      break;
    case 12:  // PADDING, RFC 7830: only its size matters
      label = "PAD";
      if (!d.empty()) value = "(" + std::to_string(d.size()) + " bytes)";
      decoded = true;
      break;
    case 14:  // KEY-TAG, RFC 8145
      label = "KEY-TAG";
      if (!d.empty() && d.size() % 2 == 0) {
        for (std::size_t i = 0; i < d.size(); i += 2) {
          if (i != 0) value += ", ";
          value += std::to_string(be16(d, i));
        }
        decoded = true;
      }
      break;
    case 15:  // EDE, RFC 8914: code, optional name, optional text
      label = "EDE";
      if (d.size() >= 2) {
        const std::uint16_t code = be16(d, 0);
        value = std::to_string(code);
        if (auto text = ede_text(code); !text.empty()) {
          value += " (";
          value += text;
          value += ')';
        }
        if (d.size() > 2) {
          value += ": (";
          for (auto b : d.subspan(2)) value += (b >= 0x20 && b < 0x7f) ? static_cast<char>(b) : '.';
          value += ')';
        }
        decoded = true;
      }
      break;
    case 16:  // CLIENT-TAG and SERVER-TAG (draft-bellis-dnsop-edns-tags)
    case 17:
      label = o.code == 16 ? "CLIENT-TAG" : "SERVER-TAG";
      if (d.size() == 2) {
        value = std::to_string(be16(d, 0));
        decoded = true;
      }
      break;
    default:
      break;
  }
  out += "; ";
  if (label.empty()) {
    out += "OPT=" + std::to_string(o.code);
  } else {
    out += label;
  }
  out += ':';
  if (decoded) {
    if (!value.empty()) out += ' ' + value;
  } else {
    append_hex_and_text(out, d);
  }
  out += '\n';
}

void append_opt_pseudosection(std::string& out, const edns& e) {
  out += ";; OPT PSEUDOSECTION:\n; EDNS: version: ";
  out += std::to_string(e.version);
  out += ", flags:";
  if (e.dnssec_ok) out += " do";
  const std::uint16_t mbz = e.z & 0x7fffu;
  if (mbz != 0) {
    out += "; MBZ: 0x";
    append_hex_byte(out, static_cast<std::uint8_t>(mbz >> 8));
    append_hex_byte(out, static_cast<std::uint8_t>(mbz));
    out += ", udp: ";
  } else {
    out += "; udp: ";
  }
  out += std::to_string(e.udp_payload_size);
  out += '\n';
  for (const auto& o : e.options) append_option(out, o);
}

void append_question(std::string& out, const question& q) {
  // dig counts the columns from the name, not from the leading ';'.
  out += ';';
  line_writer line(out);
  line.text(q.qname.to_text());
  line.align(class_column);
  line.text(to_string(q.qclass));
  line.align(type_column);
  line.text(to_string(q.qtype));
  line.end();
}

// `bare`: print nothing in the rdata column (see append_section).
void append_record(std::string& out, const record& r, bool bare = false) {
  line_writer line(out);
  line.text(r.owner.to_text());
  line.align(ttl_column);
  line.text(std::to_string(r.ttl));
  line.align(class_column);
  line.text(to_string(r.klass));
  line.align(type_column);
  line.text(to_string(r.type));
  line.align(rdata_column);
  if (!bare) line.text(rdata_to_text(r.type, r.rdata));
  line.end();
}

enum class update_role { none, prerequisite, update };

void append_section(std::string& out, std::string_view title, const std::vector<record>& rrs,
                    update_role role = update_role::none) {
  if (rrs.empty()) return;
  out += ";; ";
  out += title;
  out += " SECTION:\n";
  for (const auto& r : rrs) {
    // RFC 2136 §2.4/§2.5: in UPDATE messages, class ANY (and NONE among the prerequisites)
    // with empty rdata means "any data" or "delete"; dig prints no rdata for them.
    const bool meta_class = r.klass == rr_class::any ||
                            (role == update_role::prerequisite && r.klass == rr_class::none);
    append_record(out, r, role != update_role::none && meta_class && r.rdata.empty());
  }
  out += '\n';
}

}  // namespace

std::string to_dig_text(const message& m) {
  const header& h = m.hdr;
  std::string out;
  out += ";; ->>HEADER<<- opcode: ";
  out += opcode_text(h.op);
  out += ", status: ";
  out += rcode_text(m.rcode());
  out += ", id: ";
  out += std::to_string(h.id);
  out += "\n;; flags:";
  append_flags(out, h);
  if (h.z) out += "; MBZ: 0x4";
  // The additional count includes the OPT record, as on the wire.
  const std::size_t additional = m.additional.size() + (m.opt ? 1 : 0);
  out += "; QUERY: " + std::to_string(m.questions.size());
  out += ", ANSWER: " + std::to_string(m.answer.size());
  out += ", AUTHORITY: " + std::to_string(m.authority.size());
  out += ", ADDITIONAL: " + std::to_string(additional);
  out += "\n\n";
  if (m.opt) append_opt_pseudosection(out, *m.opt);
  // RFC 2136 §2: an UPDATE message names its sections zone, prerequisite, update, additional.
  const bool update = h.op == opcode::update;
  if (!m.questions.empty()) {
    out += update ? ";; ZONE SECTION:\n" : ";; QUESTION SECTION:\n";
    for (const auto& q : m.questions) append_question(out, q);
    out += '\n';
  }
  if (update) {
    append_section(out, "PREREQUISITE", m.answer, update_role::prerequisite);
    append_section(out, "UPDATE", m.authority, update_role::update);
  } else {
    append_section(out, "ANSWER", m.answer);
    append_section(out, "AUTHORITY", m.authority);
  }
  append_section(out, "ADDITIONAL", m.additional);
  return out;
}

std::string summary(const message& m) {
  const header& h = m.hdr;
  std::string out = "id " + std::to_string(h.id);
  out += ", ";
  out += opcode_text(h.op);
  out += ' ';
  out += rcode_text(m.rcode());
  out += ", flags";
  if (!h.qr && !h.aa && !h.tc && !h.rd && !h.ra && !h.ad && !h.cd) {
    out += " none";
  } else {
    append_flags(out, h);
  }
  for (const auto& q : m.questions) {
    out += ", ";
    out += q.qname.to_text();
    out += ' ';
    out += to_string(q.qclass);
    out += ' ';
    out += to_string(q.qtype);
  }
  out += ", an " + std::to_string(m.answer.size());
  out += " ns " + std::to_string(m.authority.size());
  out += " ar " + std::to_string(m.additional.size());
  if (m.opt) {
    out += ", edns " + std::to_string(m.opt->version);
    out += " udp " + std::to_string(m.opt->udp_payload_size);
    if (m.opt->dnssec_ok) out += " do";
  }
  return out;
}

}  // namespace dnskit::dns
