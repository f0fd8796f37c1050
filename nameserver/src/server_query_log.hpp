#pragma once
// The optional query log (--query-log): one line per query with the client, the question, the
// outcome, the answer's size and the time spent answering it.
#include <chrono>
#include <cstdint>
#include <span>

#include "dnskit/nameserver/request.hpp"
#include "dnskit/nameserver/responder.hpp"

namespace dnskit::nameserver {

void log_query(std::span<const std::uint8_t> query, const request_info& client,
               const outcome& result, std::chrono::steady_clock::duration elapsed);

}  // namespace dnskit::nameserver
