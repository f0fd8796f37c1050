#pragma once
// What the server counts, and the Prometheus text exposition of it (GET /metrics).
//
// Counting stays off the query path's costs: each worker thread owns its counters (on their own
// cache lines) and is their only writer, so an increment is a relaxed load and store, no locked
// instruction; a scrape, on the HTTP thread, reads them with relaxed loads and sums them.
#include <array>
#include <atomic>
#include <cstdint>
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

struct alignas(64) worker_counters {
  // RCODEs 0-15 fit the header (RFC 1035 §4.1.1); anything else (extended) is counted last.
  static constexpr std::size_t rcode_slots = 17;
  std::array<std::array<single_writer_counter, rcode_slots>, 2> answers{};  // [udp, tcp][rcode]
  std::array<single_writer_counter, 2> dropped{};                           // [udp, tcp]
  single_writer_counter truncated;
  single_writer_counter transfers;     // AXFR/IXFR admitted and streamed
  single_writer_counter tcp_accepted;  // connections accepted
};

// Counts one processed query.
void count_query(worker_counters& counters, const request_info& client, const outcome& result) noexcept;

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

// Everything one scrape shows, summed over the workers.
struct metrics_snapshot {
  std::array<std::array<std::uint64_t, worker_counters::rcode_slots>, 2> answers{};
  std::array<std::uint64_t, 2> dropped{};
  std::uint64_t truncated = 0;
  std::uint64_t transfers = 0;
  std::uint64_t tcp_accepted = 0;
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
