#include "reload_zones.hpp"

#include "dnskit/zones/loader.hpp"
#include "log.hpp"

namespace dnskit::nameserver {

zone_load_report load_zones(const std::vector<zone_config>& configs,
                            const zones::zone_set* previous) {
  zone_load_report report;
  std::vector<std::shared_ptr<const zones::zone>> served;
  for (const zone_config& config : configs) {
    zone_load_status status;
    status.config = &config;
    std::error_code ec;
    const dns::name origin = dns::name::from_text(config.origin, ec);
    if (ec) {  // validate() rejects these before; kept as a guard
      log::error("zone '{}': bad origin: {}", config.origin, ec.message());
      ++report.failed;
      report.zones.push_back(std::move(status));
      continue;
    }
    std::shared_ptr<const zones::zone> before;
    if (previous != nullptr) before = previous->get(origin);
    if (before) status.old_serial = before->serial();

    zones::load_options options;
    options.checks.level = config.check_level.value_or(zones::check_level::bind);
    zones::load_result result = zones::load_zone(origin, config.file, options);
    for (const auto& d : result.diagnostics) {
      if (d.is_error) log::error("{}", d.to_string());
      else log::warning("{}", d.to_string());
    }
    if (result.ok()) {
      status.zone = std::move(result.zone);
      status.loaded = true;
    } else {
      ++report.failed;
      status.zone = before;
    }
    if (status.zone) served.push_back(status.zone);
    report.zones.push_back(std::move(status));
  }
  report.set = std::make_shared<const zones::zone_set>(std::move(served));
  return report;
}

}  // namespace dnskit::nameserver
