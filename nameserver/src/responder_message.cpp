// In-place response encoding on top of dns::wire_writer (compression, bounds, rollback).
#include "responder_message.hpp"

#include <algorithm>

#include "dnskit/dns/header_bits.hpp"

namespace dnskit::nameserver::detail {

namespace {

std::span<std::uint8_t> usable(std::span<std::uint8_t> out, std::size_t limit) noexcept {
  return out.first(std::min({limit, out.size(), std::size_t{65535}}));
}

}  // namespace

std::size_t opt_reply::wire_size() const noexcept {
  std::size_t size = opt_record_size;
  if (has_nsid) size += dns::edns_option_header_size + nsid.size();
  if (has_cookie) size += dns::edns_option_header_size + cookie.size();
  if (has_extended_error) size += dns::edns_option_header_size + dns::extended_error_min_size;
  return size;
}

message_writer::message_writer(std::span<std::uint8_t> out, std::size_t limit,
                               const query_view& q, const opt_reply& opt) noexcept
    : out_(usable(out, limit)), writer_(out_), opt_(opt) {
  if (opt_.present) {
    // Keep the OPT's room out of reach of the sections; if even the header and the OPT do not
    // fit, the options go first (an identity too long for the client's size), then the OPT
    // rather than the header.
    if (out_.size() < header_size + opt_.wire_size()) {
      opt_.has_nsid = opt_.has_cookie = opt_.has_extended_error = false;
    }
    if (out_.size() >= header_size + opt_.wire_size()) {
      writer_.limit(out_.size() - opt_.wire_size());
    } else {
      opt_.present = false;
    }
  }
  flags_hi_ = static_cast<std::uint8_t>(dns::flags_hi::qr | dns::opcode_bits(q.opcode) |
                                        (q.rd ? dns::flags_hi::rd : 0));
  cd_ = q.cd;
  writer_.u16(q.id);
  writer_.u16(0);  // flags: finish()
  writer_.u16(0);  // QDCOUNT
  writer_.u16(0);  // ANCOUNT
  writer_.u16(0);  // NSCOUNT
  writer_.u16(0);  // ARCOUNT
}

bool message_writer::question(const query_view& q, bool as_target) noexcept {
  const std::size_t before = writer_.size();
  if (as_target) {
    // Through write_name so later owners compress against it; the bytes are the client's own.
    writer_.write_name(q.qname, true);
    writer_.u16(q.qtype);
    writer_.u16(q.qclass);
  } else {
    writer_.bytes(q.question);
  }
  if (writer_.overflow()) {
    writer_.rollback(before);
    return false;
  }
  qdcount_ = 1;
  return true;
}

void message_writer::rollback(std::size_t mark, std::uint16_t answer, std::uint16_t authority,
                              std::uint16_t additional) noexcept {
  writer_.rollback(mark);
  counts_[0] = answer;
  counts_[1] = authority;
  counts_[2] = additional;
}

bool message_writer::add(section s, const zones::record_ref& r) noexcept {
  return add(s, r.owner, r.type, r.klass, r.ttl, r.rdata);
}

bool message_writer::add(section s, std::span<const std::uint8_t> owner, dns::rr_type type,
                         dns::rr_class klass, std::uint32_t ttl,
                         std::span<const std::uint8_t> rdata) noexcept {
  auto& n = counts_[static_cast<int>(s)];
  if (n == 0xFFFF) return false;
  const std::size_t before = writer_.size();
  writer_.write_name(owner, true);
  writer_.u16(static_cast<std::uint16_t>(type));
  writer_.u16(static_cast<std::uint16_t>(klass));
  writer_.u32(ttl);
  writer_.write_rdata(type, rdata);
  if (writer_.overflow()) {
    writer_.rollback(before);
    return false;
  }
  ++n;
  return true;
}

std::size_t message_writer::finish(bool aa, bool tc, std::uint8_t rcode_low) noexcept {
  using offset = dns::header_offset;
  const std::uint8_t hi = static_cast<std::uint8_t>(flags_hi_ | (aa ? dns::flags_hi::aa : 0) |
                                                    (tc ? dns::flags_hi::tc : 0));
  // RA, Z and AD stay clear: no recursion, Z must be zero, nothing here is validated.
  const std::uint8_t lo = static_cast<std::uint8_t>((cd_ ? dns::flags_lo::cd : 0) |
                                                    (rcode_low & dns::flags_lo::rcode_mask));
  writer_.patch_u16(offset::flags, dns::flags_word(hi, lo));
  writer_.patch_u16(offset::qdcount, qdcount_);
  writer_.patch_u16(offset::ancount, counts_[0]);
  writer_.patch_u16(offset::nscount, counts_[1]);
  std::uint16_t arcount = counts_[2];
  std::size_t size = writer_.size();
  if (opt_.present && out_.size() - size >= opt_.wire_size()) {
    // RFC 6891 §6.1.2-3: owner root, CLASS = our payload size, TTL = extended rcode, version 0,
    // DO copied (RFC 3225 §3) and the other flag bits zero; then the options. Written into the
    // room reserved at the start.
    dns::wire_writer opt(out_.subspan(size, opt_.wire_size()));
    dns::write_opt_fixed(opt, opt_.payload, opt_.extended_rcode, 0, dns::edns_flags(opt_.dnssec_ok),
                         static_cast<std::uint16_t>(opt_.wire_size() - opt_record_size));
    if (opt_.has_nsid) {
      dns::write_edns_option(opt, static_cast<std::uint16_t>(dns::edns_option_code::nsid),
                             opt_.nsid);
    }
    if (opt_.has_cookie) {
      dns::write_edns_option(opt, static_cast<std::uint16_t>(dns::edns_option_code::cookie),
                             opt_.cookie);
    }
    if (opt_.has_extended_error) {
      const std::array<std::uint8_t, dns::extended_error_min_size> info_code = {
          static_cast<std::uint8_t>(opt_.extended_error >> 8),
          static_cast<std::uint8_t>(opt_.extended_error & 0xFF)};
      dns::write_edns_option(opt, static_cast<std::uint16_t>(dns::edns_option_code::extended_error),
                             info_code);
    }
    size += opt.size();
    ++arcount;
  }
  writer_.patch_u16(offset::arcount, arcount);
  return size;
}

}  // namespace dnskit::nameserver::detail
