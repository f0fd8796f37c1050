#include "reload_zones.hpp"

#include <exception>
#include <new>
#include <string>

#include <fmt/core.h>

#include "log.hpp"

namespace dnskit::nameserver {

zones::load_options zone_load_options(const server_config& config,
                                      const std::atomic<bool>* cancel) {
  zones::load_options options;
  options.max_file_size = config.max_zone_file_size;
  options.include_directory = config.include_directory;
  options.cancel = cancel;
  return options;
}

std::string first_error(const std::vector<zones::diagnostic>& diagnostics) {
  std::size_t errors = 0;
  const zones::diagnostic* first = nullptr;
  for (const auto& d : diagnostics) {
    if (!d.is_error) continue;
    if (first == nullptr) first = &d;
    ++errors;
  }
  if (first == nullptr) return {};
  return errors == 1 ? first->to_string()
                     : fmt::format("{} (and {} more errors)", first->to_string(), errors - 1);
}

namespace {

// One zone's load. Exceptions stop here: an allocation that fails while reading or building one
// zone (a huge file under a memory limit) costs that zone's reload, never the control thread.
zones::load_result load_one(const dns::name& origin, const zone_config& config,
                            const zones::load_options& options, std::string& why) {
  try {
    return zones::load_zone(origin, config.file, options);
  } catch (const std::bad_alloc&) {
    why = "out of memory while loading";
  } catch (const std::exception& e) {
    why = e.what();
  } catch (...) {
    why = "unknown error while loading";
  }
  try {
    log::error("zone {} ({}): {}", config.origin, config.file.string(), why);
  } catch (...) {  // out of memory even for the line: the zone still fails alone
  }
  return {};
}

}  // namespace

zone_load_report load_zones(const std::vector<zone_config>& configs,
                            const zones::zone_set* previous, const zones::load_options& options) {
  zone_load_report report;
  std::vector<std::shared_ptr<const zones::zone>> served;
  for (const zone_config& config : configs) {
    if (config.is_secondary()) continue;  // transferred, not read from a file (secondary_set)
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

    zones::load_options zone_options = options;
    zone_options.checks.level = config.check_level.value_or(zones::check_level::bind);
    zones::load_result result;
    std::string thrown;  // what a load that threw says (it has no diagnostics)
    std::optional<zone_file_stamp> stamp;
    if (options.cancel == nullptr || !options.cancel->load()) {
      stamp = stamp_of_file(config.file);
      result = load_one(origin, config, zone_options, thrown);
    }
    if (options.cancel != nullptr && options.cancel->load()) {
      // Stopping: what was read is dropped without a word per diagnostic.
      report.cancelled = true;
      ++report.failed;
      status.zone = before;
      if (status.zone) served.push_back(status.zone);
      report.zones.push_back(std::move(status));
      continue;
    }
    for (const auto& d : result.diagnostics) {
      if (d.is_error) log::error("{}", d.to_string());
      else log::warning("{}", d.to_string());
    }
    if (result.ok()) {
      status.zone = std::move(result.zone);
      status.loaded = true;
      status.file_stamp = stamp;
    } else {
      ++report.failed;
      status.zone = before;
      try {
        status.error = first_error(result.diagnostics);
        if (status.error.empty()) {
          status.error = fmt::format("{}: {}", config.file.string(),
                                     thrown.empty() ? "does not load (see the log)" : thrown);
        }
      } catch (...) {  // out of memory for the text: the zone still fails alone, unexplained
      }
    }
    if (status.zone) served.push_back(status.zone);
    report.zones.push_back(std::move(status));
  }
  report.set = std::make_shared<const zones::zone_set>(std::move(served));
  return report;
}

}  // namespace dnskit::nameserver
