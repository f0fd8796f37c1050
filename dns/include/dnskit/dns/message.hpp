#pragma once
// dns::message: a whole DNS message (RFC 1035 §4.1) with EDNS0 (RFC 6891).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <system_error>
#include <type_traits>
#include <vector>

#include <boost/container/small_vector.hpp>

#include "dnskit/dns/name.hpp"
#include "dnskit/dns/record.hpp"
#include "dnskit/dns/rr_type.hpp"

namespace dnskit::dns {

struct header {
  std::uint16_t id = 0;
  bool qr = false;  // response
  opcode op = opcode::query;
  bool aa = false, tc = false, rd = false, ra = false;
  bool z = false;  // the reserved bit, kept so a decoded header re-encodes identically
  bool ad = false, cd = false;
  std::uint8_t rcode_low = 0;  // the header's 4 rcode bits; see message::rcode()

  static constexpr std::size_t size = 12;
  friend bool operator==(const header&, const header&) = default;
};

struct question {
  name qname;
  rr_type qtype = rr_type::a;
  rr_class qclass = rr_class::in;
  friend bool operator==(const question&, const question&) = default;
};

struct edns_option {
  std::uint16_t code = 0;
  std::vector<std::uint8_t> data;
  friend bool operator==(const edns_option&, const edns_option&) = default;
};

// The OPT pseudo-record's meaning (RFC 6891 §6.1.2-3).
struct edns {
  std::uint16_t udp_payload_size = 1232;
  std::uint8_t extended_rcode = 0;  // upper 8 bits of the 12-bit rcode
  std::uint8_t version = 0;
  bool dnssec_ok = false;
  std::uint16_t z = 0;  // the remaining 15 flag bits
  std::vector<edns_option> options;
  friend bool operator==(const edns&, const edns&) = default;

  // Size of the OPT record carrying this on the wire (owner, fixed fields and options).
  std::size_t wire_size() const noexcept;
};

// A message's questions, with std::vector's interface. Messages carry one question in practice
// (RFC 9619), and it is kept inside the message, so decoding a response needs no heap block for
// it; more questions go to the heap as in a std::vector.
// The moves are noexcept, so that message's own moves are too: small_vector declares its moves
// noexcept only when Boost's traits prove the element's move assignment nothrow, which they do not
// for question. They are defined in question_list.cpp, see there.
class question_list : public boost::container::small_vector<question, 1> {
 public:
  using small_vector::small_vector;
  question_list() = default;
  question_list(const question_list&) = default;
  question_list& operator=(const question_list&) = default;
  // NOLINTBEGIN(bugprone-exception-escape): see the definitions
  question_list(question_list&& other) noexcept;
  question_list& operator=(question_list&& other) noexcept;
  // NOLINTEND(bugprone-exception-escape)
  ~question_list() = default;
};

struct message {
  header hdr;
  question_list questions;
  std::vector<record> answer;
  std::vector<record> authority;
  std::vector<record> additional;  // without the OPT record, which lives in `opt`
  std::optional<edns> opt;

  // The full 12-bit rcode (header bits + EDNS extended bits).
  dns::rcode rcode() const noexcept;
  // Splits into header and OPT bits. No OPT is created: without one, only the low 4 bits are
  // kept (a server answering BADVERS etc. must add the OPT first, RFC 6891 §6.1.3).
  void set_rcode(dns::rcode r) noexcept;

  // Section by section equality. Owner and question names compare case-insensitively (as
  // dns::name does); rdata, names inside it included, compares byte for byte. (Encoding may
  // respell a compressed rdata name like an earlier name differing only in case.)
  friend bool operator==(const message&, const message&) = default;
};
// Holders of a message (sessions, completions, results) keep noexcept moves of their own.
static_assert(std::is_nothrow_move_constructible_v<message> &&
              std::is_nothrow_move_assignable_v<message>);

struct decode_options {
  std::size_t max_records = std::size_t{65535} * 4;  // counts are untrusted; each record still needs its bytes
  // Keep only the question and answer sections: authority and additional records are stepped
  // over (their structure checked, their names and rdata neither decoded nor stored), except an
  // OPT record, which is still read so rcode() and `opt` stay whole. For callers that want only
  // the answers at a high rate (bulk resolution): most of a typical response's records are in
  // the sections skipped.
  bool answer_only = false;
  // With answer_only: whether the query this is the response to carried an OPT record. When it
  // did not, the response carries none either (RFC 6891 §7: the responder MUST NOT add one), so
  // the decode stops after the answer section: the authority and additional sections are not
  // walked at all, their bytes are neither checked nor looked for an OPT, and trailing bytes are
  // not looked for (`opt` stays empty even if a server sent an OPT record regardless). The header
  // and the question and answer sections are checked as always. Ignored without answer_only.
  bool query_had_opt = true;
};

// Strict decode: every count honoured, no trailing bytes, OPT only once and only in the
// additional section with the root as owner, names and rdata bounds-checked. Returns a dns::errc
// on failure (then `out` holds what was read so far); never throws on bad input. Errors:
// short_read (truncated header, counts beyond the data, rdlength beyond the data),
// too_many_records (counts above `limits`), the name errors (bad_pointer, too_many_pointers,
// label_too_long, name_too_long, bad_label_type), bad_rdata (rdata not matching its type, or a
// malformed OPT option list), opt_not_in_additional, multiple_opt, bad_opt_owner, trailing_data.
// A record of class ANY or NONE may have empty rdata whatever its type (UPDATE prerequisites
// and deletions, RFC 2136 §2.4-2.5). With answer_only and query_had_opt false, nothing after the
// answer section is read, so no error can come from there (trailing_data included).
std::error_code decode(std::span<const std::uint8_t> wire, message& out,
                       const decode_options& options = {});

// Decodes only the 12-byte header (for servers deciding whether to answer at all).
// Errors: short_read when fewer than 12 bytes are given.
std::error_code decode_header(std::span<const std::uint8_t> wire, header& out);

struct encode_result {
  std::size_t size = 0;    // bytes written
  bool truncated = false;  // some records did not fit: TC is set in the written header
};

// Encodes with name compression into `buffer`, writing at most `max_size` bytes (and at most
// buffer.size()). Records are added whole, section by section; when the next record does not fit
// the message stops there, TC is set and the counts say what was written. The OPT record, if
// any, is reserved first so it is never the one dropped (RFC 6891 §7). Only if the header and the
// OPT record alone do not fit is the OPT left out too; with less than 12 bytes nothing is written
// ({0, true}).
encode_result encode(const message& m, std::span<std::uint8_t> buffer,
                     std::size_t max_size = 65535);
// Convenience: a new vector (max 65535 bytes unless limited).
std::vector<std::uint8_t> encode(const message& m, std::size_t max_size = 65535,
                                 bool* truncated = nullptr);

// A query for one question, RD set, optionally with EDNS (payload size, DO).
message make_query(std::uint16_t id, const name& qname, rr_type qtype,
                   rr_class qclass = rr_class::in, bool recursion_desired = true,
                   std::optional<edns> opt = edns{});

}  // namespace dnskit::dns
