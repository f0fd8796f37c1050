#pragma once
// The per-thread working memory behind nameserver::scratch.
#include "dnskit/nameserver/responder.hpp"
#include "dnskit/zones/lookup.hpp"

namespace dnskit::nameserver {

struct scratch::state {
  // Reused for every query: its vectors keep their capacity, so a warm lookup allocates nothing.
  zones::lookup_result result;
};

}  // namespace dnskit::nameserver
