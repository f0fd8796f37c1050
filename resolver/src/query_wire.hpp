#pragma once
// The bytes of one query (RFC 1035 §4.1), written straight into a caller's buffer: a header,
// one question and, when asked for, an OPT record (RFC 6891 §6.1.2). Every query the resolver
// sends goes through here, so it must not cost a dns::message and an encoder run each time.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "dnskit/dns/message.hpp"
#include "dnskit/dns/name.hpp"
#include "dnskit/dns/rr_type.hpp"

namespace dnskit::resolver::detail {

struct query_params {
  dns::rr_type type = dns::rr_type::a;
  dns::rr_class qclass = dns::rr_class::in;
  bool recursion_desired = true;
  bool checking_disabled = false;
  std::optional<dns::edns> edns;
};

// Header (12) + the longest name (255) + type and class (4) + an OPT record without options
// (11): a query without EDNS options always fits; options beyond the buffer are left out.
using query_buffer = std::array<std::uint8_t, 512>;

// Writes the query and returns its size.
std::size_t write_query(query_buffer& out, std::uint16_t id, const dns::name& qname,
                        const query_params& params) noexcept;

}  // namespace dnskit::resolver::detail
