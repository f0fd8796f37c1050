#include "query_wire.hpp"

#include <span>

#include "dnskit/dns/edns_option.hpp"
#include "dnskit/dns/header_bits.hpp"
#include "dnskit/dns/wire.hpp"

namespace dnskit::resolver::detail {

std::size_t write_query(query_buffer& out, std::uint16_t id, const dns::name& qname,
                        const query_params& params) noexcept {
  dns::wire_writer w(out);
  // RFC 1035 §4.1.1: QR=0, OPCODE=QUERY, RD as asked; RFC 4035 §3.2.2: CD.
  const std::uint8_t hi = params.recursion_desired ? dns::flags_hi::rd : 0;
  const std::uint8_t lo = params.checking_disabled ? dns::flags_lo::cd : 0;
  w.u16(id);
  w.u16(dns::flags_word(hi, lo));
  w.u16(1);                    // QDCOUNT
  w.u16(0);                    // ANCOUNT
  w.u16(0);                    // NSCOUNT
  w.u16(params.edns ? 1 : 0);  // ARCOUNT: the OPT record
  w.bytes(qname.wire());       // at most 255 octets (dns::name guarantees it)
  w.u16(static_cast<std::uint16_t>(params.type));
  w.u16(static_cast<std::uint16_t>(params.qclass));
  if (const auto& e = params.edns) {
    std::size_t rdlength = 0;
    for (const auto& o : e->options) rdlength += dns::edns_option_header_size + o.data.size();
    // The options are left out when they do not fit (see query_buffer); the OPT itself always
    // does.
    const bool with_options = w.size() + dns::opt_fixed_size + rdlength <= w.capacity();
    dns::write_opt_fixed(w, e->udp_payload_size, e->extended_rcode, e->version,
                         dns::edns_flags(e->dnssec_ok, e->z),
                         static_cast<std::uint16_t>(with_options ? rdlength : 0));
    if (with_options) {
      for (const auto& o : e->options) dns::write_edns_option(w, o.code, o.data);
    }
  }
  return w.size();
}

}  // namespace dnskit::resolver::detail
