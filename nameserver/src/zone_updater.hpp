#pragma once
// The one writer of the served zone set. Dynamic updates (RFC 2136) are applied here one at a
// time, each to the zone version current at that moment; the change is appended to the zone's
// journal (FILE.jnl) and synced to disk before the new version is published and NOERROR is
// answered; later (zonefile-sync) sync_file writes the version served back to the zone file
// and cuts the journal. Reloads and secondary transfers publish through here too, so a set
// published by one never drops what another made. Readers never wait: each worker keeps the
// set it holds until it sees a newer generation (server_context.hpp).
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <vector>

#include "dnskit/nameserver/config.hpp"
#include "dnskit/nameserver/responder.hpp"
#include "dnskit/zones/journal.hpp"
#include "dnskit/zones/zone_set.hpp"
#include "reload_zones.hpp"
#include "server_context.hpp"
#include "zone_file_stamp.hpp"

namespace dnskit::nameserver {

class zone_updater final : public update_handler {
 public:
  // `published(origin)` is called on the updating thread after an update's version is
  // published: the server tells its workers and sends NOTIFY.
  zone_updater(zone_store& store, std::function<void(const dns::name&)> published);

  dns::rcode apply(const dns::name& origin, std::span<const dns::record> prerequisites,
                   std::span<const dns::record> updates) override;

  // Held by an update from its read of the zone to its publication, and by a reload from its
  // read of the current versions (primaries()) to install(): the two never interleave their
  // journal writes, and a reload never builds on a version an update has replaced.
  std::timed_mutex& writer_lock() noexcept { return writer_; }

  // The primary zones (read from files, then updated) as served now, with their histories.
  std::shared_ptr<const zones::zone_set> primaries() const;
  // Under writer_lock(): whether the served version of `origin` holds updates its file does not.
  bool ahead_of_file(const dns::name& origin) const;
  // Under writer_lock(): the primary zones after a start or a reload (`report` from
  // journal_zone_changes) and the settings of the configuration they were read with. Not
  // published here: publish() follows with the configuration's query processor.
  void install(const zone_load_report& report, const std::vector<zone_config>& configs,
               const zones::journal_limits& limits);
  // Under writer_lock(): one zone read again alone (POST /reload?zone=; `report` from
  // journal_zone_changes) takes its place among the primary zones; the others stay as they are.
  void install_zone(const zone_load_report& report);

  // What sync_file did.
  enum class file_sync {
    written,  // the file now holds the served version; the journal was cut to its limits
    current,  // nothing to write: the file already holds every update (or no such zone)
    edited,   // the file changed on disk since it was read or written: left alone, warned
    failed,   // the file could not be written (logged); the journal still holds the updates
    busy,     // `patience` passed with the writer lock held (a reload): nothing done
  };
  // Takes writer_lock(): writes the served version of `origin` over its zone file (atomically,
  // secondary_zone_file.hpp) when it holds dynamic updates the file does not, unless the file
  // was changed by someone else since the server read or wrote it. Once the file holds the
  // updates, the journal keeps only the newest changes its limits allow (IXFR's history): it
  // is rewritten whole (zones::rewrite_journal) after the file's rename, so a crash at any
  // moment leaves every acknowledged update in the file or in the journal.
  // Waits at most `patience` for the writer lock (std::nullopt: as long as it takes).
  file_sync sync_file(const dns::name& origin,
                      std::optional<std::chrono::milliseconds> patience = std::nullopt);

  // Publishes the primary zones with the secondary zones' copies `secondaries` and their
  // histories for IXFR out (`secondary_histories`, parallel; control thread), answered by
  // `processor` (nullptr: the one served now).
  void publish(std::vector<std::shared_ptr<const zones::zone>> secondaries,
               std::vector<std::shared_ptr<const zones::zone_history>> secondary_histories,
               std::shared_ptr<const responder> processor);

 private:
  struct zone_entry {
    dns::name origin;
    std::filesystem::path file;
    zones::check_level level = zones::check_level::bind;
    // The file as the server last read or wrote it (zone_file_stamp.hpp).
    std::optional<zone_file_stamp> stamp;
  };
  zone_entry* entry_of(const dns::name& origin);
  // Replaces the history of `zone` (one of primaries_) and publishes; publish_ not held.
  void replace_history(const std::shared_ptr<const zones::zone>& zone,
                       const std::shared_ptr<const zones::zone_history>& history);
  void publish_locked(std::shared_ptr<const responder> processor);  // publish_ held

  zone_store& store_;
  std::function<void(const dns::name&)> published_;
  std::timed_mutex writer_;  // sync_file may give up rather than wait on a long reload
  // Under writer_: the zones' settings, the journal limits and which zones are ahead of their
  // files.
  std::vector<zone_entry> zones_;
  zones::journal_limits limits_;
  std::set<dns::name> ahead_;
  // Under publish_ (and written only with writer_ held too): what is served.
  mutable std::mutex publish_;
  std::shared_ptr<const zones::zone_set> primaries_ = std::make_shared<const zones::zone_set>();
  std::vector<std::shared_ptr<const zones::zone>> secondaries_;
  std::vector<std::shared_ptr<const zones::zone_history>> secondary_histories_;
};

}  // namespace dnskit::nameserver
