#pragma once
// Loading the configured zones into a zone set, at start and on every reload.
#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "dnskit/nameserver/config.hpp"
#include "dnskit/zones/loader.hpp"
#include "dnskit/zones/zone_set.hpp"
#include "zone_file_stamp.hpp"

namespace dnskit::nameserver {

struct zone_load_status {
  const zone_config* config = nullptr;
  std::shared_ptr<const zones::zone> zone;  // what is served from now on (nullptr: nothing)
  bool loaded = false;                      // freshly loaded from the file
  std::optional<std::uint32_t> old_serial;  // the serial served before (reload)
  std::string error;  // why it did not load: "FILE:LINE:COLUMN: ..." (the first error)
  // The version served holds dynamic updates (RFC 2136) that the zone file does not (set by
  // journal_zone_changes).
  bool ahead_of_file = false;
  // The zone file as it was when read (taken before reading, so an edit made meanwhile is seen
  // as one), when the version served now is the file's (and its journal's); empty when the file
  // did not load or its version was not taken (journal_zone_changes clears it then).
  std::optional<zone_file_stamp> file_stamp;
};

struct zone_load_report {
  std::vector<zone_load_status> zones;
  std::size_t failed = 0;
  bool cancelled = false;  // `cancel` was set: the set is the previous one, unchanged
  std::shared_ptr<const zones::zone_set> set;
};

// The first error of a load as one line ("FILE:LINE:COLUMN: text (and N more errors)"); empty
// when there is none.
std::string first_error(const std::vector<zones::diagnostic>& diagnostics);

// How the server reads zone files (size limit, $INCLUDE directory), for start, reload and
// --check alike; `cancel` (may be null) abandons a load in progress when set.
zones::load_options zone_load_options(const server_config& config,
                                      const std::atomic<bool>* cancel = nullptr);

// Loads every primary zone of `configs` (secondary zones are transferred, not read here: they
// are left out of the report). A zone that fails keeps its version from `previous` (when
// given); each diagnostic is logged as file:line:column (errors at error level, warnings at
// warning level). A zone whose load throws (std::bad_alloc, say) fails alone, logged with its
// origin and file: this function does not throw for one zone's sake.
zone_load_report load_zones(const std::vector<zone_config>& configs,
                            const zones::zone_set* previous, const zones::load_options& options);

}  // namespace dnskit::nameserver
