#include "query_wire.hpp"

#include <algorithm>
#include <span>

#include "dnskit/dns/edns_option.hpp"
#include "dnskit/dns/header_bits.hpp"

namespace dnskit::resolver::detail {
namespace {

class writer {
 public:
  explicit writer(query_buffer& b) noexcept : buf_(b) {}
  void u8(std::uint8_t v) noexcept { buf_[pos_++] = v; }
  void u16(std::uint16_t v) noexcept {
    u8(static_cast<std::uint8_t>(v >> 8));
    u8(static_cast<std::uint8_t>(v & 0xff));
  }
  void bytes(std::span<const std::uint8_t> b) noexcept {
    std::copy(b.begin(), b.end(), buf_.begin() + static_cast<std::ptrdiff_t>(pos_));
    pos_ += b.size();
  }
  std::size_t size() const noexcept { return pos_; }
  std::size_t room() const noexcept { return buf_.size() - pos_; }

 private:
  query_buffer& buf_;
  std::size_t pos_ = 0;
};

}  // namespace

std::size_t write_query(query_buffer& out, std::uint16_t id, const dns::name& qname,
                        const query_params& params) noexcept {
  writer w(out);
  // RFC 1035 §4.1.1: QR=0, OPCODE=QUERY, RD as asked; RFC 4035 §3.2.2: CD.
  const std::uint8_t hi = params.recursion_desired ? dns::flags_hi::rd : 0;
  const std::uint8_t lo = params.checking_disabled ? dns::flags_lo::cd : 0;
  w.u16(id);
  w.u16(dns::flags_word(hi, lo));
  w.u16(1);                         // QDCOUNT
  w.u16(0);                         // ANCOUNT
  w.u16(0);                         // NSCOUNT
  w.u16(params.edns ? 1 : 0);       // ARCOUNT: the OPT record
  w.bytes(qname.wire());            // at most 255 octets (dns::name guarantees it)
  w.u16(static_cast<std::uint16_t>(params.type));
  w.u16(static_cast<std::uint16_t>(params.qclass));
  if (const auto& e = params.edns) {
    // RFC 6891 §6.1.2-3: root owner, TYPE OPT, CLASS = payload size, TTL = extended rcode,
    // version, DO and the other flag bits.
    w.u8(0);
    w.u16(static_cast<std::uint16_t>(dns::rr_type::opt));
    w.u16(e->udp_payload_size);
    w.u8(e->extended_rcode);
    w.u8(e->version);
    w.u16(dns::edns_flags(e->dnssec_ok, e->z));
    std::size_t rdlength = 0;
    for (const auto& o : e->options) rdlength += dns::edns_option_header_size + o.data.size();
    if (rdlength + 2 > w.room() || rdlength > 0xffff) rdlength = 0;  // see query_buffer
    w.u16(static_cast<std::uint16_t>(rdlength));
    if (rdlength > 0) {
      for (const auto& o : e->options) {
        w.u16(o.code);
        w.u16(static_cast<std::uint16_t>(o.data.size()));
        w.bytes(o.data);
      }
    }
  }
  return w.size();
}

}  // namespace dnskit::resolver::detail
