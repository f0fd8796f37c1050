#pragma once
// The per-thread working memory behind nameserver::scratch.
#include "dnskit/nameserver/responder.hpp"
#include "dnskit/zones/lookup.hpp"
#include "server_cookie.hpp"

namespace dnskit::nameserver {

struct scratch::state {
  // Reused for every query: its vectors keep their capacity, so a warm lookup allocates nothing.
  zones::lookup_result result;
  // Its OpenSSL context is made once per thread, so cookies cost no allocation per query.
  detail::cookie_hasher cookies;
};

}  // namespace dnskit::nameserver
