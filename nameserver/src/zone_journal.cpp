#include "zone_journal.hpp"

#include <string>
#include <utility>
#include <vector>

#include "dnskit/dns/serial_number.hpp"
#include "log.hpp"

namespace dnskit::nameserver {

namespace {

using history_ptr = std::shared_ptr<const zones::zone_history>;

// The journal read back at start. It is used when it ends at the zone file's serial; a journal
// that ends elsewhere describes another version of the file (edited while we were stopped) and
// would make IXFR send wrong differences, so it is dropped (BIND: "journal out of sync").
history_ptr history_at_start(const zones::zone& z, const std::filesystem::path& path,
                             const zones::journal_limits& limits) {
  zones::journal_read_result read = zones::read_journal(path);
  if (!read.problem.empty()) log::warning("journal {}", read.problem);
  if (!read.exists) return nullptr;
  std::string error;
  std::uint64_t size = read.good_size;
  if (!read.changes.empty() && read.changes.back().serial_to != z.serial()) {
    log::warning("journal {}: ends at serial {} but the zone file has serial {}: dropped",
                 path.string(), read.changes.back().serial_to, z.serial());
    if (!zones::rewrite_journal(path, {}, size, error)) log::error("journal {}", error);
    return nullptr;
  }
  const std::size_t count = read.changes.size();
  std::vector<zones::zone_change> kept = zones::trim_changes(std::move(read.changes), limits);
  if (kept.size() != count || size != read.good_size) {
    if (!zones::rewrite_journal(path, kept, size, error)) {
      log::error("journal {}", error);
      return nullptr;
    }
  }
  if (!kept.empty()) {
    log::info("journal {}: {} change(s), serials {} to {}", path.string(), kept.size(),
              kept.front().serial_from, kept.back().serial_to);
  }
  return std::make_shared<const zones::zone_history>(std::move(kept), size);
}

bool same_soa(const zones::zone& a, const zones::zone& b) {
  return a.soa().to_record() == b.soa().to_record();
}

// A reload of `after` over `before`.
history_ptr history_after_reload(const zones::zone& before, const history_ptr& old_history,
                                 const zones::zone& after, const std::string& origin,
                                 const std::filesystem::path& path,
                                 const zones::journal_limits& limits,
                                 const std::atomic<bool>* cancel) {
  zones::zone_change change = zones::diff_zones(before, after, cancel);
  if (cancel != nullptr && cancel->load()) return old_history;  // stopping: an incomplete diff
  const bool data_changed =
      change.removed.size() > 1 || change.added.size() > 1 || !same_soa(before, after);
  std::string error;
  std::uint64_t size = old_history ? old_history->file_size() : 0;
  if (before.serial() == after.serial()) {
    if (data_changed) {
      // BIND's "serial unchanged" rule: the secondaries cannot see this version; nothing is
      // journaled and nobody is notified.
      log::warning("zone {}: data changed but serial {} did not: not journaled, secondaries "
                   "keep the old data (raise the serial)", origin, after.serial());
    }
    return old_history;
  }
  if (!dns::serial_newer(after.serial(), before.serial())) {
    // RFC 1982: a serial that went back makes every recorded difference meaningless.
    log::warning("zone {}: serial went back from {} to {}: journal {} cleared", origin,
                 before.serial(), after.serial(), path.string());
    if (!zones::rewrite_journal(path, {}, size, error)) log::error("journal {}", error);
    return nullptr;
  }
  std::vector<zones::zone_change> changes;
  if (old_history && old_history->last_serial() == before.serial()) {
    changes.assign(old_history->changes().begin(), old_history->changes().end());
  } else {
    size = 0;  // no history that this change continues: the journal starts again with it
  }
  const std::size_t removed = change.removed.size() - 1;
  const std::size_t added = change.added.size() - 1;
  if (size == 0) {
    if (!zones::rewrite_journal(path, std::span(&change, 1), size, error)) {
      log::error("journal {}", error);
      return nullptr;
    }
  } else if (!zones::append_journal(path, size, change, error)) {
    log::error("journal {}", error);
    return nullptr;
  }
  // Worded apart from the reload's own "serial N -> M" line, which is logged once the new
  // version is served: whoever waits for that line must not take this one for it.
  log::info("journal {}: the change from serial {} to {} appended, {} removed, {} added",
            path.string(), change.serial_from, change.serial_to, removed, added);
  changes.push_back(std::move(change));
  const std::size_t count = changes.size();
  changes = zones::trim_changes(std::move(changes), limits);
  if (changes.size() != count) {
    if (!zones::rewrite_journal(path, changes, size, error)) {
      log::error("journal {}", error);
      return nullptr;
    }
  }
  return std::make_shared<const zones::zone_history>(std::move(changes), size);
}

}  // namespace

void journal_zone_changes(zone_load_report& report, const zones::zone_set* previous,
                          const zones::journal_limits& limits, const std::atomic<bool>* cancel) {
  std::vector<std::shared_ptr<const zones::zone>> served;
  std::vector<history_ptr> histories;
  for (const zone_load_status& s : report.zones) {
    if (!s.zone) continue;
    history_ptr history;
    std::shared_ptr<const zones::zone> before;
    if (previous != nullptr) before = previous->get(s.zone->origin(), s.zone->klass());
    const history_ptr old_history = before ? previous->history(*before) : nullptr;
    try {
      const std::filesystem::path path = zones::journal_path(s.config->file);
      if (!s.loaded || before == s.zone) {
        history = old_history;  // the version served before stays, with its history
      } else if (!before) {
        history = history_at_start(*s.zone, path, limits);
      } else {
        history = history_after_reload(*before, old_history, *s.zone, s.config->origin, path,
                                       limits, cancel);
      }
    } catch (const std::exception& e) {
      log::error("zone {}: journal: {}", s.config->origin, e.what());
      history = nullptr;
    }
    served.push_back(s.zone);
    histories.push_back(std::move(history));
  }
  if (cancel != nullptr && cancel->load()) report.cancelled = true;
  report.set = std::make_shared<const zones::zone_set>(std::move(served), std::move(histories));
}

}  // namespace dnskit::nameserver
