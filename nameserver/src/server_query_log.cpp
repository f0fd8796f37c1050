#include "server_query_log.hpp"

#include <arpa/inet.h>

#include <string>

#include "dnskit/dns/name.hpp"
#include "dnskit/dns/rr_type.hpp"
#include "log.hpp"

namespace dnskit::nameserver {
namespace {

std::string address_text(const request_info& client) {
  char text[INET6_ADDRSTRLEN] = {};
  ::inet_ntop(client.is_v6 ? AF_INET6 : AF_INET, client.address.data(), text, sizeof text);
  return client.is_v6 ? fmt::format("[{}]:{}", text, client.port)
                      : fmt::format("{}:{}", text, client.port);
}

}  // namespace

void log_query(std::span<const std::uint8_t> query, const request_info& client,
               const outcome& result, std::chrono::steady_clock::duration elapsed) {
  std::string qname = "-";
  if (result.has_question && query.size() > 12) {
    std::size_t offset = 12;
    std::error_code ec;
    const dns::name n = dns::name::read(query, offset, ec);
    if (!ec) qname = n.to_text();
  }
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count();
  const char* via = client.via == transport::udp ? "udp" : "tcp";
  switch (result.what) {
    case outcome::action::drop:
      log::info("query {} {} dropped {}us", address_text(client), via, us);
      break;
    case outcome::action::transfer:
      log::info("query {} {} {} {} transfer {}us", address_text(client), via, qname,
                dns::to_string(result.qtype), us);
      break;
    case outcome::action::reply:
      log::info("query {} {} {} {} {} {}{} {}B {}us", address_text(client), via, qname,
                result.has_question ? dns::to_string(result.qclass) : "-",
                result.has_question ? dns::to_string(result.qtype) : "-",
                dns::to_string(result.rcode), result.truncated ? " TC" : "", result.size, us);
      break;
  }
}

}  // namespace dnskit::nameserver
