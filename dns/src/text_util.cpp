#include "text_util.hpp"

#include "dnskit/dns/errc.hpp"

namespace dnskit::dns::detail {
namespace {

constexpr char hex_digits[] = "0123456789ABCDEF";
constexpr char base64_digits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr char base32hex_digits[] = "0123456789ABCDEFGHIJKLMNOPQRSTUV";

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

int base64_value(char c) noexcept {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

int base32hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'v') return c - 'a' + 10;
  if (c >= 'A' && c <= 'V') return c - 'A' + 10;
  return -1;
}

// Appends `c`, first a space after every `split` characters written.
void put_split(std::string& out, char c, std::size_t& written, std::size_t split) {
  if (split != 0 && written != 0 && written % split == 0) out.push_back(' ');
  out.push_back(c);
  ++written;
}

}  // namespace

bool parse_uint(std::string_view text, std::uint64_t max, std::uint64_t& out) noexcept {
  if (text.empty() || text.size() > 20) return false;
  std::uint64_t value = 0;
  for (char c : text) {
    if (!is_digit(c)) return false;
    auto digit = static_cast<std::uint64_t>(c - '0');
    if (digit > max || value > (max - digit) / 10) return false;  // digit > max: no wrap-around
    value = value * 10 + digit;
  }
  out = value;
  return true;
}

void append_hex(std::span<const std::uint8_t> data, std::string& out, std::size_t split) {
  std::size_t written = 0;
  for (std::uint8_t b : data) {
    put_split(out, hex_digits[b >> 4], written, split);
    put_split(out, hex_digits[b & 0xF], written, split);
  }
}

void append_base64(std::span<const std::uint8_t> data, std::string& out, std::size_t split) {
  std::size_t written = 0;
  std::size_t i = 0;
  for (; i + 3 <= data.size(); i += 3) {
    std::uint32_t v = (std::uint32_t{data[i]} << 16) | (std::uint32_t{data[i + 1]} << 8) | data[i + 2];
    put_split(out, base64_digits[(v >> 18) & 63], written, split);
    put_split(out, base64_digits[(v >> 12) & 63], written, split);
    put_split(out, base64_digits[(v >> 6) & 63], written, split);
    put_split(out, base64_digits[v & 63], written, split);
  }
  std::size_t rest = data.size() - i;
  if (rest != 0) {
    std::uint32_t v = std::uint32_t{data[i]} << 16;
    if (rest == 2) v |= std::uint32_t{data[i + 1]} << 8;
    put_split(out, base64_digits[(v >> 18) & 63], written, split);
    put_split(out, base64_digits[(v >> 12) & 63], written, split);
    put_split(out, rest == 2 ? base64_digits[(v >> 6) & 63] : '=', written, split);
    put_split(out, '=', written, split);
  }
}

void append_base32hex(std::span<const std::uint8_t> data, std::string& out) {
  // RFC 4648 §7, without padding (RFC 5155 §3.3).
  std::uint64_t buffer = 0;
  int bits = 0;
  for (std::uint8_t b : data) {
    buffer = (buffer << 8) | b;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out.push_back(base32hex_digits[(buffer >> bits) & 31]);
    }
  }
  if (bits > 0) out.push_back(base32hex_digits[(buffer << (5 - bits)) & 31]);
}

