#pragma once
// What GET /metrics and GET /status show, gathered on the HTTP thread from what is safe to read
// there: the workers' counters (relaxed atomics), the control thread's counters, the published
// zone set (zone_store takes its lock), and facts fixed at start.
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "dnskit/nameserver/config.hpp"
#include "http_server.hpp"
#include "server_metrics.hpp"

namespace dnskit::nameserver {

struct server_context;
class secondary_set;
class server_worker;

struct status_sources {
  const server_context* context = nullptr;
  const notify_counters* notifies = nullptr;
  const std::vector<std::unique_ptr<server_worker>>* workers = nullptr;
  std::vector<endpoint_spec> listeners;
  std::chrono::system_clock::time_point started;
  const secondary_set* secondaries = nullptr;
};

metrics_snapshot take_metrics_snapshot(const status_sources& from);
// {"version":..., "uptime_seconds":..., "listeners":[...], "zones":[...],
//  "queries_answered":..., "reloads":{"ok","failed"}}
// Each zone read from a file:
//   {"origin", "type": "primary", "file", "serial", "records" (null when nothing is served),
//    "loaded_at" (ISO 8601 UTC: the last successful read of the file; null: never),
//    "last_load": {"result": "ok" | "failed", "error": "FILE:LINE:COLUMN: ..." | null},
//    "loads": {"ok", "failed"}}
// each secondary zone:
//   {"origin", "type": "secondary", "file", "serial", "records" (of the copy held; null: none),
//    "primary": "ADDR:PORT", "state": "serving" | "expired" | "no copy",
//    "last_refresh": ISO 8601 | null, "last_refresh_result": "transferred" | "current" | ...,
//    "expires_at": ISO 8601 | null}
std::string status_json(const status_sources& from);
http_handlers make_http_handlers(status_sources from);

}  // namespace dnskit::nameserver
