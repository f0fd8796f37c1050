// APL (RFC 3123): "[!]afi:address/prefix" items <-> afi(2) prefix(1) N|afdlength(1) afdpart.
#include <algorithm>

#include "dnskit/dns/errc.hpp"
#include "rdata_special.hpp"
#include "text_util.hpp"

namespace dnskit::dns::detail {
namespace {

constexpr std::uint16_t afi_ipv4 = 1, afi_ipv6 = 2;  // RFC 3123 §4 (IANA address families)

// The largest address and prefix of a known family, 0 for other families.
std::size_t address_size(std::uint16_t afi) noexcept {
  return afi == afi_ipv4 ? 4 : afi == afi_ipv6 ? 16 : 0;
}

}  // namespace

std::size_t apl_extent(std::span<const std::uint8_t> data, std::error_code& ec) noexcept {
  std::size_t pos = 0;
  while (pos < data.size()) {
    if (data.size() - pos < 4) break;
    auto afi = static_cast<std::uint16_t>(data[pos] << 8 | data[pos + 1]);
    std::size_t prefix = data[pos + 2], len = data[pos + 3] & 0x7Fu;
    if (data.size() - pos - 4 < len) break;
    if (std::size_t max = address_size(afi); max != 0) {
      // §4: the AFD part is at most the address and carries no trailing zero octets.
      if (len > max || prefix > max * 8 || (len != 0 && data[pos + 3 + len] == 0)) break;
    }
    pos += 4 + len;
  }
  if (pos != data.size()) ec = errc::bad_rdata;
  return pos == data.size() ? pos : 0;
}

std::error_code apl_from_text(std::span<const text_token> tokens, std::size_t& i, rdata_bytes& out) {
  for (; i < tokens.size(); ++i) {
    if (tokens[i].quoted) return errc::bad_field;
    std::string_view t = tokens[i].text;
    bool negated = !t.empty() && t[0] == '!';
    if (negated) t.remove_prefix(1);
    std::size_t colon = t.find(':'), slash = t.rfind('/');
    if (colon == std::string_view::npos || slash == std::string_view::npos || slash < colon) return errc::bad_field;
    std::uint64_t afi = 0, prefix = 0;
    if (!parse_uint(t.substr(0, colon), 0xFFFF, afi) || !parse_uint(t.substr(slash + 1), 0xFF, prefix)) {
      return errc::bad_number;
    }
    std::string_view address = t.substr(colon + 1, slash - colon - 1);
    std::uint8_t bytes[16];
    std::size_t size = address_size(static_cast<std::uint16_t>(afi));
    if (size == 4) {
      std::uint8_t a[4];
      if (!parse_ipv4(address, a)) return errc::bad_address;
      std::copy(a, a + 4, bytes);
    } else if (size == 16) {
      if (!parse_ipv6(address, bytes)) return errc::bad_address;
    } else {
      return errc::bad_field;  // only the families with a text form (§5)
    }
    if (prefix > size * 8) return errc::bad_number;
    std::size_t len = size;
    while (len > 0 && bytes[len - 1] == 0) --len;  // §4: trailing zero octets are left out
    out.push_back(static_cast<std::uint8_t>(afi >> 8));
    out.push_back(static_cast<std::uint8_t>(afi));
    out.push_back(static_cast<std::uint8_t>(prefix));
    out.push_back(static_cast<std::uint8_t>((negated ? 0x80u : 0u) | len));
    out.insert(out.end(), bytes, bytes + len);
  }
  return {};
}

bool append_apl_text(std::span<const std::uint8_t> data, std::string& out) {
  for (std::size_t pos = 0; pos + 4 <= data.size();) {
    auto afi = static_cast<std::uint16_t>(data[pos] << 8 | data[pos + 1]);
    std::size_t len = data[pos + 3] & 0x7Fu;
    std::size_t size = address_size(afi);
    if (size == 0 || len > size || data.size() - pos - 4 < len) return false;
    if (pos != 0) out.push_back(' ');
    if ((data[pos + 3] & 0x80) != 0) out.push_back('!');
    out += std::to_string(afi);
    out.push_back(':');
    std::uint8_t address[16] = {};
    std::copy(data.begin() + static_cast<std::ptrdiff_t>(pos + 4),
              data.begin() + static_cast<std::ptrdiff_t>(pos + 4 + len), address);
    if (size == 4) {
      append_ipv4(std::span<const std::uint8_t, 4>(address, 4), out);
    } else {
      append_ipv6(std::span<const std::uint8_t, 16>(address, 16), out);
    }
    out.push_back('/');
    out += std::to_string(data[pos + 2]);
    pos += 4 + len;
  }
  return true;
}

}  // namespace dnskit::dns::detail
