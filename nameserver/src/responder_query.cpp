// Reading queries without allocating: every count is untrusted, every length checked against the
// bytes that are there, and a loop never runs longer than the data allows.
#include "responder_query.hpp"

#include <algorithm>

#include "dnskit/dns/edns_option.hpp"
#include "dnskit/dns/header_bits.hpp"
#include "dnskit/dns/rr_type.hpp"
#include "dnskit/dns/wire_name.hpp"

namespace dnskit::nameserver::detail {

namespace {

constexpr std::uint8_t opcode_query = static_cast<std::uint8_t>(dns::opcode::query);
constexpr std::uint8_t opcode_notify = static_cast<std::uint8_t>(dns::opcode::notify);
constexpr std::uint8_t opcode_update = static_cast<std::uint8_t>(dns::opcode::update);

std::uint16_t load_u16(std::span<const std::uint8_t> w, std::size_t at) noexcept {
  return static_cast<std::uint16_t>((w[at] << 8) | w[at + 1]);
}

// Skips a possibly compressed name starting at `at` (a pointer ends it, unfollowed); returns the
// offset after it, or 0 on a malformed name.
std::size_t skip_name(std::span<const std::uint8_t> w, std::size_t at) noexcept {
  return dns::skip_name(w, w.size(), at) ? 0 : at;
}

// Reads the question's name, which must be uncompressed (a pointer in the first name of a
// message could only point into the header). Returns the offset after it, or 0.
std::size_t read_qname(std::span<const std::uint8_t> w, std::size_t at) noexcept {
  std::error_code ec;
  const std::size_t size = dns::name_extent(w.subspan(at), ec);
  return ec ? 0 : at + size;
}

// The OPT rdata is a list of {code, length, data} options that must fill it exactly
// (RFC 6891 §6.1.2). Notes the options we answer; false when the list overruns the rdata.
bool read_options(std::span<const std::uint8_t> rdata, query_view& q) noexcept {
  std::size_t at = 0;
  while (at < rdata.size()) {
    if (rdata.size() - at < dns::edns_option_header_size) return false;
    const std::uint16_t code = load_u16(rdata, at);
    const std::size_t len = load_u16(rdata, at + 2);
    at += dns::edns_option_header_size;
    if (rdata.size() - at < len) return false;
    if (code == static_cast<std::uint16_t>(dns::edns_option_code::nsid)) {
      q.nsid_requested = true;  // RFC 5001 §2.3: the request is empty; NSD ignores any data too
    } else if (code == static_cast<std::uint16_t>(dns::edns_option_code::cookie) && !q.has_cookie) {
      q.has_cookie = true;
      q.cookie = rdata.subspan(at, len);
    }
    at += len;
  }
  return true;
}

// RFC 7873 §5.2.2: a client cookie alone (8 octets) or with a server cookie of 8 to 32 octets.
bool cookie_well_formed(std::span<const std::uint8_t> cookie) noexcept {
  return cookie.size() == dns::client_cookie_size ||
         (cookie.size() >= dns::client_cookie_size + dns::server_cookie_min_size &&
          cookie.size() <= dns::client_cookie_size + dns::server_cookie_max_size);
}

}  // namespace

std::size_t answer_limit(const query_view& q, bool opt_trusted, bool udp,
                         std::size_t max_udp) noexcept {
  if (!udp) return tcp_maximum;
  return q.has_opt && opt_trusted ? std::clamp<std::size_t>(q.udp_size, udp_minimum, max_udp)
                                  : udp_minimum;
}

parse_status parse_query(std::span<const std::uint8_t> w, query_view& q) noexcept {
  q = query_view{};
  if (w.size() < header_size) return parse_status::drop;
  using offset = dns::header_offset;
  const std::uint8_t hi = w[offset::flags];
  const std::uint8_t lo = w[offset::flags + 1];
  q.id = load_u16(w, offset::id);
  q.qr = (hi & dns::flags_hi::qr) != 0;
  q.opcode = dns::opcode_of(hi);
  q.rd = (hi & dns::flags_hi::rd) != 0;
  q.cd = (lo & dns::flags_lo::cd) != 0;
  q.qdcount = load_u16(w, offset::qdcount);
  q.ancount = load_u16(w, offset::ancount);
  q.nscount = load_u16(w, offset::nscount);
  q.arcount = load_u16(w, offset::arcount);
  if (q.qr) return parse_status::drop;
  if (q.opcode != opcode_query && q.opcode != opcode_notify && q.opcode != opcode_update) {
    return parse_status::not_implemented;
  }
  if (q.qdcount != 1) return parse_status::bad_question;

  const std::size_t name_end = read_qname(w, header_size);
  if (name_end == 0 || w.size() - name_end < 4) return parse_status::bad_question;
  q.qname = w.subspan(header_size, name_end - header_size);
  q.question = w.subspan(header_size, name_end + 4 - header_size);
  q.qtype = load_u16(w, name_end);
  q.qclass = load_u16(w, name_end + 2);
  q.has_question = true;

  // The other sections: each record is at least 11 bytes, so the loop is bounded by the data
  // whatever the counts say. Bytes after the last counted record are ignored, as NSD does.
  std::size_t at = name_end + 4;
  const std::uint32_t records = std::uint32_t{q.ancount} + q.nscount + q.arcount;
  const std::uint32_t first_additional = std::uint32_t{q.ancount} + q.nscount;
  for (std::uint32_t i = 0; i < records; ++i) {
    const std::size_t owner = at;
    at = skip_name(w, at);
    if (at == 0 || w.size() - at < 10) return parse_status::bad_records;
    const std::uint16_t type = load_u16(w, at);
    const std::size_t rdlength = load_u16(w, at + 8);
    const std::size_t rdata = at + 10;
    if (w.size() - rdata < rdlength) return parse_status::bad_records;
    if (type == static_cast<std::uint16_t>(dns::rr_type::soa) && i >= q.ancount &&
        i < first_additional && !q.has_authority_soa) {
      // SOA rdata (RFC 1035 §3.3.13): MNAME, RNAME (either may be compressed), then SERIAL.
      const std::size_t rdata_end = rdata + rdlength;
      const std::span<const std::uint8_t> rr = w.first(rdata_end);
      const std::size_t after_mname = skip_name(rr, rdata);
      const std::size_t after_rname = after_mname == 0 ? 0 : skip_name(rr, after_mname);
      if (after_rname == 0 || rdata_end - after_rname < 20) return parse_status::bad_records;
      q.has_authority_soa = true;
      q.authority_soa_serial = (std::uint32_t{load_u16(w, after_rname)} << 16) |
                               load_u16(w, after_rname + 2);
    }
    if (type == static_cast<std::uint16_t>(dns::rr_type::opt)) {
      // RFC 6891 §6.1.1: one OPT, in the additional section, owned by the root.
      if (i < first_additional || q.has_opt || at != owner + 1 || w[owner] != 0) {
        return parse_status::bad_records;
      }
      if (!read_options(w.subspan(rdata, rdlength), q)) return parse_status::bad_records;
      q.has_opt = true;
      q.udp_size = load_u16(w, at + dns::opt_offset::payload_size);
      q.edns_version = w[at + dns::opt_offset::version];
      q.dnssec_ok = dns::edns_dnssec_ok(load_u16(w, at + dns::opt_offset::flags));
    }
    at = rdata + rdlength;
  }
  if (q.has_cookie && !cookie_well_formed(q.cookie)) return parse_status::bad_cookie;
  return parse_status::ok;
}

}  // namespace dnskit::nameserver::detail
