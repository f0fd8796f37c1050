#include "zone_updater.hpp"

#include <algorithm>
#include <chrono>
#include <mutex>
#include <thread>
#include <utility>

#include <fmt/core.h>

#include "dnskit/zones/update.hpp"
#include "log.hpp"
#include "secondary_zone_file.hpp"

namespace dnskit::nameserver {

namespace {

// try_lock_for by polling: libstdc++'s timed lock (pthread_mutex_clocklock) is not seen by
// ThreadSanitizer, which then reports the unlock that follows as the unlock of an unlocked mutex.
bool lock_within(std::unique_lock<std::timed_mutex>& lock, std::chrono::milliseconds patience) {
  const auto give_up = std::chrono::steady_clock::now() + patience;
  while (!lock.try_lock()) {
    if (std::chrono::steady_clock::now() >= give_up) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

}  // namespace

zone_updater::zone_updater(zone_store& store, std::function<void(const dns::name&)> published)
    : store_(store), published_(std::move(published)) {}

std::shared_ptr<const zones::zone_set> zone_updater::primaries() const {
  std::lock_guard lock(publish_);
  return primaries_;
}

bool zone_updater::ahead_of_file(const dns::name& origin) const { return ahead_.contains(origin); }

void zone_updater::install(const zone_load_report& report, const std::vector<zone_config>& configs,
                           const zones::journal_limits& limits) {
  std::vector<zone_entry> before = std::move(zones_);
  zones_.clear();
  for (const auto& z : configs) {
    if (z.is_secondary()) continue;
    std::error_code ec;
    dns::name origin = dns::name::from_text(z.origin, ec);
    if (ec) continue;  // validate() refused such a configuration
    zone_entry entry{std::move(origin), z.file, z.check_level.value_or(zones::check_level::bind),
                     std::nullopt};
    // The stamp of the file just read when its version is served; otherwise the one of the
    // last read or write (a file left unread must still not be written over).
    const auto loaded = std::find_if(report.zones.begin(), report.zones.end(), [&](const auto& s) {
      return s.zone && s.file_stamp && s.zone->origin() == entry.origin;
    });
    if (loaded != report.zones.end()) {
      entry.stamp = loaded->file_stamp;
    } else {
      for (const auto& b : before) {
        if (b.origin == entry.origin && b.file == entry.file) entry.stamp = b.stamp;
      }
    }
    zones_.push_back(std::move(entry));
  }
  limits_ = limits;
  ahead_.clear();
  for (const zone_load_status& s : report.zones) {
    if (s.zone && s.ahead_of_file) ahead_.insert(s.zone->origin());
  }
  std::lock_guard lock(publish_);
  primaries_ = report.set;
}

void zone_updater::install_zone(const zone_load_report& report) {
  std::vector<std::shared_ptr<const zones::zone>> all;
  std::vector<std::shared_ptr<const zones::zone_history>> histories;
  for (const auto& z : primaries_->zones()) {
    if (report.set->get(z->origin())) continue;  // replaced below
    all.push_back(z);
    histories.push_back(primaries_->history(*z));
  }
  for (const auto& z : report.set->zones()) {
    all.push_back(z);
    histories.push_back(report.set->history(*z));
  }
  for (const zone_load_status& s : report.zones) {
    if (!s.zone) continue;
    if (s.ahead_of_file) ahead_.insert(s.zone->origin());
    else ahead_.erase(s.zone->origin());
    zone_entry* entry = entry_of(s.zone->origin());
    if (entry != nullptr && s.file_stamp) entry->stamp = s.file_stamp;
  }
  auto set = std::make_shared<const zones::zone_set>(std::move(all), std::move(histories));
  std::lock_guard lock(publish_);
  primaries_ = std::move(set);
}

zone_updater::zone_entry* zone_updater::entry_of(const dns::name& origin) {
  for (auto& e : zones_) {
    if (e.origin == origin) return &e;
  }
  return nullptr;
}

void zone_updater::replace_history(const std::shared_ptr<const zones::zone>& zone,
                                   const std::shared_ptr<const zones::zone_history>& history) {
  std::vector<std::shared_ptr<const zones::zone>> served;
  std::vector<std::shared_ptr<const zones::zone_history>> histories;
  for (const auto& z : primaries_->zones()) {
    served.push_back(z);
    histories.push_back(z == zone ? history : primaries_->history(*z));
  }
  std::lock_guard lock(publish_);
  primaries_ = std::make_shared<const zones::zone_set>(std::move(served), std::move(histories));
  publish_locked(nullptr);
}

zone_updater::file_sync zone_updater::sync_file(const dns::name& origin,
                                                std::optional<std::chrono::milliseconds> patience) {
  // No update or reload in between: the file and the journal are changed for the version
  // served, and only for it.
  std::unique_lock writer(writer_, std::defer_lock);
  if (!patience) writer.lock();
  else if (!lock_within(writer, *patience)) return file_sync::busy;
  zone_entry* entry = entry_of(origin);
  const std::shared_ptr<const zones::zone_set> set = primaries_;
  const auto current = set->get(origin);
  if (entry == nullptr || !current || !ahead_.contains(origin)) return file_sync::current;
  const std::string zone_name = origin.to_text();
  const std::string file = entry->file.string();

  // Never over the operator's work: a file edited or replaced since it was read (or written)
  // here stays as it is, and the updates stay in the journal (nameserver(8), ZONE FILE SYNC).
  if (stamp_of_file(entry->file) != entry->stamp) {
    log::warning("zone {}: {} changed on disk since it was loaded or written: not overwritten "
                 "with the served serial {}; its updates stay in the journal (give the file a "
                 "serial above {} and reload to serve it instead)",
                 zone_name, file, current->serial(), current->serial());
    return file_sync::edited;
  }
  std::optional<zone_file_stamp> written;
  const std::string header =
      fmt::format("zone {} serial {}, written by nameserver with its dynamic updates", zone_name,
                  current->serial());
  // A symbolic link stays one: its target is replaced.
  std::error_code resolve_error;
  std::filesystem::path target = std::filesystem::canonical(entry->file, resolve_error);
  if (resolve_error) target = entry->file;
  if (const std::error_code ec = write_zone_file(*current, target, header, &written)) {
    log::error("zone {}: cannot write {}: {}; its updates stay in the journal", zone_name, file,
               ec.message());
    return file_sync::failed;
  }
  entry->stamp = written;
  ahead_.erase(origin);
  log::info("zone {}: {} written, serial {}, {} records", zone_name, file, current->serial(),
            current->record_count());

  // The file now holds every update: the journal needs no more than IXFR's history, cut to the
  // same limits as the differences of reloads (zones::trim_changes). Only after the rename
  // above: until then the journal is the updates' only copy on disk.
  const auto& history = set->history(*current);
  if (!history || history->last_serial() != current->serial()) return file_sync::written;
  std::vector<zones::zone_change> kept = zones::trim_changes(
      std::vector<zones::zone_change>(history->changes().begin(), history->changes().end()),
      limits_);
  const std::filesystem::path path = zones::journal_path(entry->file);
  std::uint64_t size = 0;
  std::string error;
  if (!zones::rewrite_journal(path, kept, size, error)) {
    // Whether the old journal or the new one is on disk now is not known: the next update
    // starts a new journal (its change continues from the file just written).
    log::error("zone {}: journal not cut: {}", zone_name, error);
    size = 0;
  }
  log::info("journal {}: cut to {} change(s) ending at serial {}, {} bytes", path.string(),
            kept.size(), current->serial(), size);
  replace_history(current, std::make_shared<const zones::zone_history>(std::move(kept), size));
  return file_sync::written;
}

void zone_updater::publish(std::vector<std::shared_ptr<const zones::zone>> secondaries,
                           std::vector<std::shared_ptr<const zones::zone_history>> secondary_histories,
                           std::shared_ptr<const responder> processor) {
  std::lock_guard lock(publish_);
  secondaries_ = std::move(secondaries);
  secondary_histories_ = std::move(secondary_histories);
  publish_locked(std::move(processor));
}

void zone_updater::publish_locked(std::shared_ptr<const responder> processor) {
  std::vector<std::shared_ptr<const zones::zone>> all;
  std::vector<std::shared_ptr<const zones::zone_history>> histories;  // IXFR's, per zone
  for (const auto& z : primaries_->zones()) {
    all.push_back(z);
    histories.push_back(primaries_->history(*z));
  }
  for (std::size_t i = 0; i < secondaries_.size(); ++i) {
    all.push_back(secondaries_[i]);
    histories.push_back(i < secondary_histories_.size() ? secondary_histories_[i] : nullptr);
  }
  if (!processor) processor = store_.processor();
  store_.publish(std::make_shared<const zones::zone_set>(std::move(all), std::move(histories)),
                 std::move(processor));
}

dns::rcode zone_updater::apply(const dns::name& origin,
                               std::span<const dns::record> prerequisites,
                               std::span<const dns::record> updates) {
  std::lock_guard writer(writer_);  // RFC 2136 §3.7: the updates of a zone are serialised
  const std::shared_ptr<const zones::zone_set> set = primaries_;  // written only under writer_
  const auto current = set->get(origin);
  const zone_entry* entry = nullptr;
  for (const auto& e : zones_) {
    if (e.origin == origin) entry = &e;
  }
  if (!current || entry == nullptr) return dns::rcode::notauth;
  zones::check_options checks;
  checks.level = entry->level;
  zones::update_result result = zones::apply_update(*current, prerequisites, updates, checks);
  if (result.rcode != dns::rcode::noerror) {
    log::info("zone {}: update {}: {}", origin.to_text(), dns::to_string(result.rcode),
              result.why);
    return result.rcode;
  }
  if (!result.updated) return dns::rcode::noerror;  // nothing to change (§3.4.2.7)

  // The change is on disk before anyone can see it or is told it was made.
  const auto& history = set->history(*current);
  const std::filesystem::path path = zones::journal_path(entry->file);
  std::vector<zones::zone_change> changes;
  std::uint64_t size = 0;
  if (history && history->last_serial() == current->serial()) {
    size = history->file_size();
    // In memory the newest changes up to the limit, for IXFR; the file keeps every update
    // since the zone file's serial (a restart replays them all) until sync_file writes the
    // zone file and cuts it.
    const auto kept = history->changes();
    const std::size_t keep = limits_.max_changes > 0 ? limits_.max_changes - 1 : 0;
    const std::size_t from = kept.size() > keep ? kept.size() - keep : 0;
    changes.assign(kept.begin() + static_cast<std::ptrdiff_t>(from), kept.end());
  }
  std::string error;
  const bool written = size == 0
                           ? zones::rewrite_journal(path, std::span(&result.change, 1), size, error)
                           : zones::append_journal(path, size, result.change, error);
  if (!written) {
    log::error("zone {}: update not made: journal {}", origin.to_text(), error);
    return dns::rcode::servfail;
  }
  log::info("zone {}: updated, serial {} -> {}: {} removed, {} added", origin.to_text(),
            current->serial(), result.updated->serial(), result.change.removed.size() - 1,
            result.change.added.size() - 1);
  changes.push_back(std::move(result.change));

  auto new_history = std::make_shared<const zones::zone_history>(std::move(changes), size);
  std::vector<std::shared_ptr<const zones::zone>> served;
  std::vector<std::shared_ptr<const zones::zone_history>> histories;
  for (const auto& z : set->zones()) {
    if (z == current) {
      served.push_back(result.updated);
      histories.push_back(new_history);
    } else {
      served.push_back(z);
      histories.push_back(set->history(*z));
    }
  }
  ahead_.insert(origin);
  {
    std::lock_guard lock(publish_);
    primaries_ = std::make_shared<const zones::zone_set>(std::move(served), std::move(histories));
    publish_locked(nullptr);
  }
  if (published_) published_(origin);
  return dns::rcode::noerror;
}

}  // namespace dnskit::nameserver
