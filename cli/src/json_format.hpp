#pragma once
// The --json schema (documented in dnslookup(1), stable). --json writes ONE document per run:
//
//   { "responses": [ response, response, ... ] }
//
// with one response per DNS question asked (the search list's failed candidates and the AAAA
// half of the default pair included), in the order asked; --json-lines writes the same response
// objects alone, one per line, as they come (for streaming). A response:
//
//   { "query": text typed, "server": {"name", "address", "port"}, "transport": "udp"|"tcp",
//     "question": {"name", "type", "class"}, "rcode": "NOERROR"|... or null,
//     "error": null or "timed out" / "connection refused" / ...,
//     "flags": ["qr","aa",...], "id": n or null,
//     "sections": {"answer": [rr...], "authority": [rr...], "additional": [rr...]},
//     "time_ms": from the first query sent to the answer (or to giving up), "size": bytes received }
//   rr = {"name": "www.example.test.", "type": "A", "class": "IN", "ttl": 3600, "data": "192.0.2.1"}
#include <string>

#include "session.hpp"
#include "settings.hpp"

namespace dnskit::cli {

// One response object on one line, without a newline.
std::string exchange_json(const exchange& ex, const std::string& query, const std::string& server_name);

// The text that puts one response object on stdout: with --json-lines the object and a
// newline; with --json the document's opening (first object) or a separating comma before it.
std::string json_item(const settings& s, const std::string& object);

// What ends the run's output: with --json the document's closing (the whole document when no
// question was asked); nothing otherwise.
std::string json_finish(const settings& s);

}  // namespace dnskit::cli
