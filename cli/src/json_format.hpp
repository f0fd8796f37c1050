#pragma once
// The --json schema (documented in dnslookup(1), stable): one object per DNS question asked.
//
//   { "query": text typed, "server": {"name", "address", "port"}, "transport": "udp"|"tcp",
//     "question": {"name", "type", "class"}, "rcode": "NOERROR"|... or null,
//     "error": null or "timed out" / "connection refused" / ...,
//     "flags": ["qr","aa",...], "id": n,
//     "sections": {"answer": [rr...], "authority": [rr...], "additional": [rr...]},
//     "time_ms": x, "size": bytes received }
//   rr = {"name": "www.example.test.", "type": "A", "class": "IN", "ttl": 3600, "data": "192.0.2.1"}
#include <string>

#include "session.hpp"

namespace dnskit::cli {

// One object on one line, with the trailing newline.
std::string exchange_json(const exchange& ex, const std::string& query, const std::string& server_name);

}  // namespace dnskit::cli
