#pragma once
// What every worker thread shares: the current zone set and the query processor built from the
// configuration (both swapped together on reload) and the transport settings.
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "dnskit/nameserver/responder.hpp"
#include "dnskit/zones/zone_set.hpp"
#include "rate_limiter.hpp"
#include "server_metrics.hpp"
#include "server_query_log.hpp"
#include "transfer_limit.hpp"

namespace dnskit::nameserver {

// The current zone set and the query processor (ACLs, TSIG keys, CH TXT answers, cookie
// secrets) made from the configuration that goes with it. Readers do not take the lock per
// query: each worker keeps its own shared_ptrs (zone_view) and only reloads them when the
// generation number moved, which happens once per SIGHUP. A query therefore runs against one
// whole set and the configuration published with it, old or new, never a mix.
// Each origin ever served also gets a slot, a small number that stays the same across reloads,
// under which the workers count its queries (server_metrics.hpp).
struct zone_slots {
  // The zones of the published set by address, sorted, for the workers' lookups.
  std::vector<std::pair<const zones::zone*, std::uint32_t>> by_zone;
  // Their origins and slots, for the scrape.
  std::vector<std::pair<std::string, std::uint32_t>> by_origin;

  std::uint32_t slot_of(const zones::zone* z) const noexcept {
    const auto it = std::lower_bound(by_zone.begin(), by_zone.end(), z,
                                     [](const auto& entry, const zones::zone* key) { return entry.first < key; });
    return it != by_zone.end() && it->first == z ? it->second : no_zone;
  }
};

class zone_store {
 public:
  void publish(std::shared_ptr<const zones::zone_set> set, std::shared_ptr<const responder> processor) {
    auto slots = std::make_shared<zone_slots>();
    {
      std::lock_guard lock(mutex_);
      for (const auto& z : set->zones()) {
        const std::string origin = z->origin().to_text();
        const auto [it, added] = slot_numbers_.try_emplace(origin, static_cast<std::uint32_t>(slot_numbers_.size()));
        slots->by_zone.emplace_back(z.get(), it->second);
        slots->by_origin.emplace_back(origin, it->second);
      }
      std::sort(slots->by_zone.begin(), slots->by_zone.end());
      current_ = std::move(set);
      processor_ = std::move(processor);
      slots_ = std::move(slots);
    }
    generation_.fetch_add(1, std::memory_order_release);
  }
  std::shared_ptr<const zone_slots> slots() const {
    std::lock_guard lock(mutex_);
    return slots_;
  }
  std::shared_ptr<const zones::zone_set> load() const {
    std::lock_guard lock(mutex_);
    return current_;
  }
  std::shared_ptr<const responder> processor() const {
    std::lock_guard lock(mutex_);
    return processor_;
  }
  // Both at once (what a worker serves from).
  void load(std::shared_ptr<const zones::zone_set>& set, std::shared_ptr<const responder>& processor,
            std::shared_ptr<const zone_slots>& slots) const {
    std::lock_guard lock(mutex_);
    set = current_;
    processor = processor_;
    slots = slots_;
  }
  std::uint64_t generation() const noexcept { return generation_.load(std::memory_order_acquire); }

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const zones::zone_set> current_ = std::make_shared<const zones::zone_set>();
  std::shared_ptr<const responder> processor_ = std::make_shared<const responder>(responder_options{});
  std::shared_ptr<const zone_slots> slots_ = std::make_shared<const zone_slots>();
  std::map<std::string, std::uint32_t> slot_numbers_;
  std::atomic<std::uint64_t> generation_{1};
};

// One worker's cached copy of the current set.
class zone_view {
 public:
  explicit zone_view(const zone_store& store) : store_(store) { refresh(); }

  // Picks up a newer set if one was published (an atomic load when nothing changed).
  void refresh() {
    const std::uint64_t g = store_.generation();
    if (g != generation_) {
      store_.load(current_, processor_, slots_);
      generation_ = g;
    }
  }
  const zones::zone_set& get() const noexcept { return *current_; }
  const std::shared_ptr<const zones::zone_set>& shared() const noexcept { return current_; }
  const responder& processor() const noexcept { return *processor_; }
  const std::shared_ptr<const responder>& shared_processor() const noexcept { return processor_; }
  const zone_slots& slots() const noexcept { return *slots_; }

 private:
  const zone_store& store_;
  std::uint64_t generation_ = 0;
  std::shared_ptr<const zones::zone_set> current_;
  std::shared_ptr<const responder> processor_;
  std::shared_ptr<const zone_slots> slots_;
};

struct transport_settings {
  std::chrono::milliseconds tcp_idle_timeout{10'000};
  unsigned tcp_max_connections = 1000;  // over all workers
  // Bytes of answers a TCP connection may have waiting to be written before the server stops
  // reading more queries from it (RFC 7766 §6.2.1: a slow reader only slows itself down).
  // The bound is checked before each answer is queued, so one answer (at most 64 KiB) can
  // go over it.
  std::size_t tcp_max_pending_output = std::size_t{128} * 1024;
  unsigned axfr_max_concurrent = 10;  // over all workers
  // The longest a zone transfer may take, from its query to its last byte written; within it a
  // transfer is only cut when its client stops reading for tcp_idle_timeout.
  std::chrono::milliseconds axfr_max_time{3'600'000};
  std::uint16_t udp_max_response = 1232;
};

struct server_context {
  zone_store zones;  // with the query processor
  transport_settings transport;
  transfer_limit transfers;
  // Response rate limiting on UDP (--rate-limit); nullptr when off. One table for all workers
  // (rate_limiter.hpp says why).
  std::unique_ptr<rate_limiter> rate_limit;
  // The query log (--query-log); nullptr when off.
  std::unique_ptr<query_log> query_logger;
  // Written by the control thread (the workers count in their own worker_counters).
  server_counters counters;
  // Each configured zone's loads, written by the control thread, read by the scrape and
  // /status.
  struct zone_load_record {
    std::uint64_t ok = 0;
    std::uint64_t failed = 0;
    std::chrono::system_clock::time_point last_success{};
    std::string file;
    bool last_failed = false;
    std::string last_error;  // the last load's first error, when it failed
  };
  mutable std::mutex zone_loads_mutex;
  std::map<std::string, zone_load_record> zone_loads;  // by origin as configured
  // Whether the workers count (--http given): without it a query costs no clock reading.
  bool metrics = false;
  // NOTIFYs for secondary zones (outcome::notify), handed over by the workers: the zone, the
  // verdict and the sender. Set before the workers start; it only posts to the control thread.
  std::function<void(const dns::name&, outcome::notify_verdict, const request_info&)> notify_received;

  explicit server_context(transport_settings t) : transport(t), transfers(t.axfr_max_concurrent) {}
};

}  // namespace dnskit::nameserver
