// Message <-> canonical rdata and layout checks, driven by the field table.
#include "dnskit/dns/errc.hpp"
#include "dnskit/dns/rdata.hpp"
#include "name_wire.hpp"
#include "rdata_descriptor.hpp"

namespace dnskit::dns {

using detail::field;

namespace {

// Checks that the fields of `d` fill `rdata` exactly (canonical form, names uncompressed).
std::error_code check_fields(const detail::rdata_descriptor& d, std::span<const std::uint8_t> rdata) {
  std::size_t pos = 0;
  for (field f : d.view()) {
    std::error_code ec;
    pos += detail::field_extent(f, rdata.subspan(pos), ec);
    if (ec) return ec;
  }
  return pos == rdata.size() ? std::error_code{} : make_error_code(errc::bad_rdata);
}

}  // namespace

std::error_code validate_rdata(rr_type type, std::span<const std::uint8_t> rdata) {
  if (rdata.size() > 0xFFFF) return errc::bad_rdata;
  const auto* d = detail::find_descriptor(type);
  if (d == nullptr) return {};
  return check_fields(*d, rdata);
}

std::error_code rdata_from_wire(rr_type type, wire_reader& reader, std::size_t rdlength, rdata_bytes& out) {
  out.clear();
  const auto* d = detail::find_descriptor(type);
  if (d == nullptr || !d->expands_names) {
    // No name the message may have compressed: the bytes are already canonical, and are
    // checked against the layout and copied in one go (A, AAAA, TXT, ...; opaque types).
    const auto b = reader.bytes(rdlength);
    if (reader.error()) return reader.error();
    if (d != nullptr) {
      if (auto ec = check_fields(*d, b)) return ec;
    }
    out.assign(b.begin(), b.end());
    return {};
  }
  wire_reader r = reader.sub(rdlength);
  if (r.error()) return r.error();
  out.reserve(rdlength + 16);  // compressed names grow when expanded
  for (field f : d->view()) {
    if (f == field::name_compressed || f == field::name_in_only) {
      name n = r.read_name();
      if (r.error()) {
        // The rdata ended inside the name: the rdata is wrong, not the message.
        return r.error() == errc::short_read ? make_error_code(errc::bad_rdata) : r.error();
      }
      out.insert(out.end(), n.wire().begin(), n.wire().end());
      continue;
    }
    auto rest = r.message().subspan(r.offset(), r.remaining());
    std::error_code ec;
    std::size_t n = detail::field_extent(f, rest, ec);
    if (ec) return ec;
    auto b = r.bytes(n);
    out.insert(out.end(), b.begin(), b.end());
  }
  if (!r.at_end()) return errc::bad_rdata;
  return {};
}

bool rdata_names_compressible(rr_type type) noexcept {
  // RFC 3597 §4: the RFC 1035 types only.
  switch (type) {
    case rr_type::ns: case rr_type::md: case rr_type::mf: case rr_type::cname: case rr_type::soa:
    case rr_type::mb: case rr_type::mg: case rr_type::mr: case rr_type::ptr: case rr_type::minfo:
    case rr_type::mx:
      return true;
    default:
      return false;
  }
}

}  // namespace dnskit::dns
