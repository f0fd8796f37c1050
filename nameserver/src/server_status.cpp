#include "server_status.hpp"

#include <mutex>
#include <optional>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "log.hpp"
#include "secondary_set.hpp"
#include "server_context.hpp"
#include "server_worker.hpp"

#ifndef DNSKIT_VERSION
#define DNSKIT_VERSION "unknown"
#endif

namespace dnskit::nameserver {

metrics_snapshot take_metrics_snapshot(const status_sources& from) {
  metrics_snapshot s;
  for (const auto& w : *from.workers) add_worker(s, w->counters());
  s.reloads_ok = from.context->counters.reloads_ok.load(std::memory_order_relaxed);
  s.reloads_failed = from.context->counters.reloads_failed.load(std::memory_order_relaxed);
  const auto zones = from.context->zones.load();
  for (const auto& z : zones->zones()) {
    s.zones.push_back({z->origin().to_text(), z->serial(), z->record_count()});
  }
  if (from.notifies != nullptr) {
    s.notify_sent = from.notifies->sent.load(std::memory_order_relaxed);
    s.notify_acknowledged = from.notifies->acknowledged.load(std::memory_order_relaxed);
    s.notify_failed = from.notifies->failed.load(std::memory_order_relaxed);
  }
  const auto slots = from.context->zones.slots();
  {
    std::lock_guard lock(from.context->zone_loads_mutex);
    for (const auto& [origin, record] : from.context->zone_loads) {
      zone_load_metrics z;
      z.origin = origin;
      z.loads_ok = record.ok;
      z.loads_failed = record.failed;
      if (record.ok > 0) {
        z.last_success_seconds = std::chrono::duration<double>(record.last_success.time_since_epoch()).count();
      }
      s.zone_loads.push_back(std::move(z));
    }
  }
  const std::unordered_map<std::string, std::uint32_t> slot_of(slots->by_origin.begin(), slots->by_origin.end());
  for (auto& z : s.zone_loads) {
    const auto found = slot_of.find(z.origin);
    if (found == slot_of.end()) continue;  // not served: it failed its first load
    for (const auto& w : *from.workers) z.queries += w->counters().zone_queries.get(found->second);
  }
  s.start_time_seconds =
      std::chrono::duration<double>(from.started.time_since_epoch()).count();
  add_process(s);
  return s;
}

namespace {

nlohmann::ordered_json time_json(std::optional<std::chrono::system_clock::time_point> when) {
  if (!when) return nullptr;
  std::string text;
  log::append_timestamp(text, *when);
  return text;
}

template <typename T>
nlohmann::ordered_json maybe(const std::optional<T>& value) {
  return value ? nlohmann::ordered_json(*value) : nlohmann::ordered_json(nullptr);
}

nlohmann::ordered_json zones_json(const status_sources& from) {
  auto out = nlohmann::ordered_json::array();
  const auto served = from.context->zones.load();
  {
    std::lock_guard lock(from.context->zone_loads_mutex);
    for (const auto& [origin, record] : from.context->zone_loads) {
      std::error_code ec;
      const auto name = dns::name::from_text(origin, ec);
      std::shared_ptr<const zones::zone> zone;
      if (!ec) zone = served->get(name);
      nlohmann::ordered_json z = {{"origin", origin}, {"type", "primary"}, {"file", record.file}};
      z["serial"] = zone ? nlohmann::ordered_json(zone->serial()) : nlohmann::ordered_json(nullptr);
      z["records"] = zone ? nlohmann::ordered_json(zone->record_count()) : nlohmann::ordered_json(nullptr);
      z["loaded_at"] = time_json(record.ok > 0 ? std::optional(record.last_success) : std::nullopt);
      z["last_load"] = {{"result", record.last_failed ? "failed" : "ok"},
                        {"error", record.last_failed ? nlohmann::ordered_json(record.last_error)
                                                     : nlohmann::ordered_json(nullptr)}};
      z["loads"] = {{"ok", record.ok}, {"failed", record.failed}};
      out.push_back(std::move(z));
    }
  }
  if (from.secondaries == nullptr) return out;
  for (const secondary_zone_status& st : from.secondaries->status()) {
    nlohmann::ordered_json z = {{"origin", st.origin}, {"type", "secondary"}, {"file", st.file}};
    z["serial"] = maybe(st.serial);
    z["records"] = maybe(st.records);
    z["primary"] = st.primary;
    z["state"] = st.state;
    z["last_refresh"] = time_json(st.last_refresh);
    z["last_refresh_result"] = st.last_refresh ? nlohmann::ordered_json(st.last_refresh_result)
                                               : nlohmann::ordered_json(nullptr);
    z["expires_at"] = time_json(st.expires_at);
    out.push_back(std::move(z));
  }
  return out;
}

}  // namespace

std::string status_json(const status_sources& from) {
  const metrics_snapshot s = take_metrics_snapshot(from);
  nlohmann::ordered_json j;
  j["version"] = DNSKIT_VERSION;
  j["uptime_seconds"] = std::chrono::duration_cast<std::chrono::seconds>(
                            std::chrono::system_clock::now() - from.started)
                            .count();
  auto& listeners = j["listeners"] = nlohmann::ordered_json::array();
  for (const auto& l : from.listeners) listeners.push_back(l.to_string());
  j["zones"] = zones_json(from);
  std::uint64_t queries = 0;
  for (const auto& per_transport : s.answers) {
    for (std::uint64_t n : per_transport) queries += n;
  }
  j["queries_answered"] = queries;
  j["reloads"] = {{"ok", s.reloads_ok}, {"failed", s.reloads_failed}};
  return j.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

http_handlers make_http_handlers(status_sources from) {
  auto shared = std::make_shared<const status_sources>(std::move(from));
  http_handlers h;
  h.metrics = [shared] { return prometheus_text(take_metrics_snapshot(*shared)); };
  h.status = [shared] { return status_json(*shared); };
  return h;
}

}  // namespace dnskit::nameserver
