// Presentation -> canonical rdata, driven by the field table.
#include <algorithm>
#include <array>

#include "dnskit/dns/errc.hpp"
#include "dnskit/dns/rdata.hpp"
#include "dnskit/dns/ttl.hpp"
#include "rdata_descriptor.hpp"
#include "rdata_special.hpp"
#include "svc_params.hpp"
#include "text_util.hpp"

namespace dnskit::dns {
namespace {

using detail::field;

void put16(rdata_bytes& out, std::uint32_t v) {
  out.push_back(static_cast<std::uint8_t>(v >> 8));
  out.push_back(static_cast<std::uint8_t>(v));
}
void put32(rdata_bytes& out, std::uint32_t v) {
  put16(out, v >> 16);
  put16(out, v & 0xFFFF);
}

// RFC 4034 §3.2: YYYYMMDDHHmmSS (UTC), or the number of seconds since the epoch.
bool parse_time(std::string_view text, std::uint32_t& out) {
  std::uint64_t v = 0;
  if (text.size() != 14) {
    if (!detail::parse_uint(text, 0xFFFFFFFF, v) || text.size() > 10) return false;
    out = static_cast<std::uint32_t>(v);
    return true;
  }
  auto num = [&](std::size_t pos, std::size_t len, std::uint64_t& n) {
    return detail::parse_uint(text.substr(pos, len), 9999, n);
  };
  std::uint64_t y, mo, d, h, mi, s;
  if (!num(0, 4, y) || !num(4, 2, mo) || !num(6, 2, d) || !num(8, 2, h) || !num(10, 2, mi) || !num(12, 2, s)) {
    return false;
  }
  if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return false;
  std::int64_t days = detail::days_from_civil(static_cast<std::int64_t>(y), static_cast<unsigned>(mo),
                                              static_cast<unsigned>(d));
  std::uint64_t secs = static_cast<std::uint64_t>(days) * 86400 + h * 3600 + mi * 60 + s;
  out = static_cast<std::uint32_t>(secs);  // serial number arithmetic (RFC 1982) past 2106
  return true;
}

bool parse_eui(std::string_view text, std::size_t octets, rdata_bytes& out) {
  if (text.size() != octets * 3 - 1) return false;
  for (std::size_t i = 0; i < octets; ++i) {
    if (i != 0 && text[i * 3 - 1] != '-') return false;
    if (!detail::decode_hex(text.substr(i * 3, 2), out)) return false;
  }
  return true;
}

// RFC 4034 §4.1.2 type bit maps from a list of type mnemonics.
std::error_code parse_bitmap(std::span<const text_token> tokens, std::size_t& i, rdata_bytes& out) {
  std::vector<std::uint16_t> types;
  for (; i < tokens.size(); ++i) {
    auto t = rr_type_from_string(tokens[i].text);
    if (!t || tokens[i].quoted) return errc::unknown_type;
    types.push_back(static_cast<std::uint16_t>(*t));
  }
  std::sort(types.begin(), types.end());
  types.erase(std::unique(types.begin(), types.end()), types.end());
  std::size_t k = 0;
  while (k < types.size()) {
    std::uint8_t window = static_cast<std::uint8_t>(types[k] >> 8);
    std::array<std::uint8_t, 32> bits{};
    std::size_t len = 0;
    for (; k < types.size() && (types[k] >> 8) == window; ++k) {
      std::uint8_t low = static_cast<std::uint8_t>(types[k]);
      bits[low / 8] |= static_cast<std::uint8_t>(0x80 >> (low % 8));
      len = std::max<std::size_t>(len, low / 8 + 1u);
    }
    out.push_back(window);
    out.push_back(static_cast<std::uint8_t>(len));
    out.insert(out.end(), bits.begin(), bits.begin() + static_cast<std::ptrdiff_t>(len));
  }
  return {};
}

// Joins the remaining tokens (base64 and hex may be split by white space).
std::string join_rest(std::span<const text_token> tokens, std::size_t& i) {
  std::string joined;
  for (; i < tokens.size(); ++i) joined += tokens[i].text;
  return joined;
}

std::error_code parse_field(field f, std::span<const text_token> tokens, std::size_t& i,
                            const name& origin, rdata_bytes& out) {
  // Fields that may be absent: the ones that run to the end and may be empty.
  if (i >= tokens.size() && f != field::type_bitmap && f != field::svc_params && f != field::apl) {
    return errc::missing_field;
  }
  std::uint64_t v = 0;
  switch (f) {
    case field::u8:
      if (!detail::parse_uint(tokens[i].text, 0xFF, v)) return errc::bad_number;
      out.push_back(static_cast<std::uint8_t>(v));
      ++i;
      return {};
    case field::u16:
      if (!detail::parse_uint(tokens[i].text, 0xFFFF, v)) return errc::bad_number;
      put16(out, static_cast<std::uint32_t>(v));
      ++i;
      return {};
    case field::u32:
      if (!detail::parse_uint(tokens[i].text, 0xFFFFFFFF, v)) return errc::bad_number;
      put32(out, static_cast<std::uint32_t>(v));
      ++i;
      return {};
    case field::ttl: {
      std::uint32_t t = 0;
      if (!ttl_from_text(tokens[i].text, t)) return errc::bad_number;
      put32(out, t);
      ++i;
      return {};
    }
    case field::time: {
      std::uint32_t t = 0;
      if (!parse_time(tokens[i].text, t)) return errc::bad_number;
      put32(out, t);
      ++i;
      return {};
    }
    case field::type: {
      auto t = rr_type_from_string(tokens[i].text);
      if (!t) return errc::unknown_type;
      put16(out, static_cast<std::uint16_t>(*t));
      ++i;
      return {};
    }
    case field::ipv4: {
      std::uint8_t a[4];
      if (!detail::parse_ipv4(tokens[i].text, a)) return errc::bad_address;
      out.insert(out.end(), a, a + 4);
      ++i;
      return {};
    }
    case field::ipv6: {
      std::uint8_t a[16];
      if (!detail::parse_ipv6(tokens[i].text, a)) return errc::bad_address;
      out.insert(out.end(), a, a + 16);
      ++i;
      return {};
    }
    case field::eui48:
    case field::eui64:
      if (!parse_eui(tokens[i].text, f == field::eui48 ? 6 : 8, out)) return errc::bad_field;
      ++i;
      return {};
    case field::name_compressed:
    case field::name_in_only:
    case field::name_plain: {
      if (tokens[i].quoted) return errc::bad_field;
      std::error_code ec;
      name n = name::from_text(tokens[i].text, origin, ec);
      if (ec) return ec;
      out.insert(out.end(), n.wire().begin(), n.wire().end());
      ++i;
      return {};
    }
    case field::string:
    case field::strings: {
      do {
        std::string s;
        if (auto ec = detail::unescape(tokens[i].text, s)) return ec;
        if (s.size() > 255) return errc::bad_string;
        out.push_back(static_cast<std::uint8_t>(s.size()));
        out.insert(out.end(), s.begin(), s.end());
        ++i;
      } while (f == field::strings && i < tokens.size());
      return {};
    }
    case field::text_rest: {
      std::string s;
      if (auto ec = detail::unescape(tokens[i].text, s)) return ec;
      out.insert(out.end(), s.begin(), s.end());
      ++i;
      return {};
    }
    case field::caa_tag: {
      std::string_view tag = tokens[i].text;
      if (tokens[i].quoted || tag.empty() || tag.size() > 255) return errc::bad_field;
      for (char c : tag) {
        bool alnum = detail::is_digit(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
        if (!alnum) return errc::bad_field;
      }
      out.push_back(static_cast<std::uint8_t>(tag.size()));
      out.insert(out.end(), tag.begin(), tag.end());
      ++i;
      return {};
    }
    case field::base64: {
      std::size_t first = i;
      if (!detail::decode_base64(join_rest(tokens, i), out)) {
        i = first;
        return errc::bad_base64;
      }
      return {};
    }
    case field::hex: {
      std::size_t first = i;
      if (!detail::decode_hex(join_rest(tokens, i), out)) {
        i = first;
        return errc::bad_hex;
      }
      return {};
    }
    case field::hex_len: {
      std::size_t at = out.size();
      out.push_back(0);
      if (tokens[i].text != "-") {
        if (!detail::decode_hex(tokens[i].text, out)) return errc::bad_hex;
        if (out.size() - at - 1 > 255) return errc::bad_field;
      }
      out[at] = static_cast<std::uint8_t>(out.size() - at - 1);
      ++i;
      return {};
    }
    case field::base32hex_len: {
      std::size_t at = out.size();
      out.push_back(0);
      if (!detail::decode_base32hex(tokens[i].text, out)) return errc::bad_field;
      std::size_t len = out.size() - at - 1;
      if (len == 0 || len > 255) return errc::bad_field;
      out[at] = static_cast<std::uint8_t>(len);
      ++i;
      return {};
    }
    case field::type_bitmap: return parse_bitmap(tokens, i, out);
    case field::svc_params: return detail::svc_params_from_text(tokens, i, out);
    case field::loc: return detail::loc_from_text(tokens, i, out);
    case field::apl: return detail::apl_from_text(tokens, i, out);
    case field::ipseckey: return detail::ipseckey_from_text(tokens, i, origin, out);
    case field::hip: return detail::hip_from_text(tokens, i, origin, out);
    case field::cert_type: {
      std::uint16_t t = 0;
      if (tokens[i].quoted || !detail::parse_cert_type(tokens[i].text, t)) return errc::bad_number;
      put16(out, t);
      ++i;
      return {};
    }
    case field::algorithm: {
      std::uint8_t a = 0;
      if (tokens[i].quoted || !detail::parse_dnssec_algorithm(tokens[i].text, a)) return errc::bad_number;
      out.push_back(a);
      ++i;
      return {};
    }
  }
  return errc::bad_field;
}

// RFC 3597 §5: \# <length> <hex>...
std::error_code parse_generic(rr_type type, std::span<const text_token> tokens, rdata_bytes& out,
                              std::size_t& i) {
  i = 1;
  std::uint64_t length = 0;
  if (i >= tokens.size()) return errc::missing_field;
  if (!detail::parse_uint(tokens[i].text, 0xFFFF, length)) return errc::bad_number;
  ++i;
  std::size_t first = i;
  if (!detail::decode_hex(join_rest(tokens, i), out)) {
    i = first;
    return errc::bad_hex;
  }
  if (out.size() != length) {
    i = out.size() < length ? tokens.size() : first;
    return out.size() < length ? errc::missing_field : errc::extra_field;
  }
  if (auto ec = validate_rdata(type, out)) {
    i = 0;
    return ec;
  }
  return {};
}

}  // namespace

std::error_code rdata_from_text(rr_type type, std::span<const text_token> tokens, const name& origin,
                                rdata_bytes& out, std::size_t* bad_token) {
  out.clear();
  std::size_t i = 0;
  std::error_code ec;
  if (!tokens.empty() && !tokens[0].quoted && tokens[0].text == "\\#") {
    ec = parse_generic(type, tokens, out, i);
  } else if (const auto* d = detail::find_descriptor(type)) {
    for (field f : d->view()) {
      if ((ec = parse_field(f, tokens, i, origin, out))) break;
    }
    if (!ec && i < tokens.size()) ec = errc::extra_field;
    if (!ec && out.size() > 0xFFFF) ec = errc::bad_rdata;
  } else {
    ec = errc::bad_field;  // types without a layout take only the generic form
  }
  if (ec) {
    if (bad_token != nullptr) *bad_token = std::min(i, tokens.size());
    out.clear();
  }
  return ec;
}

std::error_code rdata_from_text(rr_type type, std::string_view text, const name& origin, rdata_bytes& out) {
  std::vector<text_token> tokens;
  if (auto ec = tokenize(text, tokens)) return ec;
  return rdata_from_text(type, tokens, origin, out);
}

bool ttl_from_text(std::string_view text, std::uint32_t& out) noexcept {
  std::uint64_t v = 0;
  if (detail::parse_uint(text, 0xFFFFFFFF, v)) {
    out = static_cast<std::uint32_t>(v);
    return true;
  }
  // Units: every number carries one (BIND's lib/dns/ttl.c refuses a bare number after a unit).
  std::uint64_t total = 0;
  std::size_t i = 0;
  if (text.empty()) return false;
  while (i < text.size()) {
    const std::size_t start = i;
    while (i < text.size() && detail::is_digit(text[i])) ++i;
    if (i == start || i == text.size()) return false;
    std::uint64_t n = 0;
    if (!detail::parse_uint(text.substr(start, i - start), 0xFFFFFFFF, n)) return false;
    std::uint64_t unit = 0;
    switch (detail::lower(static_cast<std::uint8_t>(text[i]))) {
      case 'w': unit = 604800; break;
      case 'd': unit = 86400; break;
      case 'h': unit = 3600; break;
      case 'm': unit = 60; break;
      case 's': unit = 1; break;
      default: return false;
    }
    ++i;
    total += n * unit;
    if (total > 0xFFFFFFFF) return false;
  }
  out = static_cast<std::uint32_t>(total);
  return true;
}

}  // namespace dnskit::dns
