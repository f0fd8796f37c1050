// The server's secondary zones (secondary_set.hpp).
#include "secondary_set.hpp"

#include <fmt/core.h>

#include "log.hpp"
#include "reload_zones.hpp"

namespace dnskit::nameserver {

secondary_set::secondary_set(asio::io_context& io, const server_config& config,
                             const dns::tsig::keyring& keys,
                             const changed_handler& changed) {
  for (const zone_config& z : config.zones) {
    if (!z.is_secondary()) continue;
    secondary_settings s;
    s.origin = dns::name::from_text(z.origin);  // validate() checked these
    s.file = z.file;
    endpoint_spec primary;
    std::string ignored;
    parse_endpoint(z.primary, primary, ignored);
    s.primary = {asio::ip::make_address(primary.address), primary.port};
    s.primary_text = primary.to_string();
    if (!z.primary_key.empty()) {
      if (const dns::tsig::key* k = keys.find(dns::name::from_text(z.primary_key))) s.key = *k;
    }
    s.load = zone_load_options(config);
    s.load.checks.level = z.check_level.value_or(config.check_level);
    s.io_timeout = config.tcp_idle_timeout;
    s.max_time = config.axfr_max_time;
    s.journal = {config.journal_max_changes, config.journal_max_size};
    auto copy = std::make_shared<const zone_config>(z);
    auto zone = std::make_shared<secondary_zone>(
        io, std::move(s), [copy, changed](bool transferred) { changed(*copy, transferred); });
    zones_.push_back({std::move(copy), std::move(zone)});
  }
}

bool secondary_set::notify_sources(const server_config& config, std::vector<secondary_source>& out,
                                   std::string& error) {
  for (const zone_config& z : config.zones) {
    if (!z.is_secondary()) continue;
    secondary_source source;
    std::error_code ec;
    source.origin = dns::name::from_text(z.origin, ec);
    endpoint_spec primary;
    if (ec || !parse_endpoint(z.primary, primary, error) ||
        !source.primary.add(primary.address, error)) {
      error = fmt::format("zone '{}': primary '{}': {}", z.origin, z.primary, error);
      return false;
    }
    if (!z.primary_key.empty()) {
      source.key = dns::name::from_text(z.primary_key, ec);
      if (ec) {
        error = fmt::format("zone '{}': bad key name '{}'", z.origin, z.primary_key);
        return false;
      }
    }
    out.push_back(std::move(source));
  }
  return true;
}

void secondary_set::load_files() {
  for (auto& e : zones_) e.zone->load_file();
}

void secondary_set::start() {
  for (auto& e : zones_) e.zone->start();
}

void secondary_set::refresh_all() {
  for (auto& e : zones_) e.zone->refresh_now();
}

bool secondary_set::refresh(const dns::name& zone) {
  for (auto& e : zones_) {
    if (e.zone->origin() != zone) continue;
    e.zone->refresh_now();
    return true;
  }
  return false;
}

std::vector<secondary_zone_status> secondary_set::status() const {
  std::vector<secondary_zone_status> out;
  out.reserve(zones_.size());
  for (const auto& e : zones_) out.push_back(e.zone->status());
  return out;
}

void secondary_set::stop() {
  for (auto& e : zones_) e.zone->stop();
}

void secondary_set::notified(const dns::name& zone, outcome::notify_verdict verdict,
                             const std::string& from) {
  if (verdict != outcome::notify_verdict::accepted) {
    // RFC 1996 §3.10: only the zone's primary may start a refresh.
    log::warning("NOTIFY for {} from {} refused: not the primary of a secondary zone here",
                 zone.to_text(), from);
    return;
  }
  for (auto& e : zones_) {
    if (e.zone->origin() != zone) continue;
    log::info("zone {}: NOTIFY from {}: checking the primary", e.config->origin, from);
    e.zone->refresh_now();
    return;
  }
}

std::vector<std::shared_ptr<const zones::zone>> secondary_set::served() const {
  std::vector<std::shared_ptr<const zones::zone>> out;
  for (const auto& e : zones_) {
    if (auto z = e.zone->served()) out.push_back(std::move(z));
  }
  return out;
}

std::vector<std::shared_ptr<const zones::zone_history>> secondary_set::histories() const {
  std::vector<std::shared_ptr<const zones::zone_history>> out;
  for (const auto& e : zones_) {
    if (e.zone->served()) out.push_back(e.zone->history());
  }
  return out;
}

}  // namespace dnskit::nameserver
