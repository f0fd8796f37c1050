#pragma once
// A zone transfer (AXFR, RFC 5936) over one TCP connection: the query framed with its 2-byte
// length (RFC 1035 §4.2.2), then messages until the SOA comes round again. The records are
// handed over one message at a time as they arrive and none is kept, so memory stays bounded
// however large (or endless) the transfer. Two clocks bound it: each message must arrive within
// `per_message`, and the whole transfer must end within `overall` (a server that trickles
// small messages slowly would otherwise keep it going for ever).
#include <chrono>
#include <functional>
#include <span>
#include <string>

#include "dnskit/dns/message.hpp"
#include "dnskit/resolver/detail/asio.hpp"

namespace dnskit::cli {

struct transfer_limits {
  std::chrono::milliseconds per_message{10'000};  // also bounds connecting and sending
  std::chrono::milliseconds overall{600'000};     // zero: no overall limit
};

struct axfr_result {
  std::size_t records = 0;  // records handed over, the closing SOA included
  std::size_t messages = 0;
  std::string error;  // empty on success
  dns::rcode rcode = dns::rcode::noerror;
};

// The records of one message in transfer order; `closing` when the last of them is the
// closing SOA (records after it in the same message are not handed over).
using transfer_records = std::function<void(std::span<const dns::record> records, bool closing)>;

axfr_result transfer_zone(const boost::asio::ip::address& server, std::uint16_t port, const dns::name& zone,
                          dns::rr_class qclass, const transfer_limits& limits, const transfer_records& on_records);

}  // namespace dnskit::cli
