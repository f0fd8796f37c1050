#include "parser_text.hpp"

#include <arpa/inet.h>

#include <cstring>

#include "dnskit/dns/errc.hpp"
#include "dnskit/dns/ttl.hpp"

namespace dnskit::zones::detail {
namespace {

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

char lower(char c) noexcept { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

bool iequal(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}

}  // namespace

bool parse_number(std::string_view text, std::uint32_t max, std::uint32_t& out) noexcept {
  if (text.empty() || text.size() > 10) return false;
  std::uint64_t v = 0;
  for (const char c : text) {
    if (!is_digit(c)) return false;
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
  }
  if (v > max) return false;
  out = static_cast<std::uint32_t>(v);
  return true;
}

bool parse_ttl(std::string_view text, std::uint32_t& out) noexcept {
  return dns::ttl_from_text(text, out);
}

std::error_code name_to_wire(std::string_view text, const dns::name& origin, wire_name& out) {
  const auto origin_wire = origin.wire();
  if (text == "@") {
    out.size = origin_wire.size();
    std::memcpy(out.bytes.data(), origin_wire.data(), origin_wire.size());
    return {};
  }
  if (text.find('\\') != std::string_view::npos) {
    // Escapes are rare: dns::name does them (and is the reference for everything else).
    std::error_code ec;
    const dns::name n = dns::name::from_text(text, origin, ec);
    if (ec) return ec;
    const auto w = n.wire();
    out.size = w.size();
    std::memcpy(out.bytes.data(), w.data(), w.size());
    return {};
  }
  if (text == ".") {
    out.bytes[0] = 0;
    out.size = 1;
    return {};
  }
  if (text.empty()) return dns::errc::empty_label;
  const bool absolute = text.back() == '.';
  if (absolute) text.remove_suffix(1);
  std::size_t pos = 0;
  std::size_t size = 0;
  std::uint8_t* w = out.bytes.data();
  for (;;) {
    const std::size_t dot = text.find('.', pos);
    const std::size_t end = dot == std::string_view::npos ? text.size() : dot;
    const std::size_t len = end - pos;
    if (len == 0) return dns::errc::empty_label;
    if (len > dns::name::max_label_size) return dns::errc::label_too_long;
    // The label, its length byte and at least the root label must fit.
    if (size + 1 + len + 1 > dns::name::max_wire_size) return dns::errc::name_too_long;
    w[size] = static_cast<std::uint8_t>(len);
    std::memcpy(w + size + 1, text.data() + pos, len);
    size += 1 + len;
    if (dot == std::string_view::npos) break;
    pos = dot + 1;
  }
  if (absolute) {
    w[size++] = 0;
  } else {
    if (size + origin_wire.size() > dns::name::max_wire_size) return dns::errc::name_too_long;
    std::memcpy(w + size, origin_wire.data(), origin_wire.size());
    size += origin_wire.size();
  }
  out.size = size;
  return {};
}

bool lookup_type(std::string_view text, dns::rr_type& out) noexcept {
  using dns::rr_type;
  switch (text.size()) {
    case 2:
      // "IN" is the commonest token here and never a type: skip the table search.
      if (lower(text[0]) == 'i' && lower(text[1]) == 'n') return false;
      if (iequal(text, "ns")) return out = rr_type::ns, true;
      if (iequal(text, "mx")) return out = rr_type::mx, true;
      break;
    case 1:
      if (lower(text[0]) == 'a') return out = rr_type::a, true;
      break;
    case 3:
      if (iequal(text, "txt")) return out = rr_type::txt, true;
      if (iequal(text, "srv")) return out = rr_type::srv, true;
      if (iequal(text, "ptr")) return out = rr_type::ptr, true;
      break;
    case 4:
      if (iequal(text, "aaaa")) return out = rr_type::aaaa, true;
      break;
    case 5:
      if (iequal(text, "cname")) return out = rr_type::cname, true;
      break;
    default:
      break;
  }
  if (const auto t = dns::rr_type_from_string(text)) return out = *t, true;
  return false;
}

bool lookup_class(std::string_view text, dns::rr_class& out) noexcept {
  if (text.size() == 2 && lower(text[0]) == 'i' && lower(text[1]) == 'n')
    return out = dns::rr_class::in, true;
  // A type mnemonic is never a class; only look further for what may be one.
  if (text.size() < 2) return false;
  // NONE and ANY only appear in queries and updates (RFC 2136), never in zone data.
  const auto c = dns::rr_class_from_string(text);
  if (!c || *c == dns::rr_class::none || *c == dns::rr_class::any) return false;
  out = *c;
  return true;
}

namespace {

bool fast_a(std::string_view s, dns::rdata_bytes& out) {
  std::uint8_t octets[4];
  std::size_t part = 0;
  std::size_t i = 0;
  while (part < 4) {
    const std::size_t start = i;
    unsigned v = 0;
    while (i < s.size() && is_digit(s[i]) && i - start < 3) v = v * 10 + static_cast<unsigned>(s[i++] - '0');
    const std::size_t len = i - start;
    // Leading zeros are left to the generic path (inet_pton rejects them).
    if (len == 0 || v > 255 || (len > 1 && s[start] == '0')) return false;
    octets[part++] = static_cast<std::uint8_t>(v);
    if (part < 4) {
      if (i >= s.size() || s[i] != '.') return false;
      ++i;
    }
  }
  if (i != s.size()) return false;
  out.assign(octets, octets + 4);
  return true;
}

bool fast_aaaa(std::string_view s, dns::rdata_bytes& out) {
  if (s.size() < 2 || s.size() > 39) return false;
  char buf[40];
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (!(is_digit(c) || c == ':' || (lower(c) >= 'a' && lower(c) <= 'f'))) return false;
    buf[i] = c;
  }
  buf[s.size()] = '\0';
  std::uint8_t addr[16];
  if (inet_pton(AF_INET6, buf, addr) != 1) return false;
  out.assign(addr, addr + 16);
  return true;
}

bool plain(const dns::text_token& t) noexcept {
  return !t.quoted && !t.text.empty() && t.text.find('\\') == std::string_view::npos;
}

bool append_name(std::string_view text, const dns::name& origin, dns::rdata_bytes& out) {
  wire_name w;
  if (name_to_wire(text, origin, w)) return false;
  out.insert(out.end(), w.bytes.data(), w.bytes.data() + w.size);
  return true;
}

}  // namespace

fast_outcome fast_rdata(dns::rr_type type, std::span<const dns::text_token> tokens,
                        const dns::name& origin, dns::rdata_bytes& out) {
  using dns::rr_type;
  out.clear();
  switch (type) {
    case rr_type::a:
      if (tokens.size() == 1 && plain(tokens[0]) && fast_a(tokens[0].text, out))
        return fast_outcome::done;
      break;
    case rr_type::aaaa:
      if (tokens.size() == 1 && plain(tokens[0]) && fast_aaaa(tokens[0].text, out))
        return fast_outcome::done;
      break;
    case rr_type::ns:
    case rr_type::cname:
    case rr_type::ptr:
    case rr_type::dname:
      if (tokens.size() == 1 && plain(tokens[0]) && append_name(tokens[0].text, origin, out))
        return fast_outcome::done;
      break;
    case rr_type::mx: {
      std::uint32_t pref = 0;
      if (tokens.size() == 2 && plain(tokens[0]) && plain(tokens[1]) &&
          parse_number(tokens[0].text, 0xFFFF, pref)) {
        out.push_back(static_cast<std::uint8_t>(pref >> 8));
        out.push_back(static_cast<std::uint8_t>(pref));
        if (append_name(tokens[1].text, origin, out)) return fast_outcome::done;
      }
      break;
    }
    case rr_type::txt:
    case rr_type::spf: {
      if (tokens.empty()) break;
      for (const auto& t : tokens) {
        // RFC 1035 §3.3: each <character-string> is at most 255 octets.
        if (t.text.size() > 255 || t.text.find('\\') != std::string_view::npos) {
          out.clear();
          return fast_outcome::fallback;
        }
        if (!t.quoted && t.text.empty()) {
          out.clear();
          return fast_outcome::fallback;
        }
        out.push_back(static_cast<std::uint8_t>(t.text.size()));
        out.insert(out.end(), t.text.begin(), t.text.end());
      }
      if (out.size() <= 0xFFFF) return fast_outcome::done;
      break;
    }
    default:
      break;
  }
  out.clear();
  return fast_outcome::fallback;
}

}  // namespace dnskit::zones::detail
