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
class server_worker;

struct status_sources {
  const server_context* context = nullptr;
  const notify_counters* notifies = nullptr;
  const std::vector<std::unique_ptr<server_worker>>* workers = nullptr;
  std::vector<endpoint_spec> listeners;
  std::chrono::system_clock::time_point started;
};

metrics_snapshot take_metrics_snapshot(const status_sources& from);
// {"version":..., "uptime_seconds":..., "listeners":[...], "zones":[{"origin","serial","records"}],
//  "queries":..., "reloads":{"ok","failed"}}
std::string status_json(const status_sources& from);
http_handlers make_http_handlers(status_sources from);

}  // namespace dnskit::nameserver
