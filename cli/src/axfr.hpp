#pragma once
// A zone transfer (AXFR, RFC 5936) over one TCP connection: the query framed with its 2-byte
// length (RFC 1035 §4.2.2), then messages until the SOA comes round again. Every wait is
// bounded by `timeout`; at most `max_records` records are accepted.
#include <chrono>
#include <string>
#include <vector>

#include "dnskit/dns/message.hpp"
#include "dnskit/resolver/detail/asio.hpp"

namespace dnskit::cli {

struct axfr_result {
  std::vector<dns::record> records;  // in transfer order, the closing SOA included
  std::string error;                 // empty on success
  dns::rcode rcode = dns::rcode::noerror;
  std::size_t messages = 0;
};

axfr_result transfer_zone(const boost::asio::ip::address& server, std::uint16_t port, const dns::name& zone,
                          dns::rr_class qclass, std::chrono::milliseconds timeout,
                          std::size_t max_records = 10'000'000);

}  // namespace dnskit::cli
