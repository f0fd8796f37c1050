// LOC (RFC 1876): presentation "d [m [s.sss]] N|S d [m [s.sss]] E|W alt[m] [size[m] [hp[m] [vp[m]]]]"
// <-> 16 octets, with the limits and the printing of BIND 9.18.
#include <cstdio>

#include "dnskit/dns/errc.hpp"
#include "rdata_special.hpp"
#include "text_util.hpp"

namespace dnskit::dns::detail {
namespace {

constexpr std::uint32_t equator = 0x80000000u;       // RFC 1876 §2: 2^31 is the equator / meridian
constexpr std::int64_t altitude_base = 10000000;     // RFC 1876 §2: centimetres below the base
constexpr std::int64_t max_altitude = 4284967295;    // 2^32-1 - base: 42849672.95m
constexpr std::int64_t max_precision_m = 90000000;    // 9e7 m, the largest 4-bit mantissa/exponent
constexpr std::uint32_t ms_per_degree = 3600000;

// RFC 1876 §2 defaults: size 1m, horizontal precision 10000m, vertical precision 10m.
constexpr std::uint8_t default_size = 0x12, default_hp = 0x16, default_vp = 0x13;

// "[+|-]digits[.digits][m]" with at most `frac_digits` after the point, as an integer count of
// 10^-frac_digits units. At least one digit; the whole part is bounded so nothing overflows.
bool parse_fixed(std::string_view t, unsigned frac_digits, bool sign, bool unit, std::int64_t& out) {
  bool negative = false;
  if (sign && !t.empty() && (t[0] == '-' || t[0] == '+')) {
    negative = t[0] == '-';
    t.remove_prefix(1);
  }
  if (unit && !t.empty() && t.back() == 'm') t.remove_suffix(1);
  std::int64_t whole = 0, frac = 0;
  std::size_t i = 0, digits = 0;
  for (; i < t.size() && is_digit(t[i]); ++i, ++digits) {
    if (i >= 11) return false;
    whole = whole * 10 + (t[i] - '0');
  }
  unsigned seen = 0;
  if (i < t.size() && t[i] == '.') {
    for (++i; i < t.size() && is_digit(t[i]); ++i, ++digits) {
      if (++seen > frac_digits) return false;
      frac = frac * 10 + (t[i] - '0');
    }
  }
  if (i != t.size() || digits == 0) return false;
  for (; seen < frac_digits; ++seen) frac *= 10;
  std::int64_t scale = 1;
  for (unsigned k = 0; k < frac_digits; ++k) scale *= 10;
  out = whole * scale + frac;
  if (negative) out = -out;
  return true;
}

// One coordinate: degrees, then optional minutes and seconds, then the hemisphere letter.
// Returns the offset from the equator/meridian in thousandths of a second of arc.
std::error_code parse_coordinate(std::span<const text_token> tokens, std::size_t& i, std::uint64_t max_degrees,
                                 char positive, char negative, std::uint32_t& out) {
  std::uint64_t degrees = 0, minutes = 0;
  std::int64_t ms = 0;  // seconds in thousandths
  auto missing = [&] {
    i = tokens.size();
    return make_error_code(errc::missing_field);
  };
  auto is_hemisphere = [&](std::size_t k) {
    return tokens[k].text.size() == 1 && (tokens[k].text[0] == positive || tokens[k].text[0] == negative);
  };
  if (i >= tokens.size()) return missing();
  if (!parse_uint(tokens[i].text, max_degrees, degrees)) return errc::bad_number;
  ++i;
  if (i >= tokens.size()) return missing();
  if (!is_hemisphere(i)) {
    if (!parse_uint(tokens[i].text, 59, minutes)) return errc::bad_number;
    if (degrees == max_degrees && minutes != 0) return errc::bad_number;
    ++i;
    if (i >= tokens.size()) return missing();
    if (!is_hemisphere(i)) {
      if (!parse_fixed(tokens[i].text, 3, false, false, ms) || ms >= 60000) return errc::bad_number;
      if (degrees == max_degrees && ms != 0) return errc::bad_number;
      ++i;
      if (i >= tokens.size()) return missing();
      if (!is_hemisphere(i)) return errc::bad_field;
    }
  }
  auto offset = static_cast<std::uint32_t>((degrees * 3600 + minutes * 60) * 1000 + static_cast<std::uint64_t>(ms));
  out = tokens[i].text[0] == positive ? equator + offset : equator - offset;
  ++i;
  return {};
}

// RFC 1876 §2: a size or precision in centimetres as mantissa (high nibble) and power of ten
// (low nibble), rounded down to one significant digit.
std::uint8_t encode_precision(std::int64_t cm) {
  unsigned exponent = 0;
  while (cm >= 10) {
    cm /= 10;
    ++exponent;
  }
  return static_cast<std::uint8_t>(cm << 4 | exponent);
}

bool valid_precision(std::uint8_t v) noexcept {
  unsigned mantissa = v >> 4, exponent = v & 0x0F;
  if (v == 0) return true;
  return mantissa >= 1 && mantissa <= 9 && exponent <= 9;
}

std::uint32_t get32(std::span<const std::uint8_t> d, std::size_t at) {
  return std::uint32_t{d[at]} << 24 | std::uint32_t{d[at + 1]} << 16 | std::uint32_t{d[at + 2]} << 8 | d[at + 3];
}

// As BIND prints a precision: whole metres from 1m up, "0.NNm" below.
void append_precision(std::uint8_t v, std::string& out) {
  std::uint64_t cm = v >> 4;
  for (unsigned k = 0; k < (v & 0x0Fu); ++k) cm *= 10;
  char buf[32];
  if ((v & 0x0F) >= 2) {
    std::snprintf(buf, sizeof buf, "%llum", static_cast<unsigned long long>(cm / 100));
  } else {
    std::snprintf(buf, sizeof buf, "0.%02llum", static_cast<unsigned long long>(cm));
  }
  out += buf;
}

void append_coordinate(std::uint32_t v, char positive, char negative, std::string& out) {
  bool pos = v >= equator;
  std::uint32_t off = pos ? v - equator : equator - v;
  char buf[48];
  std::snprintf(buf, sizeof buf, "%u %u %u.%03u %c", off / ms_per_degree, off / 60000 % 60, off / 1000 % 60,
                off % 1000, pos ? positive : negative);
  out += buf;
}

}  // namespace

std::size_t loc_extent(std::span<const std::uint8_t> data, std::error_code& ec) noexcept {
  if (data.empty()) {
    ec = errc::bad_rdata;
    return 0;
  }
  if (data[0] != 0) return data.size();  // an unknown version: opaque
  if (data.size() < 16 || !valid_precision(data[1]) || !valid_precision(data[2]) || !valid_precision(data[3])) {
    ec = errc::bad_rdata;
    return 0;
  }
  std::uint32_t latitude = get32(data, 4), longitude = get32(data, 8);
  if (latitude < equator - 90 * ms_per_degree || latitude > equator + 90 * ms_per_degree ||
      longitude < equator - 180 * ms_per_degree || longitude > equator + 180 * ms_per_degree) {
    ec = errc::bad_rdata;
    return 0;
  }
  return 16;
}

std::error_code loc_from_text(std::span<const text_token> tokens, std::size_t& i, rdata_bytes& out) {
  std::uint32_t latitude = 0, longitude = 0;
  if (auto ec = parse_coordinate(tokens, i, 90, 'N', 'S', latitude)) return ec;
  if (auto ec = parse_coordinate(tokens, i, 180, 'E', 'W', longitude)) return ec;
  if (i >= tokens.size()) return errc::missing_field;
  std::int64_t altitude = 0;
  if (!parse_fixed(tokens[i].text, 2, true, true, altitude) || altitude < -altitude_base || altitude > max_altitude) {
    return errc::bad_number;
  }
  ++i;
  std::uint8_t precision[3] = {default_size, default_hp, default_vp};
  for (std::uint8_t& p : precision) {
    if (i >= tokens.size()) break;
    std::int64_t cm = 0;
    if (!parse_fixed(tokens[i].text, 2, false, true, cm) || cm / 100 > max_precision_m) return errc::bad_number;
    p = encode_precision(cm);
    ++i;
  }
  out.push_back(0);  // version
  out.insert(out.end(), precision, precision + 3);
  auto alt = static_cast<std::uint32_t>(altitude + altitude_base);
  for (std::uint32_t v : {latitude, longitude, alt}) {
    for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(v >> shift));
  }
  return {};
}

bool append_loc_text(std::span<const std::uint8_t> data, std::string& out) {
  if (data.size() != 16 || data[0] != 0) return false;
  append_coordinate(get32(data, 4), 'N', 'S', out);
  out.push_back(' ');
  append_coordinate(get32(data, 8), 'E', 'W', out);
  std::int64_t altitude = std::int64_t{get32(data, 12)} - altitude_base;
  std::uint64_t magnitude = static_cast<std::uint64_t>(altitude < 0 ? -altitude : altitude);
  char buf[40];
  std::snprintf(buf, sizeof buf, " %s%llu.%02llum ", altitude < 0 ? "-" : "",
                static_cast<unsigned long long>(magnitude / 100), static_cast<unsigned long long>(magnitude % 100));
  out += buf;
  append_precision(data[1], out);
  out.push_back(' ');
  append_precision(data[2], out);
  out.push_back(' ');
  append_precision(data[3], out);
  return true;
}

}  // namespace dnskit::dns::detail
