#pragma once
// A resource record: owner, type, class, TTL and canonical rdata.
#include <cstdint>
#include <string>

#include "dnskit/dns/name.hpp"
#include "dnskit/dns/rdata.hpp"
#include "dnskit/dns/rr_type.hpp"

namespace dnskit::dns {

struct record {  // NOLINT(bugprone-exception-escape): the noexcept move of rdata_bytes, see there
  name owner;
  rr_type type = rr_type::a;
  rr_class klass = rr_class::in;
  std::uint32_t ttl = 0;
  rdata_bytes rdata;

  // "owner. TTL CLASS TYPE rdata" with single spaces (the zone file's canonical line).
  std::string to_text() const;

  friend bool operator==(const record&, const record&) = default;
};

// Reads one record from a message at the reader's position (owner, type, class, ttl, rdlength,
// rdata). Errors: the reader's and rdata_from_wire's.
std::error_code read_record(wire_reader& reader, record& out);
// Writes one record (owner compressed); on overflow the writer reports it and the caller rolls back.
// `compress` false writes every name as it is stored, case included: for files that must give
// back exactly what was written (compression points a name at an earlier one regardless of case,
// RFC 1035 §4.1.4).
void write_record(wire_writer& writer, const record& r, bool compress = true);

}  // namespace dnskit::dns
