#pragma once
// The steps of respond() (responder.cpp), each a function named after the rule it applies (the
// rules are listed, in order, in responder.hpp). A step writes the whole reply into the plan's
// buffer and fills the outcome; respond() decides which step answers.
#include <cstddef>
#include <cstdint>
#include <span>

#include "dnskit/nameserver/responder.hpp"
#include "dnskit/zones/lookup.hpp"
#include "dnskit/zones/zone_set.hpp"
#include "responder_message.hpp"
#include "responder_query.hpp"

namespace dnskit::nameserver::detail {

// Everything a step needs to write its reply: where, how much room, the query, and the OPT
// record the reply will carry.
struct reply_plan {
  std::span<std::uint8_t> out;
  std::size_t limit;
  bool udp;
  const query_view& q;
  opt_reply opt;
  outcome& result;
};

// A reply with no records: the header, the question when `with_question`, the OPT when the plan
// has one.
void simple_reply(const reply_plan& p, dns::rcode rcode, bool with_question,
                  bool aa = false) noexcept;

// RFC 8914 §4.21: "Not Authoritative", beside a REFUSED or NOTAUTH for a zone we do not serve
// (as Knot); only in an OPT, so only to clients that sent one.
void not_authoritative(opt_reply& opt) noexcept;

// qtype AXFR or IXFR (RFC 5936, RFC 1995): the checks, the SOA alone to a client that is
// current, IXFR differences over UDP when they fit, or outcome::transfer for the caller to
// stream over TCP.
void answer_transfer(const reply_plan& p, const responder& self, const zones::zone_set& zones,
                     const request_info& client);

// RFC 1034 §4.3.2 from the zones: the lookup's sections written RRset by RRset, with the
// truncation rules of RFC 2181 §9 and the ANY minimisation of RFC 8482 §4.1.
void answer_from_zones(const reply_plan& p, const responder_options& options,
                       const zones::zone_set& zones, zones::lookup_result& found);

}  // namespace dnskit::nameserver::detail
