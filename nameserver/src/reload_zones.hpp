#pragma once
// Loading the configured zones into a zone set, at start and on every reload.
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "dnskit/nameserver/config.hpp"
#include "dnskit/zones/zone_set.hpp"

namespace dnskit::nameserver {

struct zone_load_status {
  const zone_config* config = nullptr;
  std::shared_ptr<const zones::zone> zone;  // what is served from now on (nullptr: nothing)
  bool loaded = false;                      // freshly loaded from the file
  std::optional<std::uint32_t> old_serial;  // the serial served before (reload)
};

struct zone_load_report {
  std::vector<zone_load_status> zones;
  std::size_t failed = 0;
  std::shared_ptr<const zones::zone_set> set;
};

// Loads every zone of `configs`. A zone that fails keeps its version from `previous` (when
// given); each diagnostic is logged as file:line:column (errors at error level, warnings at
// warning level).
zone_load_report load_zones(const std::vector<zone_config>& configs,
                            const zones::zone_set* previous);

}  // namespace dnskit::nameserver
