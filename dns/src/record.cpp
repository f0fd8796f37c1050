#include "dnskit/dns/record.hpp"

#include "dnskit/dns/errc.hpp"

namespace dnskit::dns {

std::string record::to_text() const {
  std::string out;
  out.reserve(owner.wire_size() + rdata.size() * 2 + 32);
  owner.append_text(out);
  out.push_back(' ');
  out += std::to_string(ttl);
  out.push_back(' ');
  out += dns::to_string(klass);
  out.push_back(' ');
  out += dns::to_string(type);
  out.push_back(' ');
  append_rdata_text(type, rdata, out);
  return out;
}

std::error_code read_record(wire_reader& reader, record& out) {
  out.owner = reader.read_name();
  out.type = static_cast<rr_type>(reader.u16());
  out.klass = static_cast<rr_class>(reader.u16());
  out.ttl = reader.u32();
  std::uint16_t rdlength = reader.u16();
  if (reader.error()) return reader.error();
  if (rdlength == 0 && (out.klass == rr_class::any || out.klass == rr_class::none)) {
    // RFC 2136 §2.4/§2.5: UPDATE prerequisites and deletions carry no rdata whatever the type.
    out.rdata.clear();
    return {};
  }
  return rdata_from_wire(out.type, reader, rdlength, out.rdata);
}

void write_record(wire_writer& writer, const record& r, bool compress) {
  writer.write_name(r.owner, compress);
  writer.u16(static_cast<std::uint16_t>(r.type));
  writer.u16(static_cast<std::uint16_t>(r.klass));
  writer.u32(r.ttl);
  if (compress) {
    writer.write_rdata(r.type, r.rdata);
    return;
  }
  writer.u16(static_cast<std::uint16_t>(r.rdata.size()));  // stored rdata is uncompressed
  writer.bytes(r.rdata);
}

}  // namespace dnskit::dns
