#pragma once
// A message in dig's presentation form (";; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: 1",
// flags, OPT PSEUDOSECTION, QUESTION/ANSWER/AUTHORITY/ADDITIONAL SECTION with one record per
// line, fields separated by tabs as dig prints them).
#include <string>

#include "dnskit/dns/message.hpp"

namespace dnskit::dns {

std::string to_dig_text(const message& m);

// "id 1, flags qr aa rd" style one-line summary for logs.
std::string summary(const message& m);

}  // namespace dnskit::dns
