#pragma once
// Small helpers shared by the resolver tests.
#include <chrono>
#include <optional>

#include "dnskit/resolver/resolver.hpp"

namespace dnskit::resolver::test {

struct query_outcome {
  error_code ec;
  dns::message msg;
  int calls = 0;  // how many times the handler ran (must end as 1)
};

// Runs `io` until it has nothing left or `limit` passes (tests never hang).
inline void run_bounded(boost::asio::io_context& io,
                        std::chrono::milliseconds limit = std::chrono::seconds(20)) {
  io.restart();
  io.run_for(limit);
}

// One async_query, run to its end on a fresh io_context.
query_outcome query_once(const options& opts, std::string_view name, dns::rr_type type,
                         const query_options& qopts = {});

}  // namespace dnskit::resolver::test
