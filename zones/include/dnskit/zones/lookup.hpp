#pragma once
// The authoritative lookup: RFC 1034 §4.3.2 with RFC 4592 wildcards, RFC 6672 DNAME, referrals
// with glue, CNAME chains inside the zone, RFC 2308 negative answers and additional-section
// addresses for NS, MX and SRV targets.
//
// A pure function: (zone_set or zone, qname, qtype, qclass) -> sections + rcode + AA, written into
// a caller-owned lookup_result whose vectors are reused, so a warmed-up result never allocates.
// Records are record_refs into the zone's data (or, for synthesised records, into the result's
// own scratch buffer): keep the zone set alive while using the result.
//
// Not handled here (the server does it before calling): AXFR/IXFR, opcodes other than QUERY,
// EDNS, RFC 8482 ANY minimisation, truncation. Other meta types (MAILA, MAILB, ...) get NODATA.
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "dnskit/dns/name.hpp"
#include "dnskit/dns/rr_type.hpp"
#include "dnskit/zones/zone.hpp"
#include "dnskit/zones/zone_set.hpp"

namespace dnskit::zones {

// What kind of answer the lookup produced (rcode and aa say it for the wire; this says it for
// logs, tests and the server's choices, e.g. ANY minimisation only on `answer`).
enum class answer_kind : std::uint8_t {
  answer,     // NOERROR with the qtype's data in the answer (possibly after CNAME/DNAME steps)
  cname,      // NOERROR, the chain of CNAMEs/DNAMEs left the zone (answer holds the chain)
  nodata,     // NOERROR, no data of that type: SOA in authority (RFC 2308 §2.2)
  nxdomain,   // NXDOMAIN: SOA in authority (RFC 2308 §2.1); after CNAMEs, the last name's status
  referral,   // NOERROR, AA clear (unless the answer holds earlier CNAMEs): NS in authority, glue
  yxdomain,   // YXDOMAIN: a DNAME substitution made a name longer than 255 octets (RFC 6672 §2.2)
  refused,    // no zone here for this name and class: REFUSED, empty sections
};

const char* to_string(answer_kind k) noexcept;

struct lookup_options {
  // Put the apex NS RRset in the authority section of positive answers, and the addresses of
  // its in-zone targets in the additional section, as NSD and BIND (without minimal-responses)
  // do. Negative answers carry only the SOA, referrals only the child's NS.
  bool authority_ns = true;
  // Bound on CNAME/DNAME steps followed inside a zone (loops end here too).
  unsigned max_chain = 16;
  // The query has DO set (RFC 3225): each RRset in the sections is followed by the RRSIGs that
  // cover it (RFC 4035 §3.1.1), and referrals carry the DS RRset (RFC 4035 §3.1.4). Off, the
  // sections hold no RRSIG unless it is the type asked for.
  bool dnssec = false;
};

class lookup_result {
 public:
  static constexpr std::size_t scratch_size = 8192;

  lookup_result();
  lookup_result(const lookup_result&) = delete;  // record_refs point into this object
  lookup_result& operator=(const lookup_result&) = delete;

  dns::rcode rcode = dns::rcode::noerror;
  bool aa = false;
  answer_kind kind = answer_kind::refused;
  const zone* source = nullptr;  // the zone that answered (nullptr when refused)
  // The wildcard (RFC 4592) whose data the answer was synthesised from, as a lowercase wire
  // name in the zone's data; empty when no wildcard was used. Response rate limiting counts
  // answers from one wildcard together, whatever names were asked.
  std::span<const std::uint8_t> wildcard;
  // On a referral, the delegation point: the owner of the child's NS RRset (a wire name in the
  // zone's data); empty otherwise. Glue below it is required (RFC 9471 §3).
  std::span<const std::uint8_t> delegation;

  std::vector<record_ref> answer;
  std::vector<record_ref> authority;
  // With DO: authority[0, proof) are required for the answer to validate (the DS or the proof
  // of its absence at a referral, the NSEC proofs of a wildcard answer, RFC 4035 §3.1.3); what
  // follows (the apex NS of a positive answer) may be left out when space runs short.
  std::size_t proof = 0;
  std::vector<record_ref> additional;

  // Empties the sections and the scratch buffer, keeping the vectors' capacity.
  void clear() noexcept;

  // Copies `bytes` into the scratch buffer and returns the copy (empty if it does not fit: with
  // max_chain steps of at most 2 names each, it always fits). Used by the lookup for synthesised
  // owners and rdata.
  std::span<const std::uint8_t> keep(std::span<const std::uint8_t> bytes) noexcept;

 private:
  std::array<std::uint8_t, scratch_size> scratch_{};
  std::size_t scratch_used_ = 0;
};

// The name whose addresses additional-section processing adds for `r` (RFC 1034 §4.3.2 step 6:
// the target of an NS, MX or SRV record), or empty for other types.
std::span<const std::uint8_t> additional_target(const record_ref& r) noexcept;

// Answers one question from the zones of `zones`. `qname` is an uncompressed wire name in any
// case (names in the answer that were synthesised from it keep its case). Never throws; the only
// allocation is growing the result's vectors beyond their earlier sizes.
void lookup(const zone_set& zones, std::span<const std::uint8_t> qname, dns::rr_type qtype,
            dns::rr_class qclass, lookup_result& out, const lookup_options& options = {}) noexcept;
inline void lookup(const zone_set& zones, const dns::name& qname, dns::rr_type qtype,
                   dns::rr_class qclass, lookup_result& out,
                   const lookup_options& options = {}) noexcept {
  lookup(zones, qname.wire(), qtype, qclass, out, options);
}

// The same within one zone (REFUSED when qname is not at or below its origin or the class
// differs).
void lookup(const zone& z, std::span<const std::uint8_t> qname, dns::rr_type qtype,
            dns::rr_class qclass, lookup_result& out, const lookup_options& options = {}) noexcept;
inline void lookup(const zone& z, const dns::name& qname, dns::rr_type qtype,
                   dns::rr_class qclass, lookup_result& out,
                   const lookup_options& options = {}) noexcept {
  lookup(z, qname.wire(), qtype, qclass, out, options);
}

}  // namespace dnskit::zones
