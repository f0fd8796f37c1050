#pragma once
// Keeps each zone's journal (FILE.jnl, zones/journal.hpp) in step with the zone served: at
// start the journal is read back; on a reload that raises the serial the difference between the
// old and the new version is appended (as BIND's ixfr-from-differences), so that IXFR can answer
// with it (RFC 1995).
#include <functional>
#include <memory>

#include "dnskit/zones/journal.hpp"
#include "dnskit/zones/zone_set.hpp"
#include <atomic>

#include "reload_zones.hpp"

namespace dnskit::nameserver {

// For every zone of `report`, works out its history after this load (reading or writing its
// journal file; problems are logged with the file and offset, never fatal) and replaces
// `report.set` with the same zones carrying those histories. `previous`: the set served before
// (nullptr at start). `cancel` set while it runs (the server stopping): nothing more is written
// and `report.cancelled` is set.
// Dynamic updates (RFC 2136) exist only in the journal until the zone file is rewritten: at
// start, the journal's changes from the file's serial on are replayed over the file; on a
// reload, a zone whose served version is `ahead_of_file` (it holds updates) keeps that version
// unless the file's serial is newer than it. Each zone's `ahead_of_file` is set accordingly.
void journal_zone_changes(zone_load_report& report, const zones::zone_set* previous,
                          const zones::journal_limits& limits,
                          const std::atomic<bool>* cancel = nullptr,
                          const std::function<bool(const dns::name&)>& ahead_of_file = {});

}  // namespace dnskit::nameserver
