// dns::message decode and encode (RFC 1035 §4.1, EDNS0 per RFC 6891 §6).
#include "dnskit/dns/message.hpp"

#include <algorithm>
#include <array>
#include <utility>

#include "dnskit/dns/edns_option.hpp"
#include "dnskit/dns/errc.hpp"
#include "dnskit/dns/header_bits.hpp"
#include "dnskit/dns/wire_name.hpp"
#include "dnskit/dns/wire.hpp"
#include "name_wire.hpp"

namespace dnskit::dns {
namespace {

// Smallest possible question (root name + type + class) and record (root name + type + class +
// TTL + rdlength): used to size vectors from counts that are not trusted.
constexpr std::size_t min_question_size = 5;
constexpr std::size_t min_record_size = 11;
constexpr std::size_t max_message_size = 65535;

struct header_counts {
  std::uint16_t qd = 0, an = 0, ns = 0, ar = 0;
};

void read_header(wire_reader& r, header& h, header_counts& counts) {
  h.id = r.u16();
  const std::uint8_t b2 = r.u8();
  const std::uint8_t b3 = r.u8();
  h.qr = (b2 & flags_hi::qr) != 0;
  h.op = static_cast<opcode>(opcode_of(b2));
  h.aa = (b2 & flags_hi::aa) != 0;
  h.tc = (b2 & flags_hi::tc) != 0;
  h.rd = (b2 & flags_hi::rd) != 0;
  h.ra = (b3 & flags_lo::ra) != 0;
  h.z = (b3 & flags_lo::z) != 0;
  h.ad = (b3 & flags_lo::ad) != 0;
  h.cd = (b3 & flags_lo::cd) != 0;
  h.rcode_low = b3 & flags_lo::rcode_mask;
  counts.qd = r.u16();
  counts.an = r.u16();
  counts.ns = r.u16();
  counts.ar = r.u16();
}

void write_header(wire_writer& w, const header& h, const header_counts& counts) {
  std::uint8_t b2 = opcode_bits(static_cast<unsigned>(h.op));
  if (h.qr) b2 |= flags_hi::qr;
  if (h.aa) b2 |= flags_hi::aa;
  if (h.tc) b2 |= flags_hi::tc;
  if (h.rd) b2 |= flags_hi::rd;
  std::uint8_t b3 = h.rcode_low & flags_lo::rcode_mask;
  if (h.ra) b3 |= flags_lo::ra;
  if (h.z) b3 |= flags_lo::z;
  if (h.ad) b3 |= flags_lo::ad;
  if (h.cd) b3 |= flags_lo::cd;
  w.u16(h.id);
  w.u8(b2);
  w.u8(b3);
  w.u16(counts.qd);
  w.u16(counts.an);
  w.u16(counts.ns);
  w.u16(counts.ar);
}

// Reserves room for `count` entries without trusting `count`: each entry needs at least
// `min_size` of the bytes that are left.
template <typename Vector>
void reserve_untrusted(Vector& v, std::size_t count, std::size_t remaining, std::size_t min_size) {
  v.reserve(std::min(count, remaining / min_size));
}

// The OPT record's fields as they stand on the wire, whether read into a record or not.
struct opt_fields {
  bool root_owner = false;
  std::uint16_t klass = 0;
  std::uint32_t ttl = 0;
  std::span<const std::uint8_t> rdata;
};

// RFC 6891 §6.1.2: the OPT record's RDATA is a list of {code, length, data} options.
std::error_code parse_options(std::span<const std::uint8_t> rdata, std::vector<edns_option>& out) {
  out.clear();
  if (rdata.empty()) return {};  // the usual case in responses
  wire_reader r(rdata);
  while (!r.at_end() && !r.error()) {
    edns_option opt;
    opt.code = r.u16();
    const std::uint16_t length = r.u16();
    const auto data = r.bytes(length);
    if (r.error()) break;
    opt.data.assign(data.begin(), data.end());
    out.push_back(std::move(opt));
  }
  if (r.error()) return errc::bad_rdata;  // an option that runs past RDLENGTH
  return {};
}

// RFC 6891 §6.1.2-3: the OPT record's CLASS is the UDP payload size, its TTL carries the
// extended rcode, the version and the flags, its RDATA the options.
std::error_code parse_opt(const opt_fields& f, edns& out) {
  if (!f.root_owner) return errc::bad_opt_owner;  // §6.1.2: "MUST be 0 (root domain)"
  out.udp_payload_size = f.klass;
  out.extended_rcode = static_cast<std::uint8_t>(f.ttl >> 24);
  out.version = static_cast<std::uint8_t>(f.ttl >> 16);
  const auto flags = static_cast<std::uint16_t>(f.ttl);
  out.dnssec_ok = edns_dnssec_ok(flags);
  out.z = flags & static_cast<std::uint16_t>(~edns_do_bit);
  return parse_options(f.rdata, out.options);
}

enum class section_id { answer, authority, additional };

// RFC 6891 §6.1.1: OPT only in the additional section, at most once.
std::error_code take_opt(const opt_fields& f, section_id section, std::optional<edns>& opt) {
  if (section != section_id::additional) return errc::opt_not_in_additional;
  if (opt) return errc::multiple_opt;
  if (auto ec = parse_opt(f, opt.emplace())) {
    opt.reset();
    return ec;
  }
  return {};
}

// Each record is read in place at the end of `out`; an OPT record is taken out again.
// (Empty rdata of class ANY/NONE, RFC 2136 §2.4-2.5, is read_record's business.)
std::error_code read_section(wire_reader& r, std::size_t count, section_id section,
                             std::vector<record>& out, std::optional<edns>& opt) {
  reserve_untrusted(out, count, r.remaining(), min_record_size);
  for (std::size_t i = 0; i < count; ++i) {
    record& rec = out.emplace_back();
    if (auto ec = read_record(r, rec)) {
      out.pop_back();
      return ec;
    }
    if (rec.type != rr_type::opt) continue;
    const opt_fields f{rec.owner.is_root(), static_cast<std::uint16_t>(rec.klass), rec.ttl, rec.rdata};
    auto ec = take_opt(f, section, opt);
    out.pop_back();
    if (ec) return ec;
  }
  return {};
}

// A section decode_options::answer_only leaves out: each record's bounds are checked on the raw
// bytes (this walk is most of an answer-only decode); an OPT record's fields are read from them
// too, without building a record.
std::error_code skip_section(wire_reader& r, std::size_t count, section_id section,
                             std::optional<edns>& opt) {
  const std::span<const std::uint8_t> m = r.message();
  const std::size_t begin = r.offset();
  const std::size_t end = begin + r.remaining();
  std::size_t pos = begin;
  for (std::size_t i = 0; i < count; ++i) {
    const std::size_t start = pos;
    if (auto ec = skip_name(m, end, pos)) return ec;
    if (end - pos < 10) return errc::short_read;  // type, class, TTL, rdlength
    const auto type = static_cast<rr_type>(m[pos] << 8 | m[pos + 1]);
    const std::size_t rdlength = std::size_t{m[pos + 8]} << 8 | m[pos + 9];
    pos += 10;
    if (end - pos < rdlength) return errc::short_read;
    pos += rdlength;
    if (type != rr_type::opt) continue;
    const std::size_t fixed = pos - rdlength - 10;  // type, class, TTL, rdlength
    opt_fields f;
    // The owner is almost always the root label itself; anything else (a pointer that might
    // still lead to the root) is read as a name.
    f.root_owner = fixed == start + 1 && m[start] == 0;
    if (!f.root_owner) {
      wire_reader owner(m, start, fixed);
      const name n = owner.read_name();
      if (owner.error()) return owner.error();
      f.root_owner = n.is_root();
    }
    wire_reader class_and_ttl(m, fixed + 2, fixed + 8);  // inside the bounds checked above
    f.klass = class_and_ttl.u16();
    f.ttl = class_and_ttl.u32();
    f.rdata = m.subspan(pos - rdlength, rdlength);
    if (auto ec = take_opt(f, section, opt)) return ec;
  }
  r.bytes(pos - begin);
  return {};
}

// Writes records whole; stops at the first that does not fit (rolled back). Returns how many
// were written. (A 16-bit count cannot be exceeded in practice: 65535 bytes hold fewer than 6000
// records; the check keeps the count exact anyway.)
std::size_t write_section(wire_writer& w, const std::vector<record>& records,
                          std::size_t max_count, bool& truncated) {
  std::size_t written = 0;
  for (const auto& rec : records) {
    if (truncated || written == max_count) {
      truncated = true;
      break;
    }
    const std::size_t mark = w.size();
    write_record(w, rec);
    if (w.overflow()) {
      w.rollback(mark);
      truncated = true;
      break;
    }
    ++written;
  }
  return written;
}

std::size_t write_questions(wire_writer& w, const question_list& questions, bool& truncated) {
  std::size_t written = 0;
  for (const auto& q : questions) {
    if (truncated || written == 0xffff) {
      truncated = true;
      break;
    }
    const std::size_t mark = w.size();
    w.write_name(q.qname);
    w.u16(static_cast<std::uint16_t>(q.qtype));
    w.u16(static_cast<std::uint16_t>(q.qclass));
    if (w.overflow()) {
      w.rollback(mark);
      truncated = true;
      break;
    }
    ++written;
  }
  return written;
}

void write_opt(wire_writer& w, const edns& e) {
  std::size_t rdlength = 0;
  for (const auto& o : e.options) rdlength += edns_option_header_size + o.data.size();
  write_opt_fixed(w, e.udp_payload_size, e.extended_rcode, e.version,
                  edns_flags(e.dnssec_ok, e.z), static_cast<std::uint16_t>(rdlength));
  for (const auto& o : e.options) write_edns_option(w, o.code, o.data);
}

}  // namespace

std::size_t edns::wire_size() const noexcept {
  std::size_t size = opt_fixed_size;
  for (const auto& o : options) size += edns_option_header_size + o.data.size();
  return size;
}

rcode message::rcode() const noexcept {
  unsigned value = hdr.rcode_low & flags_lo::rcode_mask;
  if (opt) value |= static_cast<unsigned>(opt->extended_rcode) << 4;  // RFC 6891 §6.1.3
  return static_cast<dns::rcode>(value);
}

void message::set_rcode(dns::rcode r) noexcept {
  const auto value = static_cast<unsigned>(r);
  hdr.rcode_low = static_cast<std::uint8_t>(value & flags_lo::rcode_mask);
  if (opt) opt->extended_rcode = static_cast<std::uint8_t>((value >> 4) & 0xffu);
}

std::error_code decode_header(std::span<const std::uint8_t> wire, header& out) {
  if (wire.size() < header::size) return errc::short_read;
  wire_reader r(wire);
  header_counts counts;
  read_header(r, out, counts);
  return r.error();
}

std::error_code decode(std::span<const std::uint8_t> wire, message& out,
                       const decode_options& options) {
  // Clear rather than replace, so a message reused across calls keeps its vectors' capacity.
  out.hdr = header{};
  out.questions.clear();
  out.answer.clear();
  out.authority.clear();
  out.additional.clear();
  out.opt.reset();
  if (wire.size() < header::size) return errc::short_read;
  wire_reader r(wire);
  header_counts counts;
  read_header(r, out.hdr, counts);
  if (r.error()) return r.error();

  const std::size_t total = std::size_t{counts.qd} + counts.an + counts.ns + counts.ar;
  if (total > options.max_records) return errc::too_many_records;

  reserve_untrusted(out.questions, counts.qd, r.remaining(), min_question_size);
  for (std::size_t i = 0; i < counts.qd; ++i) {
    question& q = out.questions.emplace_back();
    q.qname = r.read_name();
    q.qtype = static_cast<rr_type>(r.u16());
    q.qclass = static_cast<rr_class>(r.u16());
    if (r.error()) {
      out.questions.pop_back();
      return r.error();
    }
  }
  if (auto ec = read_section(r, counts.an, section_id::answer, out.answer, out.opt)) return ec;
  if (options.answer_only) {
    // RFC 6891 §7: no OPT record in the query, none in the response; nothing else after the
    // answer section is wanted.
    if (!options.query_had_opt) return {};
    if (auto ec = skip_section(r, counts.ns, section_id::authority, out.opt)) return ec;
    if (auto ec = skip_section(r, counts.ar, section_id::additional, out.opt)) return ec;
  } else {
    if (auto ec = read_section(r, counts.ns, section_id::authority, out.authority, out.opt)) {
      return ec;
    }
    if (auto ec = read_section(r, counts.ar, section_id::additional, out.additional, out.opt)) {
      return ec;
    }
  }
  if (!r.at_end()) return errc::trailing_data;
  return {};
}

encode_result encode(const message& m, std::span<std::uint8_t> buffer, std::size_t max_size) {
  const std::size_t capacity = std::min({max_size, buffer.size(), max_message_size});
  if (capacity < header::size) return {0, true};

  bool truncated = false;
  // RFC 6891 §7: the OPT record must survive truncation, so its room is set aside before any
  // section is written. If even header + OPT do not fit, the message goes out without it.
  std::size_t opt_size = m.opt ? m.opt->wire_size() : 0;
  bool with_opt = m.opt.has_value();
  if (with_opt && (opt_size > capacity - header::size ||
                   opt_size - opt_fixed_size > 0xffff)) {
    with_opt = false;
    opt_size = 0;
    truncated = true;
  }

  // One writer for header + sections, so compression offsets count from the message start.
  wire_writer w(buffer.first(capacity - opt_size));
  const std::array<std::uint8_t, header::size> blank{};
  w.bytes(blank);  // the header is written last, when the counts are known

  header_counts counts;
  counts.qd = static_cast<std::uint16_t>(write_questions(w, m.questions, truncated));
  counts.an = static_cast<std::uint16_t>(write_section(w, m.answer, 0xffff, truncated));
  counts.ns = static_cast<std::uint16_t>(write_section(w, m.authority, 0xffff, truncated));
  std::size_t ar = write_section(w, m.additional, with_opt ? 0xfffe : 0xffff, truncated);
  std::size_t size = w.size();

  if (with_opt) {
    // A separate writer: the OPT has no names, so it needs no compression targets.
    wire_writer ow(buffer.subspan(size, opt_size));
    write_opt(ow, *m.opt);
    size += ow.size();
    ++ar;
  }
  counts.ar = static_cast<std::uint16_t>(ar);

  header h = m.hdr;
  if (truncated) h.tc = true;
  wire_writer hw(buffer.first(header::size));
  write_header(hw, h, counts);
  return {size, truncated};
}

std::vector<std::uint8_t> encode(const message& m, std::size_t max_size, bool* truncated) {
  std::vector<std::uint8_t> out(std::min(max_size, max_message_size));
  const auto result = encode(m, out, max_size);
  out.resize(result.size);
  if (truncated) *truncated = result.truncated;
  return out;
}

message make_query(std::uint16_t id, const name& qname, rr_type qtype, rr_class qclass,
                   bool recursion_desired, std::optional<edns> opt) {
  message m;
  m.hdr.id = id;
  m.hdr.rd = recursion_desired;
  m.questions.push_back(question{qname, qtype, qclass});
  m.opt = std::move(opt);
  return m;
}

}  // namespace dnskit::dns
