// Typed views of common rdata, and builders.
#include <cstring>

#include "dnskit/dns/errc.hpp"
#include "dnskit/dns/rdata.hpp"
#include "name_wire.hpp"

namespace dnskit::dns {
namespace {

// A cursor over canonical rdata for the views below.
struct cursor {
  std::span<const std::uint8_t> d;
  std::size_t pos = 0;
  bool ok = true;

  std::uint32_t num(std::size_t n) {
    if (!ok || d.size() - pos < n) {
      ok = false;
      return 0;
    }
    std::uint32_t v = 0;
    for (std::size_t i = 0; i < n; ++i) v = v << 8 | d[pos + i];
    pos += n;
    return v;
  }
  name read_name() {
    if (!ok) return {};
    std::error_code ec;
    std::size_t n = detail::name_extent(d.subspan(pos), ec);
    if (ec) {
      ok = false;
      return {};
    }
    name result = name::from_wire(d.subspan(pos, n), ec);
    pos += n;
    return result;
  }
  bool done() const { return ok && pos == d.size(); }
};

void put(rdata_bytes& out, std::uint32_t v, int n) {
  for (int i = n - 1; i >= 0; --i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

}  // namespace

std::optional<std::array<std::uint8_t, 4>> a_address(std::span<const std::uint8_t> rdata) {
  if (rdata.size() != 4) return std::nullopt;
  std::array<std::uint8_t, 4> a;
  std::memcpy(a.data(), rdata.data(), 4);
  return a;
}

std::optional<std::array<std::uint8_t, 16>> aaaa_address(std::span<const std::uint8_t> rdata) {
  if (rdata.size() != 16) return std::nullopt;
  std::array<std::uint8_t, 16> a;
  std::memcpy(a.data(), rdata.data(), 16);
  return a;
}

std::optional<name> rdata_name(std::span<const std::uint8_t> rdata) {
  std::error_code ec;
  name n = name::from_wire(rdata, ec);
  if (ec) return std::nullopt;
  return n;
}

std::optional<soa_fields> soa(std::span<const std::uint8_t> rdata) {
  cursor c{rdata};
  soa_fields s{c.read_name(), c.read_name(), 0, 0, 0, 0, 0};
  s.serial = c.num(4);
  s.refresh = c.num(4);
  s.retry = c.num(4);
  s.expire = c.num(4);
  s.minimum = c.num(4);
  if (!c.done()) return std::nullopt;
  return s;
}

std::optional<mx_fields> mx(std::span<const std::uint8_t> rdata) {
  cursor c{rdata};
  mx_fields m;
  m.preference = static_cast<std::uint16_t>(c.num(2));
  m.exchange = c.read_name();
  if (!c.done()) return std::nullopt;
  return m;
}

std::optional<srv_fields> srv(std::span<const std::uint8_t> rdata) {
  cursor c{rdata};
  srv_fields s;
  s.priority = static_cast<std::uint16_t>(c.num(2));
  s.weight = static_cast<std::uint16_t>(c.num(2));
  s.port = static_cast<std::uint16_t>(c.num(2));
  s.target = c.read_name();
  if (!c.done()) return std::nullopt;
  return s;
}

std::optional<std::vector<std::string>> txt_strings(std::span<const std::uint8_t> rdata) {
  if (rdata.empty()) return std::nullopt;
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos < rdata.size()) {
    std::size_t len = rdata[pos];
    if (rdata.size() - pos - 1 < len) return std::nullopt;
    out.emplace_back(reinterpret_cast<const char*>(rdata.data()) + pos + 1, len);
    pos += 1 + len;
  }
  return out;
}

rdata_bytes make_soa(const soa_fields& s) {
  rdata_bytes out;
  out.reserve(s.mname.wire_size() + s.rname.wire_size() + 20);
  out.insert(out.end(), s.mname.wire().begin(), s.mname.wire().end());
  out.insert(out.end(), s.rname.wire().begin(), s.rname.wire().end());
  for (std::uint32_t v : {s.serial, s.refresh, s.retry, s.expire, s.minimum}) put(out, v, 4);
  return out;
}

rdata_bytes make_name_rdata(const name& n) { return rdata_bytes(n.wire().begin(), n.wire().end()); }

}  // namespace dnskit::dns
