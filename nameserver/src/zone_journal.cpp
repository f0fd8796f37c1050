#include "zone_journal.hpp"

#include <algorithm>
#include <cstddef>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "dnskit/dns/serial_number.hpp"
#include "dnskit/zones/update.hpp"
#include "log.hpp"

namespace dnskit::nameserver {

namespace {

using history_ptr = std::shared_ptr<const zones::zone_history>;

// The journal read back at start. Changes that continue from the zone file's serial are the
// dynamic updates (RFC 2136) made since the file was written: they exist nowhere else, so they
// are replayed over the file, in order, and `served` becomes the result (as Knot applies its
// journal over the zone file). A journal that then still ends elsewhere describes another
// version of the file (edited while we were stopped) and would make IXFR send wrong
// differences, so it is dropped (BIND: "journal out of sync").
history_ptr history_at_start(std::shared_ptr<const zones::zone>& served,
                             const std::filesystem::path& path,
                             const zones::journal_limits& limits, bool& replayed_any) {
  zones::journal_read_result read = zones::read_journal(path);
  if (!read.problem.empty()) log::warning("journal {}", read.problem);
  if (!read.exists) return nullptr;
  std::string error;
  std::uint64_t size = read.good_size;
  const std::uint32_t file_serial = served->serial();
  const auto from_file = std::find_if(read.changes.begin(), read.changes.end(),
                                      [&](const zones::zone_change& c) { return c.serial_from == file_serial; });
  if (from_file != read.changes.end()) {
    std::shared_ptr<const zones::zone> replayed = served;
    std::string why;
    for (auto it = from_file; it != read.changes.end() && replayed; ++it) {
      replayed = zones::apply_change(*replayed, *it, why);
    }
    if (replayed) {
      log::info("journal {}: serial {} -> {}: {} change(s) replayed over the zone file",
                path.string(), file_serial, replayed->serial(), read.changes.end() - from_file);
      served = replayed;
      replayed_any = true;
    } else {
      // Never dropped: it may hold acknowledged updates. Set aside for the operator, and the
      // zone is served from its file with a new journal.
      std::filesystem::path aside = path;
      aside += ".unreplayed";
      std::error_code ec;
      std::filesystem::rename(path, aside, ec);
      log::error("journal {}: cannot be replayed over the zone file ({}): moved to {}{}",
                 path.string(), why, aside.string(), ec ? ": " + ec.message() : "");
      return nullptr;
    }
  }
  if (!read.changes.empty() && read.changes.back().serial_to != served->serial()) {
    log::warning("journal {}: ends at serial {} but the zone file has serial {}: dropped",
                 path.string(), read.changes.back().serial_to, served->serial());
    if (!zones::rewrite_journal(path, {}, size, error)) log::error("journal {}", error);
    return nullptr;
  }
  const std::size_t count = read.changes.size();
  // Replayed changes stay whole in the file: it is their only copy until the zone file is
  // rewritten with them.
  std::vector<zones::zone_change> kept =
      replayed_any ? std::move(read.changes) : zones::trim_changes(std::move(read.changes), limits);
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
  // In memory only the newest changes the limits allow are kept for IXFR (older clients get
  // the AXFR form); the file keeps them all.
  if (kept.size() > limits.max_changes) {
    kept.erase(kept.begin(), kept.end() - static_cast<std::ptrdiff_t>(limits.max_changes));
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
                          const zones::journal_limits& limits, const std::atomic<bool>* cancel,
                          const std::function<bool(const dns::name&)>& ahead_of_file) {
  std::vector<std::shared_ptr<const zones::zone>> served;
  std::vector<history_ptr> histories;
  for (zone_load_status& s : report.zones) {
    std::shared_ptr<const zones::zone> before;
    if (previous != nullptr && s.config != nullptr) {
      std::error_code ec;
      const dns::name origin = dns::name::from_text(s.config->origin, ec);
      if (!ec) before = previous->get(origin);
    }
    // `previous` is the version served now, which a dynamic update may have replaced since
    // the files were read: a zone that failed to load keeps that one.
    if (before) s.old_serial = before->serial();
    if (!s.loaded && before) s.zone = before;
    if (!s.zone) continue;
    const history_ptr old_history = before ? previous->history(*before) : nullptr;
    const bool before_ahead = before && ahead_of_file && ahead_of_file(before->origin());
    history_ptr history;
    try {
      const std::filesystem::path path = zones::journal_path(s.config->file);
      if (!s.loaded || before == s.zone) {
        history = old_history;  // the version served before stays, with its history
        s.ahead_of_file = before_ahead;
        if (!s.loaded) s.file_stamp.reset();
      } else if (!before) {
        history = history_at_start(s.zone, path, limits, s.ahead_of_file);
      } else if (before_ahead && !dns::serial_newer(s.zone->serial(), before->serial())) {
        // The served version holds dynamic updates the file does not: loading the file would
        // undo acknowledged updates. It stays until the file's serial passes it (BIND refuses
        // such a file too; `rndc freeze` would have written the updates into it first).
        log::info("zone {}: the served serial {} holds dynamic updates that {} (serial {}) "
                  "does not: the served version stays (give the file a serial above {} to load "
                  "it)", s.config->origin, before->serial(), s.config->file.string(),
                  s.zone->serial(), before->serial());
        s.zone = before;
        s.ahead_of_file = true;
        s.file_stamp.reset();  // not taken: the file must not be written over (zone_updater)
        history = old_history;
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
