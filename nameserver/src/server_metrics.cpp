#include "server_metrics.hpp"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <new>

#include <fmt/core.h>

#include "dnskit/dns/rr_type.hpp"

namespace dnskit::nameserver {
namespace {

constexpr std::array<const char*, 2> transport_names = {"udp", "tcp"};

std::size_t transport_slot(const request_info& client) noexcept {
  return client.via == transport::udp ? 0 : 1;
}

// Label values escape backslash, double quote and newline (exposition format).
std::string label_value(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

void family(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
  fmt::format_to(std::back_inserter(out), "# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}

// The qtypes counted by name, in slot order (the slot after them is "other"): what
// authoritative servers are asked most, DNSSEC's, and the transfers.
constexpr std::array<dns::rr_type, qtype_slots - 1> counted_qtypes = {
    dns::rr_type::a,      dns::rr_type::ns,     dns::rr_type::cname,      dns::rr_type::soa,
    dns::rr_type::ptr,    dns::rr_type::hinfo,  dns::rr_type::mx,         dns::rr_type::txt,
    dns::rr_type::aaaa,   dns::rr_type::srv,    dns::rr_type::naptr,      dns::rr_type::dname,
    dns::rr_type::ds,     dns::rr_type::sshfp,  dns::rr_type::rrsig,      dns::rr_type::nsec,
    dns::rr_type::dnskey, dns::rr_type::nsec3,  dns::rr_type::nsec3param, dns::rr_type::tlsa,
    dns::rr_type::svcb,   dns::rr_type::https,  dns::rr_type::ixfr,       dns::rr_type::axfr,
    dns::rr_type::any};

// Types 0-255 by a table built at compile time; the types above 255 are "other".
constexpr std::array<std::uint8_t, 256> qtype_table = [] {
  std::array<std::uint8_t, 256> t{};
  t.fill(static_cast<std::uint8_t>(qtype_slots - 1));
  for (std::size_t i = 0; i < counted_qtypes.size(); ++i) {
    t[static_cast<std::uint16_t>(counted_qtypes[i])] = static_cast<std::uint8_t>(i);
  }
  return t;
}();

constexpr std::array<const char*, tcp_close_reasons> close_reason_names = {
    "client_closed", "idle_timeout", "evicted", "transfer_cut", "error", "shutdown"};

// A bucket bound in seconds, as Prometheus writes them ("1e-05", "0.00025", "0.1").
std::string seconds_text(std::uint64_t ns) { return fmt::format("{}", static_cast<double>(ns) / 1e9); }

}  // namespace

std::size_t qtype_slot(dns::rr_type type) noexcept {
  const auto code = static_cast<std::uint16_t>(type);
  return code < 256 ? qtype_table[code] : qtype_slots - 1;
}

slot_counters::~slot_counters() {
  for (auto& c : chunks_) delete c.load(std::memory_order_relaxed);
}

slot_counters::chunk* slot_counters::grow(std::size_t c) noexcept {
  auto* p = new (std::nothrow) chunk;  // owned by chunks_, freed by the destructor
  if (p != nullptr) chunks_[c].store(p, std::memory_order_release);
  return p;
}

std::uint64_t slot_counters::get(std::uint32_t slot) const noexcept {
  const std::size_t c = slot / chunk_size;
  if (c >= max_chunks) return 0;
  const chunk* p = chunks_[c].load(std::memory_order_acquire);
  return p != nullptr ? p->at[slot % chunk_size].get() : 0;
}

void count_query(worker_counters& counters, const request_info& client, const outcome& result,
                 std::chrono::nanoseconds took, std::uint32_t zone_slot) noexcept {
  const std::size_t t = transport_slot(client);
  const auto ns = static_cast<std::uint64_t>(std::max<std::int64_t>(0, took.count()));
  std::size_t bucket = 0;
  while (bucket < latency_bounds_ns.size() && ns > latency_bounds_ns[bucket]) ++bucket;
  counters.latency[bucket].add();
  counters.latency_sum_ns.add(ns);
  if (result.has_question) counters.qtypes[qtype_slot(result.qtype)].add();
  if (zone_slot != no_zone) counters.zone_queries.add(zone_slot);
  switch (result.what) {
    case outcome::action::drop: counters.dropped[t].add(); return;
    case outcome::action::transfer: counters.transfers.add(); return;
    case outcome::action::reply: break;
  }
  const auto rcode = static_cast<std::size_t>(result.rcode);
  counters.answers[t][rcode < 16 ? rcode : worker_counters::rcode_slots - 1].add();
  if (result.truncated) counters.truncated.add();
}

void add_worker(metrics_snapshot& out, const worker_counters& c) noexcept {
  for (std::size_t t = 0; t < 2; ++t) {
    for (std::size_t r = 0; r < worker_counters::rcode_slots; ++r) out.answers[t][r] += c.answers[t][r].get();
    out.dropped[t] += c.dropped[t].get();
  }
  out.truncated += c.truncated.get();
  out.transfers += c.transfers.get();
  out.tcp_accepted += c.tcp_accepted.get();
  for (std::size_t r = 0; r < tcp_close_reasons; ++r) out.tcp_closed[r] += c.tcp_closed[r].get();
  for (std::size_t q = 0; q < qtype_slots; ++q) out.qtypes[q] += c.qtypes[q].get();
  out.rrl_dropped += c.rrl_dropped.get();
  out.rrl_slipped += c.rrl_slipped.get();
  for (std::size_t b = 0; b < out.latency.size(); ++b) out.latency[b] += c.latency[b].get();
  out.latency_sum_ns += c.latency_sum_ns.get();
}

void add_process(metrics_snapshot& out) {
  // statm: size resident shared ... in pages (proc(5)).
  std::ifstream statm("/proc/self/statm");
  std::uint64_t size = 0, resident = 0;
  if (statm >> size >> resident) {
    out.resident_bytes = resident * static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
  }
  std::error_code ec;
  std::uint64_t fds = 0;
  for (auto it = std::filesystem::directory_iterator("/proc/self/fd", ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    ++fds;
  }
  out.open_fds = fds > 0 ? fds - 1 : 0;  // less the one the listing itself holds open
}

std::string prometheus_text(const metrics_snapshot& s) {
  std::string out;
  auto it = std::back_inserter(out);
  family(out, "dnskit_queries_total", "counter",
         "Queries answered, by transport and the response RCODE (transfers and drops not included).");
  for (std::size_t t = 0; t < 2; ++t) {
    for (std::size_t r = 0; r < worker_counters::rcode_slots; ++r) {
      const std::string rcode = r < 16 ? dns::to_string(static_cast<dns::rcode>(r)) : "other";
      // The common RCODEs always appear (a rate of zero is information); others once seen.
      const bool common = r <= 5;
      if (!common && s.answers[t][r] == 0) continue;
      fmt::format_to(it, "dnskit_queries_total{{transport=\"{}\",rcode=\"{}\"}} {}\n",
                     transport_names[t], label_value(rcode), s.answers[t][r]);
    }
  }
  family(out, "dnskit_queries_dropped_total", "counter",
         "Queries answered with nothing (not a query, or shorter than a header).");
  for (std::size_t t = 0; t < 2; ++t) {
    fmt::format_to(it, "dnskit_queries_dropped_total{{transport=\"{}\"}} {}\n", transport_names[t], s.dropped[t]);
  }
  family(out, "dnskit_responses_truncated_total", "counter", "Responses sent with TC set.");
  fmt::format_to(it, "dnskit_responses_truncated_total {}\n", s.truncated);
  family(out, "dnskit_zone_transfers_total", "counter", "Zone transfers (AXFR, IXFR) served.");
  fmt::format_to(it, "dnskit_zone_transfers_total {}\n", s.transfers);
  family(out, "dnskit_tcp_connections_accepted_total", "counter", "TCP connections accepted.");
  fmt::format_to(it, "dnskit_tcp_connections_accepted_total {}\n", s.tcp_accepted);
  family(out, "dnskit_tcp_connections_closed_total", "counter", "TCP connections closed, by reason.");
  for (std::size_t r = 0; r < tcp_close_reasons; ++r) {
    fmt::format_to(it, "dnskit_tcp_connections_closed_total{{reason=\"{}\"}} {}\n", close_reason_names[r],
                   s.tcp_closed[r]);
  }
  family(out, "dnskit_queries_by_qtype_total", "counter",
         "Queries with a question, by QTYPE (the common types by name, the others as other).");
  for (std::size_t q = 0; q < qtype_slots; ++q) {
    const std::string name = q + 1 < qtype_slots ? dns::to_string(counted_qtypes[q]) : "other";
    fmt::format_to(it, "dnskit_queries_by_qtype_total{{qtype=\"{}\"}} {}\n", label_value(name), s.qtypes[q]);
  }
  family(out, "dnskit_queries_by_zone_total", "counter",
         "Queries answered from each zone of the configuration (names outside every zone are not counted here).");
  for (const auto& z : s.zone_loads) {
    fmt::format_to(it, "dnskit_queries_by_zone_total{{zone=\"{}\"}} {}\n", label_value(z.origin), z.queries);
  }
  family(out, "dnskit_rate_limited_total", "counter",
         "UDP answers held back by response rate limiting: dropped, or slipped (sent truncated).");
  fmt::format_to(it, "dnskit_rate_limited_total{{action=\"dropped\"}} {}\n", s.rrl_dropped);
  fmt::format_to(it, "dnskit_rate_limited_total{{action=\"slipped\"}} {}\n", s.rrl_slipped);
  family(out, "dnskit_query_duration_seconds", "histogram",
         "Time to answer a query, from its bytes to the answer's bytes (socket time not included).");
  std::uint64_t cumulative = 0;
  for (std::size_t b = 0; b < latency_bounds_ns.size(); ++b) {
    cumulative += s.latency[b];
    fmt::format_to(it, "dnskit_query_duration_seconds_bucket{{le=\"{}\"}} {}\n", seconds_text(latency_bounds_ns[b]),
                   cumulative);
  }
  cumulative += s.latency.back();
  fmt::format_to(it, "dnskit_query_duration_seconds_bucket{{le=\"+Inf\"}} {}\n", cumulative);
  fmt::format_to(it, "dnskit_query_duration_seconds_sum {}\n", static_cast<double>(s.latency_sum_ns) / 1e9);
  fmt::format_to(it, "dnskit_query_duration_seconds_count {}\n", cumulative);
  family(out, "dnskit_notify_sent_total", "counter", "NOTIFY messages sent to secondaries, retries included.");
  fmt::format_to(it, "dnskit_notify_sent_total {}\n", s.notify_sent);
  family(out, "dnskit_notifies_total", "counter",
         "NOTIFYs finished, by result: acknowledged (NOERROR), or failed (no answer after every "
         "try, an error RCODE, a bad TSIG).");
  fmt::format_to(it, "dnskit_notifies_total{{result=\"acknowledged\"}} {}\n", s.notify_acknowledged);
  fmt::format_to(it, "dnskit_notifies_total{{result=\"failed\"}} {}\n", s.notify_failed);
  family(out, "dnskit_zone_loads_total", "counter",
         "Loads of each zone of the configuration (at start and on reloads), by result.");
  for (const auto& z : s.zone_loads) {
    fmt::format_to(it, "dnskit_zone_loads_total{{zone=\"{}\",result=\"ok\"}} {}\n", label_value(z.origin), z.loads_ok);
    fmt::format_to(it, "dnskit_zone_loads_total{{zone=\"{}\",result=\"failed\"}} {}\n", label_value(z.origin),
                   z.loads_failed);
  }
  family(out, "dnskit_zone_last_load_success_timestamp_seconds", "gauge",
         "When each zone last loaded without error, in seconds since the Unix epoch (0: never).");
  for (const auto& z : s.zone_loads) {
    fmt::format_to(it, "dnskit_zone_last_load_success_timestamp_seconds{{zone=\"{}\"}} {:.3f}\n",
                   label_value(z.origin), z.last_success_seconds);
  }
  family(out, "dnskit_reloads_total", "counter",
         "Reloads (SIGHUP), ok when every zone loaded, failed otherwise.");
  fmt::format_to(it, "dnskit_reloads_total{{result=\"ok\"}} {}\n", s.reloads_ok);
  fmt::format_to(it, "dnskit_reloads_total{{result=\"failed\"}} {}\n", s.reloads_failed);
  family(out, "dnskit_zone_serial", "gauge", "SOA serial of each zone served.");
  for (const auto& z : s.zones) {
    fmt::format_to(it, "dnskit_zone_serial{{zone=\"{}\"}} {}\n", label_value(z.origin), z.serial);
  }
  family(out, "dnskit_zone_records", "gauge", "Records in each zone served.");
  for (const auto& z : s.zones) {
    fmt::format_to(it, "dnskit_zone_records{{zone=\"{}\"}} {}\n", label_value(z.origin), z.records);
  }
  family(out, "process_resident_memory_bytes", "gauge", "Resident memory size in bytes.");
  fmt::format_to(it, "process_resident_memory_bytes {}\n", s.resident_bytes);
  family(out, "process_open_fds", "gauge", "Number of open file descriptors.");
  fmt::format_to(it, "process_open_fds {}\n", s.open_fds);
  family(out, "process_start_time_seconds", "gauge", "Start time of the process since unix epoch in seconds.");
  fmt::format_to(it, "process_start_time_seconds {:.3f}\n", s.start_time_seconds);
  return out;
}

}  // namespace dnskit::nameserver
