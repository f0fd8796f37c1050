#include "config_reload.hpp"

namespace dnskit::nameserver {
namespace {

template <class T>
void keep(std::vector<std::string>& changed, const char* key, const T& running, T& fresh) {
  if (fresh == running) return;
  changed.emplace_back(key);
  fresh = running;
}

// The secondary zones of `config`, in order, as the text that makes each one.
std::vector<std::string> secondary_zones(const server_config& config) {
  std::vector<std::string> out;
  for (const zone_config& z : config.zones) {
    if (z.is_secondary()) {
      out.push_back(z.origin + '=' + z.file.string() + ",primary=" + z.primary + ",key:" + z.primary_key);
    }
  }
  return out;
}

}  // namespace

std::vector<std::string> keep_restart_settings(const server_config& running, server_config& fresh,
                                               bool rate_limit_table) {
  std::vector<std::string> changed;
  // The sockets are bound once per worker thread, before privileges are given up.
  keep(changed, "listen", running.listen, fresh.listen);
  keep(changed, "threads", running.threads, fresh.threads);
  keep(changed, "user", running.user, fresh.user);
  keep(changed, "http", running.http, fresh.http);
  keep(changed, "http allow-reload", running.http_allow_reload, fresh.http_allow_reload);
  // The query log's file and per-thread buffers are opened at start (SIGHUP reopens the file).
  keep(changed, "query-log", running.query_log, fresh.query_log);
  keep(changed, "query-log", running.query_log_file, fresh.query_log_file);
  keep(changed, "query-log-format", running.query_log_format, fresh.query_log_format);
  // Buffers and limits each worker sized at start.
  keep(changed, "edns-udp-size", running.edns_udp_size, fresh.edns_udp_size);
  keep(changed, "tcp-idle-timeout-ms", running.tcp_idle_timeout, fresh.tcp_idle_timeout);
  keep(changed, "tcp-max-connections", running.tcp_max_connections, fresh.tcp_max_connections);
  keep(changed, "tcp-max-buffer", running.tcp_max_buffer, fresh.tcp_max_buffer);
  keep(changed, "axfr-max-concurrent", running.axfr_max_concurrent, fresh.axfr_max_concurrent);
  keep(changed, "axfr-max-time-ms", running.axfr_max_time, fresh.axfr_max_time);
  // One rate-limit table shared by the workers, made at start when rate limiting is on; once
  // there, its limit and slip change at run time (rate_limiter::reconfigure).
  if (!rate_limit_table) {
    keep(changed, "rate-limit", running.rate_limit, fresh.rate_limit);
    keep(changed, "rate-limit-slip", running.rate_limit_slip, fresh.rate_limit_slip);
  }
  // Secondary zones run their own timers and transfers, made once at start: the running ones
  // stay, whatever the file now says (its primary zones are taken as they are).
  if (secondary_zones(running) != secondary_zones(fresh)) {
    changed.emplace_back("secondary zones");
    std::erase_if(fresh.zones, [](const zone_config& z) { return z.is_secondary(); });
    for (const zone_config& z : running.zones) {
      if (z.is_secondary()) fresh.zones.push_back(z);
    }
  }
  // "query-log" twice (on/off and its file) is said once.
  for (std::size_t i = 1; i < changed.size(); ++i) {
    if (changed[i] == changed[i - 1]) changed.erase(changed.begin() + static_cast<std::ptrdiff_t>(i--));
  }
  return changed;
}

}  // namespace dnskit::nameserver
