#include "server_metrics.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>

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

}  // namespace

void count_query(worker_counters& counters, const request_info& client, const outcome& result) noexcept {
  const std::size_t t = transport_slot(client);
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
