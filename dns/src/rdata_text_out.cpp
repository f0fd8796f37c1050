// Canonical rdata -> presentation, driven by the field table; output as BIND 9.18's dig prints.
#include <cstdio>

#include "dnskit/dns/errc.hpp"
#include "dnskit/dns/rdata.hpp"
#include "rdata_descriptor.hpp"
#include "rdata_special.hpp"
#include "svc_params.hpp"
#include "text_util.hpp"

namespace dnskit::dns {
namespace {

using detail::field;

// dig breaks base64 and hex fields into chunks of 56 characters (its default +split).
constexpr std::size_t split_width = 56;

std::uint32_t get(std::span<const std::uint8_t> d, std::size_t n) noexcept {
  std::uint32_t v = 0;
  for (std::size_t i = 0; i < n; ++i) v = v << 8 | d[i];
  return v;
}

void append_time(std::uint32_t t, std::string& out) {
  std::int64_t days = t / 86400;
  std::uint32_t secs = t % 86400;
  std::int64_t y;
  unsigned m, d;
  detail::civil_from_days(days, y, m, d);
  char buf[24];
  std::snprintf(buf, sizeof buf, "%04lld%02u%02u%02u%02u%02u", static_cast<long long>(y), m, d,
                secs / 3600, secs / 60 % 60, secs % 60);
  out += buf;
}

void append_bitmap(std::span<const std::uint8_t> d, std::string& out) {
  bool first = true;
  for (std::size_t pos = 0; pos + 2 <= d.size();) {
    std::size_t window = d[pos], len = d[pos + 1];
    for (std::size_t i = 0; i < len && pos + 2 + i < d.size(); ++i) {
      for (unsigned bit = 0; bit < 8; ++bit) {
        if ((d[pos + 2 + i] & (0x80 >> bit)) == 0) continue;
        if (!first) out.push_back(' ');
        first = false;
        out += to_string(static_cast<rr_type>(window << 8 | (i * 8 + bit)));
      }
    }
    pos += 2 + len;
  }
}

void append_eui(std::span<const std::uint8_t> d, std::string& out) {
  constexpr char digits[] = "0123456789abcdef";
  for (std::size_t i = 0; i < d.size(); ++i) {
    if (i != 0) out.push_back('-');
    out.push_back(digits[d[i] >> 4]);
    out.push_back(digits[d[i] & 0xF]);
  }
}

// Prints one field already checked by field_extent; false if it cannot be printed faithfully
// (then the whole rdata goes out in the generic form).
bool append_field(field f, std::span<const std::uint8_t> d, std::string& out) {
  switch (f) {
    case field::u8:
    case field::u16:
    case field::u32:
    case field::ttl: out += std::to_string(get(d, d.size())); return true;
    case field::time: append_time(get(d, 4), out); return true;
    case field::type: out += to_string(static_cast<rr_type>(get(d, 2))); return true;
    case field::ipv4: detail::append_ipv4(d.first<4>(), out); return true;
    case field::ipv6: detail::append_ipv6(d.first<16>(), out); return true;
    case field::eui48:
    case field::eui64: append_eui(d, out); return true;
    case field::name_compressed:
    case field::name_in_only:
    case field::name_plain: {
      std::error_code ec;
      name::from_wire(d, ec).append_text(out);
      return !ec;
    }
    case field::string: detail::append_quoted(d.subspan(1), out); return true;
    case field::strings:
      for (std::size_t pos = 0; pos < d.size(); pos += 1 + std::size_t{d[pos]}) {
        if (pos != 0) out.push_back(' ');
        detail::append_quoted(d.subspan(pos + 1, d[pos]), out);
      }
      return true;
    case field::text_rest: detail::append_quoted(d, out); return true;
    case field::caa_tag: out.append(reinterpret_cast<const char*>(d.data()) + 1, d.size() - 1); return true;
    case field::base64:
      if (d.empty()) return false;
      detail::append_base64(d, out, split_width);
      return true;
    case field::hex:
      if (d.empty()) return false;
      detail::append_hex(d, out, split_width);
      return true;
    case field::hex_len:
      if (d.size() == 1) {
        out.push_back('-');
      } else {
        detail::append_hex(d.subspan(1), out);
      }
      return true;
    case field::base32hex_len: detail::append_base32hex(d.subspan(1), out); return true;
    case field::type_bitmap: append_bitmap(d, out); return true;
    case field::svc_params: detail::append_svc_params_text(d, out); return true;
    case field::loc: return detail::append_loc_text(d, out);
    case field::apl: return detail::append_apl_text(d, out);
    case field::ipseckey: return detail::append_ipseckey_text(d, out);
    case field::hip: return detail::append_hip_text(d, out);
    case field::cert_type: detail::append_cert_type(static_cast<std::uint16_t>(get(d, 2)), out); return true;
    case field::algorithm: detail::append_dnssec_algorithm(d[0], out); return true;
  }
  return false;
}

void append_generic(std::span<const std::uint8_t> rdata, std::string& out) {
  out += "\\# ";
  out += std::to_string(rdata.size());
  if (!rdata.empty()) {
    out.push_back(' ');
    detail::append_hex(rdata, out, split_width);
  }
}

}  // namespace

void append_rdata_text(rr_type type, std::span<const std::uint8_t> rdata, std::string& out) {
  const auto* d = detail::find_descriptor(type);
  if (d == nullptr || validate_rdata(type, rdata)) {
    append_generic(rdata, out);
    return;
  }
  std::size_t mark = out.size();
  std::size_t pos = 0;
  for (field f : d->view()) {
    std::error_code ec;
    std::size_t n = detail::field_extent(f, rdata.subspan(pos), ec);
    std::size_t before = out.size();
    if (before != mark) out.push_back(' ');
    if (!append_field(f, rdata.subspan(pos, n), out)) {
      out.resize(mark);
      append_generic(rdata, out);
      return;
    }
    if (out.size() == before + 1 && before != mark) out.pop_back();  // an empty field (bitmap, params)
    pos += n;
  }
}

std::string rdata_to_text(rr_type type, std::span<const std::uint8_t> rdata) {
  std::string out;
  append_rdata_text(type, rdata, out);
  return out;
}

}  // namespace dnskit::dns
