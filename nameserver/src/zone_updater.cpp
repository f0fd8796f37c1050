#include "zone_updater.hpp"

#include <utility>

#include "dnskit/zones/update.hpp"
#include "log.hpp"

namespace dnskit::nameserver {

zone_updater::zone_updater(zone_store& store, std::function<void(const dns::name&)> published)
    : store_(store), published_(std::move(published)) {}

std::shared_ptr<const zones::zone_set> zone_updater::primaries() const {
  std::lock_guard lock(publish_);
  return primaries_;
}

bool zone_updater::ahead_of_file(const dns::name& origin) const { return ahead_.contains(origin); }

void zone_updater::install(const zone_load_report& report, const std::vector<zone_config>& configs,
                           const zones::journal_limits& limits) {
  zones_.clear();
  for (const auto& z : configs) {
    if (z.is_secondary()) continue;
    std::error_code ec;
    dns::name origin = dns::name::from_text(z.origin, ec);
    if (ec) continue;  // validate() refused such a configuration
    zones_.push_back({std::move(origin), z.file, z.check_level.value_or(zones::check_level::bind)});
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
  }
  auto set = std::make_shared<const zones::zone_set>(std::move(all), std::move(histories));
  std::lock_guard lock(publish_);
  primaries_ = std::move(set);
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
    // since the zone file's serial (a restart replays them all).
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
