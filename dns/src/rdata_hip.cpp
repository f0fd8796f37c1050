// HIP (RFC 8005 §5): HIT and public key behind their own length octets, then rendezvous servers.
#include "dnskit/dns/errc.hpp"
#include "name_wire.hpp"
#include "rdata_special.hpp"
#include "text_util.hpp"

namespace dnskit::dns::detail {

std::size_t hip_extent(std::span<const std::uint8_t> data, std::error_code& ec) noexcept {
  auto fail = [&] {
    ec = errc::bad_rdata;
    return std::size_t{0};
  };
  if (data.size() < 4) return fail();
  std::size_t hit = data[0], key = std::size_t{data[2]} << 8 | data[3];
  // BIND 9.18 wants both a HIT and a key; RFC 8005 §5 gives them no empty form either.
  if (hit == 0 || key == 0 || data.size() - 4 < hit + key) return fail();
  std::size_t pos = 4 + hit + key;
  while (pos < data.size()) {
    std::size_t n = name_extent(data.subspan(pos), ec);
    if (ec == errc::short_read) ec = errc::bad_rdata;
    if (ec) return 0;
    pos += n;
  }
  return pos;
}

std::error_code hip_from_text(std::span<const text_token> tokens, std::size_t& i, const name& origin,
                              rdata_bytes& out) {
  std::uint64_t algorithm = 0;
  if (!parse_uint(tokens[i].text, 0xFF, algorithm)) return errc::bad_number;
  if (++i >= tokens.size()) return errc::missing_field;
  std::size_t at = out.size();
  out.insert(out.end(), {0, static_cast<std::uint8_t>(algorithm), 0, 0});
  if (tokens[i].quoted || !decode_hex(tokens[i].text, out)) return errc::bad_hex;
  std::size_t hit = out.size() - at - 4;
  if (hit == 0 || hit > 0xFF) return errc::bad_hex;
  if (++i >= tokens.size()) return errc::missing_field;
  if (tokens[i].quoted || !decode_base64(tokens[i].text, out)) return errc::bad_base64;
  std::size_t key = out.size() - at - 4 - hit;
  if (key == 0 || key > 0xFFFF) return errc::bad_base64;
  out[at] = static_cast<std::uint8_t>(hit);
  out[at + 2] = static_cast<std::uint8_t>(key >> 8);
  out[at + 3] = static_cast<std::uint8_t>(key);
  for (++i; i < tokens.size(); ++i) {
    if (tokens[i].quoted) return errc::bad_field;
    std::error_code ec;
    name n = name::from_text(tokens[i].text, origin, ec);
    if (ec) return ec;
    out.insert(out.end(), n.wire().begin(), n.wire().end());
  }
  return {};
}

bool append_hip_text(std::span<const std::uint8_t> data, std::string& out) {
  std::error_code ec;
  if (hip_extent(data, ec) != data.size() || ec) return false;
  std::size_t hit = data[0], key = std::size_t{data[2]} << 8 | data[3];
  out += std::to_string(data[1]);
  out.push_back(' ');
  append_hex(data.subspan(4, hit), out);
  out.push_back(' ');
  append_base64(data.subspan(4 + hit, key), out);  // BIND prints the key unbroken
  for (std::size_t pos = 4 + hit + key; pos < data.size();) {
    std::size_t n = name_extent(data.subspan(pos), ec);
    name server = name::from_wire(data.subspan(pos, n), ec);
    if (ec) return false;
    out.push_back(' ');
    server.append_text(out);
    pos += n;
  }
  return true;
}

}  // namespace dnskit::dns::detail
