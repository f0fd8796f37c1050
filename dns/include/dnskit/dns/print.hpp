#pragma once
// A message in dig's presentation form (";; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: 1",
// flags, OPT PSEUDOSECTION, QUESTION/ANSWER/AUTHORITY/ADDITIONAL SECTION with one record per
// line, fields separated by tabs as dig prints them).
//
// The text is what BIND 9.18's dig prints between ";; Got answer:" and ";; Query time:" (without
// dig's own warnings such as "recursion requested but not available"): the header and flags
// lines, a blank line, the OPT pseudosection (EDNS version, flags, udp, one line per option),
// then each non-empty section followed by a blank line. Record fields are aligned on dig's tab
// stops (TTL at column 24, class 32, type 40, rdata 48). The ADDITIONAL count includes the OPT
// record, as on the wire. UPDATE messages (RFC 2136) name their sections ZONE, PREREQUISITE,
// UPDATE and ADDITIONAL, as dig does.
#include <string>

#include "dnskit/dns/message.hpp"

namespace dnskit::dns {

std::string to_dig_text(const message& m);

// One line for logs, e.g.
//   "id 4660, QUERY NOERROR, flags qr aa rd, example.com. IN A, an 2 ns 0 ar 1, edns 0 udp 1232 do"
// (flags "none" when no flag is set; one "name CLASS TYPE" per question; "ar" counts the
// additional records without the OPT; the edns part only when there is an OPT).
std::string summary(const message& m);

}  // namespace dnskit::dns
