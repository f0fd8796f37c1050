// IPSECKEY (RFC 4025): the gateway's form depends on the gateway type octet before it.
#include "dnskit/dns/errc.hpp"
#include "name_wire.hpp"
#include "rdata_special.hpp"
#include "text_util.hpp"

namespace dnskit::dns::detail {
namespace {

// RFC 4025 §2.3 gateway types.
enum : std::uint8_t { gateway_none = 0, gateway_ipv4 = 1, gateway_ipv6 = 2, gateway_name = 3 };

// dig breaks base64 into chunks of 56 characters, as for DNSKEY.
constexpr std::size_t split_width = 56;

}  // namespace

std::size_t ipseckey_extent(std::span<const std::uint8_t> data, std::error_code& ec) noexcept {
  std::size_t gateway = 0;
  if (data.size() < 3) {
    ec = errc::bad_rdata;
    return 0;
  }
  switch (data[1]) {
    case gateway_none: gateway = 0; break;
    case gateway_ipv4: gateway = 4; break;
    case gateway_ipv6: gateway = 16; break;
    case gateway_name:
      gateway = name_extent(data.subspan(3), ec);
      if (ec == errc::short_read) ec = errc::bad_rdata;
      if (ec) return 0;
      break;
    default: ec = errc::bad_rdata; return 0;
  }
  if (data.size() - 3 <= gateway) {  // the key may not be empty (BIND 9.18)
    ec = errc::bad_rdata;
    return 0;
  }
  return data.size();
}

std::error_code ipseckey_from_text(std::span<const text_token> tokens, std::size_t& i, const name& origin,
                                   rdata_bytes& out) {
  std::uint64_t v[3] = {};
  for (int k = 0; k < 3; ++k, ++i) {
    if (i >= tokens.size()) return errc::missing_field;
    if (!parse_uint(tokens[i].text, 0xFF, v[k])) return errc::bad_number;
    if (k == 1 && v[k] > gateway_name) return errc::bad_number;  // §2.3: types 0-3 only
    out.push_back(static_cast<std::uint8_t>(v[k]));
  }
  if (i >= tokens.size()) return errc::missing_field;
  std::string_view gw = tokens[i].text;
  if (tokens[i].quoted) return errc::bad_field;
  switch (v[1]) {
    case gateway_none:
      if (gw != ".") return errc::bad_field;  // §2.3: no gateway is written "."
      break;
    case gateway_ipv4: {
      std::uint8_t a[4];
      if (!parse_ipv4(gw, a)) return errc::bad_address;
      out.insert(out.end(), a, a + 4);
      break;
    }
    case gateway_ipv6: {
      std::uint8_t a[16];
      if (!parse_ipv6(gw, a)) return errc::bad_address;
      out.insert(out.end(), a, a + 16);
      break;
    }
    default: {
      std::error_code ec;
      name n = name::from_text(gw, origin, ec);
      if (ec) return ec;
      out.insert(out.end(), n.wire().begin(), n.wire().end());
    }
  }
  ++i;
  if (i >= tokens.size()) return errc::missing_field;
  std::string key;
  std::size_t first = i;
  for (; i < tokens.size(); ++i) key += tokens[i].text;
  if (!decode_base64(key, out)) {
    i = first;
    return errc::bad_base64;
  }
  return {};
}

bool append_ipseckey_text(std::span<const std::uint8_t> data, std::string& out) {
  std::error_code ec;
  if (ipseckey_extent(data, ec) != data.size() || ec) return false;
  out += std::to_string(data[0]) + ' ' + std::to_string(data[1]) + ' ' + std::to_string(data[2]) + ' ';
  std::size_t pos = 3;
  switch (data[1]) {
    case gateway_none: out.push_back('.'); break;
    case gateway_ipv4:
      append_ipv4(data.subspan(3).first<4>(), out);
      pos += 4;
      break;
    case gateway_ipv6:
      append_ipv6(data.subspan(3).first<16>(), out);
      pos += 16;
      break;
    default: {
      std::size_t n = name_extent(data.subspan(3), ec);
      name gw = name::from_wire(data.subspan(3, n), ec);
      if (ec) return false;
      gw.append_text(out);
      pos += n;
    }
  }
  out.push_back(' ');
  append_base64(data.subspan(pos), out, split_width);
  return true;
}

}  // namespace dnskit::dns::detail
