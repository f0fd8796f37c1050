#pragma once
// What the server counts, and the Prometheus text exposition of it (GET /metrics).
//
// Counting stays off the query path's costs: each worker thread owns its counters (on their own
// cache lines) and is their only writer, so an increment is a relaxed load and store, no locked
// instruction and no allocation; a scrape, on the HTTP thread, reads them with relaxed loads and
// sums them. Without --http nothing is counted (server_worker checks one flag per query).
//
// Label sets are bounded: qtypes are the common types by name and "other" for the rest, zones
// are those of the configuration, RCODEs the 16 of the header and "other".
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "dnskit/nameserver/request.hpp"
#include "dnskit/nameserver/responder.hpp"

namespace dnskit::nameserver {

// A counter with one writer thread and any number of readers.
class single_writer_counter {
 public:
  void add(std::uint64_t n = 1) noexcept {
    value_.store(value_.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }
  std::uint64_t get() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

// One writer's counters indexed by a zone's slot (zone_store gives each origin a slot that
// stays the same across reloads). Chunks are added by the writer when a slot beyond them is
// first counted and never move or go, so a reader can walk them while the writer adds more.
class slot_counters {
 public:
  static constexpr std::size_t chunk_size = 256;
  static constexpr std::size_t max_chunks = 4096;  // a million zones
  slot_counters() = default;
  ~slot_counters();
  slot_counters(const slot_counters&) = delete;
  slot_counters& operator=(const slot_counters&) = delete;

  // Writer only. Allocates a chunk the first time one of its slots is counted (once per 256
  // zones, not per query); slots past the end are ignored.
  void add(std::uint32_t slot) noexcept {
    const std::size_t c = slot / chunk_size;
    if (c >= max_chunks) return;
    chunk* p = chunks_[c].load(std::memory_order_relaxed);
    if (p == nullptr && (p = grow(c)) == nullptr) return;
    p->at[slot % chunk_size].add();
  }
  std::uint64_t get(std::uint32_t slot) const noexcept;

 private:
  struct chunk {
    std::array<single_writer_counter, chunk_size> at{};
  };
  chunk* grow(std::size_t c) noexcept;
  std::array<std::atomic<chunk*>, max_chunks> chunks_{};
};

// Why TCP connections closed.
enum class tcp_close_reason : std::uint8_t {
  client_closed,  // the client closed its side and every answer was written
  idle_timeout,   // quiet for --tcp-idle-timeout (RFC 7766 §6.2.3)
  evicted,        // the least recently active one, closed for a new one at the limit
  transfer_cut,   // a zone transfer past --axfr-max-time or to a client that stopped reading
  error,          // a read or write failed (reset by the client, say)
  shutdown,       // the server stopped
};
inline constexpr std::size_t tcp_close_reasons = 6;

// Query processing time buckets (upper bounds, in ns; the exposition gives them in seconds).
inline constexpr std::array<std::uint64_t, 12> latency_bounds_ns = {
    10'000, 25'000, 50'000, 100'000, 250'000, 500'000, 1'000'000, 2'500'000, 5'000'000,
    10'000'000, 25'000'000, 100'000'000};

// The common qtypes counted by name; every other is "other" (the last slot).
std::size_t qtype_slot(dns::rr_type type) noexcept;
inline constexpr std::size_t qtype_slots = 26;

struct alignas(64) worker_counters {
  // RCODEs 0-15 fit the header (RFC 1035 §4.1.1); anything else (extended) is counted last.
  static constexpr std::size_t rcode_slots = 17;
  std::array<std::array<single_writer_counter, rcode_slots>, 2> answers{};  // [udp, tcp][rcode]
  std::array<single_writer_counter, 2> dropped{};                           // [udp, tcp]
  single_writer_counter truncated;
  single_writer_counter transfers;     // AXFR/IXFR admitted and streamed
  single_writer_counter tcp_accepted;  // connections accepted
  std::array<single_writer_counter, tcp_close_reasons> tcp_closed{};
  std::array<single_writer_counter, qtype_slots> qtypes{};  // queries with a question
  single_writer_counter rrl_dropped;  // UDP answers response rate limiting held back
  single_writer_counter rrl_slipped;  // ... and sent truncated instead (slip)
  // Processing time: a count per bucket (not cumulative; the last is past every bound) and the
  // sum in ns.
  std::array<single_writer_counter, latency_bounds_ns.size() + 1> latency{};
  single_writer_counter latency_sum_ns;
  slot_counters zone_queries;  // answers from each zone, by the zone's slot
};

// Counts one processed query (`took`: the time to answer it; `zone_slot`: the answering
// zone's, or no_zone).
inline constexpr std::uint32_t no_zone = 0xffffffff;
void count_query(worker_counters& counters, const request_info& client, const outcome& result,
                 std::chrono::nanoseconds took, std::uint32_t zone_slot) noexcept;

// Counters written by the control thread.
struct server_counters {
  std::atomic<std::uint64_t> reloads_ok{0};
  std::atomic<std::uint64_t> reloads_failed{0};
};

struct zone_metrics {
  std::string origin;
  std::uint32_t serial = 0;
  std::size_t records = 0;
};

// A zone of the configuration: its queries, and its loads since start (the first load counts).
struct zone_load_metrics {
  std::string origin;
  std::uint64_t queries = 0;
  std::uint64_t loads_ok = 0;
  std::uint64_t loads_failed = 0;
  double last_success_seconds = 0;  // since the Unix epoch; 0: never loaded
};

// NOTIFY (RFC 1996) as the sender counts it (control thread).
struct notify_counters {
  std::atomic<std::uint64_t> sent{0};          // messages, retries included
  std::atomic<std::uint64_t> acknowledged{0};  // answered NOERROR (and TSIG-verified when signed)
  std::atomic<std::uint64_t> failed{0};        // no answer after every try, an error RCODE,
                                               // a bad TSIG, or no socket
};

// Everything one scrape shows, summed over the workers.
struct metrics_snapshot {
  std::array<std::array<std::uint64_t, worker_counters::rcode_slots>, 2> answers{};
  std::array<std::uint64_t, 2> dropped{};
  std::uint64_t truncated = 0;
  std::uint64_t transfers = 0;
  std::uint64_t tcp_accepted = 0;
  std::array<std::uint64_t, tcp_close_reasons> tcp_closed{};
  std::array<std::uint64_t, qtype_slots> qtypes{};
  std::uint64_t rrl_dropped = 0;
  std::uint64_t rrl_slipped = 0;
  std::array<std::uint64_t, latency_bounds_ns.size() + 1> latency{};
  std::uint64_t latency_sum_ns = 0;
  std::uint64_t notify_sent = 0;
  std::uint64_t notify_acknowledged = 0;
  std::uint64_t notify_failed = 0;
  std::vector<zone_load_metrics> zone_loads;
  std::uint64_t reloads_ok = 0;
  std::uint64_t reloads_failed = 0;
  std::vector<zone_metrics> zones;
  double start_time_seconds = 0;  // since the Unix epoch
  std::uint64_t resident_bytes = 0;
  std::uint64_t open_fds = 0;
};

void add_worker(metrics_snapshot& out, const worker_counters& counters) noexcept;
// Resident memory and open descriptors from /proc/self (0 when unreadable).
void add_process(metrics_snapshot& out);

// The Prometheus text exposition format, version 0.0.4: names dnskit_..._total for counters,
// base units (bytes, seconds), one HELP and TYPE line per family.
std::string prometheus_text(const metrics_snapshot& s);

}  // namespace dnskit::nameserver