bool decode_hex(std::string_view text, rdata_bytes& out) {
  if (text.size() % 2 != 0) return false;
  for (std::size_t i = 0; i < text.size(); i += 2) {
    int hi = hex_value(text[i]), lo = hex_value(text[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out.push_back(static_cast<std::uint8_t>(hi << 4 | lo));
  }
  return true;
}

bool decode_base64(std::string_view text, rdata_bytes& out) {
  if (text.size() % 4 != 0) return false;
  for (std::size_t i = 0; i < text.size(); i += 4) {
    int v[4];
    int pad = 0;
    for (int k = 0; k < 4; ++k) {
      char c = text[i + static_cast<std::size_t>(k)];
      if (c == '=') {
        // Padding only in the last quantum, only in its last two places, and only trailing.
        if (i + 4 != text.size() || k < 2) return false;
        ++pad;
        v[k] = 0;
        continue;
      }
      if (pad != 0) return false;
      v[k] = base64_value(c);
      if (v[k] < 0) return false;
    }
    std::uint32_t q = (static_cast<std::uint32_t>(v[0]) << 18) | (static_cast<std::uint32_t>(v[1]) << 12) |
                      (static_cast<std::uint32_t>(v[2]) << 6) | static_cast<std::uint32_t>(v[3]);
    out.push_back(static_cast<std::uint8_t>(q >> 16));
    if (pad < 2) out.push_back(static_cast<std::uint8_t>(q >> 8));
    if (pad < 1) out.push_back(static_cast<std::uint8_t>(q));
  }
  return true;
}

bool decode_base32hex(std::string_view text, rdata_bytes& out) {
  std::uint64_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    int v = base32hex_value(c);
    if (v < 0) return false;
    buffer = (buffer << 5) | static_cast<std::uint64_t>(v);
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<std::uint8_t>(buffer >> bits));
    }
  }
  // Leftover bits must be fewer than a byte's worth of characters and zero (canonical form).
  if (bits >= 5) return false;
  return (buffer & ((1U << bits) - 1)) == 0;
}

std::error_code unescape(std::string_view text, std::string& out) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c != '\\') {
      out.push_back(c);
      continue;
    }
    if (++i >= text.size()) return errc::bad_escape;
    if (is_digit(text[i])) {
      if (i + 2 >= text.size() || !is_digit(text[i + 1]) || !is_digit(text[i + 2])) {
        return errc::bad_escape;
      }
      int v = (text[i] - '0') * 100 + (text[i + 1] - '0') * 10 + (text[i + 2] - '0');
      if (v > 255) return errc::bad_escape;
      out.push_back(static_cast<char>(v));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return {};
}

void append_quoted(std::span<const std::uint8_t> data, std::string& out) {
  out.push_back('"');
  for (std::uint8_t b : data) {
    if (b < 0x20 || b >= 0x7F) {
      out.push_back('\\');
      out.push_back(static_cast<char>('0' + b / 100));
      out.push_back(static_cast<char>('0' + b / 10 % 10));
      out.push_back(static_cast<char>('0' + b % 10));
    } else {
      if (b == '"' || b == '\\') out.push_back('\\');
      out.push_back(static_cast<char>(b));
    }
  }
  out.push_back('"');
}

// Howard Hinnant's civil calendar algorithms (public domain description, own code).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) noexcept {
  y -= m <= 2 ? 1 : 0;
  std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  auto yoe = static_cast<unsigned>(y - era * 400);
  unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

void civil_from_days(std::int64_t z, std::int64_t& y, unsigned& m, unsigned& d) noexcept {
  z += 719468;
  std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  auto doe = static_cast<unsigned>(z - era * 146097);
  unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  std::int64_t year = static_cast<std::int64_t>(yoe) + era * 400;
  unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = year + (m <= 2 ? 1 : 0);
}

}  // namespace dnskit::dns::detail

#include <arpa/inet.h>

namespace dnskit::dns::detail {

void append_ipv4(std::span<const std::uint8_t, 4> a, std::string& out) {
  for (std::size_t i = 0; i < 4; ++i) {
    if (i != 0) out.push_back('.');
    out += std::to_string(a[i]);
  }
}

void append_ipv6(std::span<const std::uint8_t, 16> a, std::string& out) {
  char buf[INET6_ADDRSTRLEN];
  if (inet_ntop(AF_INET6, a.data(), buf, sizeof buf) != nullptr) out += buf;
}

bool parse_ipv4(std::string_view text, std::uint8_t (&out)[4]) {
  // Strict dotted quad: four decimal parts 0..255 (inet_pton's AF_INET rules).
  if (text.size() > 15) return false;
  char buf[16];
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  return inet_pton(AF_INET, buf, out) == 1;
}

bool parse_ipv6(std::string_view text, std::uint8_t (&out)[16]) {
  if (text.size() >= INET6_ADDRSTRLEN) return false;
  char buf[INET6_ADDRSTRLEN];
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  return inet_pton(AF_INET6, buf, out) == 1;
}

}  // namespace dnskit::dns::detail
