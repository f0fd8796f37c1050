// The one table of rdata layouts. Adding a type is adding a row here (and its vectors in
// tests/dns/data/rdata_vectors.txt); the codecs never switch on the type.
#include <initializer_list>

#include "dnskit/dns/errc.hpp"
#include "name_wire.hpp"
#include "rdata_descriptor.hpp"
#include "rdata_special.hpp"
#include "svc_params.hpp"

namespace dnskit::dns::detail {
namespace {

struct row {
  std::uint16_t type;
  rdata_descriptor descriptor;
};

constexpr row make(rr_type type, std::initializer_list<field> fields) {
  row r{static_cast<std::uint16_t>(type), {}};
  for (field f : fields) {
    r.descriptor.fields[r.descriptor.count++] = f;
    if (f == field::name_compressed || f == field::name_in_only) r.descriptor.expands_names = true;
  }
  return r;
}

using f = field;
constexpr row table[] = {
    make(rr_type::a, {f::ipv4}),
    make(rr_type::ns, {f::name_compressed}),
    make(rr_type::md, {f::name_compressed}),
    make(rr_type::mf, {f::name_compressed}),
    make(rr_type::cname, {f::name_compressed}),
    make(rr_type::soa, {f::name_compressed, f::name_compressed, f::u32, f::ttl, f::ttl, f::ttl, f::ttl}),
    make(rr_type::mb, {f::name_compressed}),
    make(rr_type::mg, {f::name_compressed}),
    make(rr_type::mr, {f::name_compressed}),
    make(rr_type::ptr, {f::name_compressed}),
    make(rr_type::hinfo, {f::string, f::string}),
    make(rr_type::minfo, {f::name_compressed, f::name_compressed}),
    make(rr_type::mx, {f::u16, f::name_compressed}),
    make(rr_type::txt, {f::strings}),
    make(rr_type::rp, {f::name_in_only, f::name_in_only}),                 // RFC 1183
    make(rr_type::afsdb, {f::u16, f::name_in_only}),                       // RFC 1183
    make(rr_type::x25, {f::string}),                                       // RFC 1183
    make(rr_type::rt, {f::u16, f::name_in_only}),                          // RFC 1183
    make(rr_type::sig, {f::type, f::u8, f::u8, f::u32, f::time, f::time, f::u16, f::name_in_only, f::base64}),  // RFC 2535
    make(rr_type::key, {f::u16, f::u8, f::u8, f::base64}),                 // RFC 2535
    make(rr_type::px, {f::u16, f::name_in_only, f::name_in_only}),         // RFC 2163
    make(rr_type::aaaa, {f::ipv6}),
    make(rr_type::loc, {f::loc}),                                          // RFC 1876
    make(rr_type::srv, {f::u16, f::u16, f::u16, f::name_in_only}),         // RFC 2782
    make(rr_type::naptr, {f::u16, f::u16, f::string, f::string, f::string, f::name_in_only}),  // RFC 3403
    make(rr_type::kx, {f::u16, f::name_plain}),                            // RFC 2230
    make(rr_type::cert, {f::cert_type, f::u16, f::algorithm, f::base64}),  // RFC 4398
    make(rr_type::dname, {f::name_in_only}),                               // RFC 6672 §2.5
    make(rr_type::apl, {f::apl}),                                          // RFC 3123
    make(rr_type::ds, {f::u16, f::u8, f::u8, f::hex}),                     // RFC 4034 §5
    make(rr_type::sshfp, {f::u8, f::u8, f::hex}),                          // RFC 4255
    make(rr_type::ipseckey, {f::ipseckey}),                                // RFC 4025
    make(rr_type::rrsig, {f::type, f::u8, f::u8, f::u32, f::time, f::time, f::u16, f::name_plain, f::base64}),
    make(rr_type::nsec, {f::name_plain, f::type_bitmap}),                  // RFC 4034 §4
    make(rr_type::dnskey, {f::u16, f::u8, f::u8, f::base64}),              // RFC 4034 §2
    make(rr_type::dhcid, {f::base64}),                                     // RFC 4701
    make(rr_type::nsec3, {f::u8, f::u8, f::u16, f::hex_len, f::base32hex_len, f::type_bitmap}),  // RFC 5155
    make(rr_type::nsec3param, {f::u8, f::u8, f::u16, f::hex_len}),
    make(rr_type::tlsa, {f::u8, f::u8, f::u8, f::hex}),                    // RFC 6698
    make(rr_type::smimea, {f::u8, f::u8, f::u8, f::hex}),                  // RFC 8162
    make(rr_type::hip, {f::hip}),                                          // RFC 8005
    make(rr_type::cds, {f::u16, f::u8, f::u8, f::hex}),                    // RFC 7344
    make(rr_type::cdnskey, {f::u16, f::u8, f::u8, f::base64}),
    make(rr_type::openpgpkey, {f::base64}),                                // RFC 7929
    make(rr_type::csync, {f::u32, f::u16, f::type_bitmap}),                // RFC 7477
    make(rr_type::zonemd, {f::u32, f::u8, f::u8, f::hex}),                 // RFC 8976
    make(rr_type::svcb, {f::u16, f::name_plain, f::svc_params}),           // RFC 9460
    make(rr_type::https, {f::u16, f::name_plain, f::svc_params}),
    make(rr_type::spf, {f::strings}),                                      // RFC 7208
    make(static_cast<rr_type>(105), {f::u16, f::ipv4}),                    // L32, RFC 6742
    make(static_cast<rr_type>(107), {f::u16, f::name_plain}),              // LP, RFC 6742
    make(rr_type::eui48, {f::eui48}),                                      // RFC 7043
    make(rr_type::eui64, {f::eui64}),
    make(rr_type::uri, {f::u16, f::u16, f::text_rest}),                    // RFC 7553
    make(rr_type::caa, {f::u8, f::caa_tag, f::text_rest}),                 // RFC 8659
    make(static_cast<rr_type>(32768), {f::u16, f::u8, f::u8, f::hex}),     // TA
    make(static_cast<rr_type>(32769), {f::u16, f::u8, f::u8, f::hex}),     // DLV, RFC 4431
};

bool is_alnum(std::uint8_t c) noexcept {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// RFC 4034 §4.1.2: windows in increasing order, 1..32 bitmap octets, no trailing zero octet.
bool valid_bitmap(std::span<const std::uint8_t> data) noexcept {
  int last_window = -1;
  std::size_t pos = 0;
  while (pos < data.size()) {
    if (data.size() - pos < 2) return false;
    int window = data[pos];
    std::size_t len = data[pos + 1];
    if (window <= last_window || len == 0 || len > 32 || data.size() - pos - 2 < len) return false;
    if (data[pos + 1 + len] == 0) return false;
    last_window = window;
    pos += 2 + len;
  }
  return true;
}

}  // namespace

namespace {

// Direct index for the types below 512 (every decoded record looks its type up); the few
// private-range rows (TA, DLV) are found by a scan.
constexpr std::size_t direct_size = 512;
constexpr std::array<std::uint8_t, direct_size> direct_index = [] {
  std::array<std::uint8_t, direct_size> index{};
  index.fill(0xFF);
  for (std::size_t i = 0; i < std::size(table); ++i) {
    if (table[i].type < direct_size) index[table[i].type] = static_cast<std::uint8_t>(i);
  }
  return index;
}();
static_assert(std::size(table) < 0xFF);

}  // namespace

const rdata_descriptor* find_descriptor(rr_type type) noexcept {
  auto v = static_cast<std::uint16_t>(type);
  if (v < direct_size) {
    std::uint8_t i = direct_index[v];
    return i == 0xFF ? nullptr : &table[i].descriptor;
  }
  for (const row& r : table) {
    if (r.type == v) return &r.descriptor;
  }
  return nullptr;
}

std::size_t field_extent(field fd, std::span<const std::uint8_t> data, std::error_code& ec) noexcept {
  auto fixed = [&](std::size_t n) -> std::size_t {
    if (data.size() < n) {
      ec = errc::bad_rdata;
      return 0;
    }
    return n;
  };
  auto fail = [&]() -> std::size_t {
    ec = errc::bad_rdata;
    return 0;
  };
  switch (fd) {
    case field::u8:
    case field::algorithm: return fixed(1);
    case field::u16:
    case field::cert_type:
    case field::type: return fixed(2);
    case field::u32:
    case field::ttl:
    case field::time:
    case field::ipv4: return fixed(4);
    case field::ipv6: return fixed(16);
    case field::eui48: return fixed(6);
    case field::eui64: return fixed(8);
    case field::name_compressed:
    case field::name_in_only:
    case field::name_plain: {
      std::size_t n = name_extent(data, ec);
      if (ec == errc::short_read) ec = errc::bad_rdata;
      return n;
    }
    case field::string:
    case field::hex_len:
      if (data.empty() || data.size() < 1 + std::size_t{data[0]}) return fail();
      return 1 + std::size_t{data[0]};
    case field::base32hex_len:
      if (data.empty() || data[0] == 0 || data.size() < 1 + std::size_t{data[0]}) return fail();
      return 1 + std::size_t{data[0]};
    case field::caa_tag: {
      if (data.empty() || data[0] == 0 || data.size() < 1 + std::size_t{data[0]}) return fail();
      for (std::size_t i = 1; i <= data[0]; ++i) {
        if (!is_alnum(data[i])) return fail();
      }
      return 1 + std::size_t{data[0]};
    }
    case field::strings: {
      if (data.empty()) return fail();
      std::size_t pos = 0;
      while (pos < data.size()) {
        if (data.size() - pos < 1 + std::size_t{data[pos]}) return fail();
        pos += 1 + std::size_t{data[pos]};
      }
      return pos;
    }
    case field::text_rest:
    case field::base64:
    case field::hex: return data.size();
    case field::type_bitmap:
      if (!valid_bitmap(data)) return fail();
      return data.size();
    case field::svc_params:
      if (!valid_svc_params(data)) return fail();
      return data.size();
    case field::loc: return loc_extent(data, ec);
    case field::apl: return apl_extent(data, ec);
    case field::ipseckey: return ipseckey_extent(data, ec);
    case field::hip: return hip_extent(data, ec);
  }
  return fail();
}

}  // namespace dnskit::dns::detail
