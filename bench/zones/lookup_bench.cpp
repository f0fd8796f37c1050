// Zone load and lookup benchmark: parse-only time, load (parse + checks + build) time, the zone's
// bytes per record, peak RSS, and lookup ns/query over a dnsperf query file.
//
//   zones_lookup_bench ZONEFILE ORIGIN [QUERYFILE] [ROUNDS]
//   (genzone.py -n 1000000 -o /tmp/zb/z1m writes /tmp/zb/z1m.zone and /tmp/zb/z1m.queries)
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "dnskit/dns/name.hpp"
#include "dnskit/dns/rr_type.hpp"
#include "dnskit/zones/loader.hpp"
#include "dnskit/zones/lookup.hpp"
#include "dnskit/zones/parser.hpp"
#include "dnskit/zones/zone_set.hpp"
#include "process_usage.hpp"

namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

int main(int argc, char** argv) {
  using namespace dnskit;
  using bench::cpu_seconds;
  using bench::peak_rss_kib;
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s ZONEFILE ORIGIN [QUERYFILE] [ROUNDS]\n", argv[0]);
    return 2;
  }
  const std::string file = argv[1];
  const dns::name origin = dns::name::from_text(argv[2]);
  const bool parse_only_first = std::getenv("PARSE_ONLY") != nullptr;

  if (parse_only_first) {
    zones::parse_options po;
    po.origin = origin;
    po.allow_include = true;
    std::size_t n = 0;
    const auto t0 = std::chrono::steady_clock::now();
    const double c0 = cpu_seconds();
    const auto pr = zones::parse_file(file, po, [&](const dns::record&) { ++n; });
    std::printf("parse only: %zu records in %.3f s (cpu %.3f s, peak RSS %ld KiB)\n", n,
                seconds_since(t0), cpu_seconds() - c0, peak_rss_kib());
    (void)pr;
    return 0;
  }

  const auto t0 = std::chrono::steady_clock::now();
  const double c0 = cpu_seconds();
  auto loaded = zones::load_zone(origin, file);
  const double load_s = seconds_since(t0);
  const double load_cpu = cpu_seconds() - c0;
  if (!loaded.ok()) {
    for (const auto& d : loaded.diagnostics) std::fprintf(stderr, "%s\n", d.to_string().c_str());
    return 1;
  }
  const auto& z = *loaded.zone;
  std::printf("load: %zu records, %zu nodes in %.3f s, cpu %.3f s (%.0f records/s)\n",
              z.record_count(), z.node_count(), load_s, load_cpu,
              static_cast<double>(z.record_count()) / load_s);
  std::printf("zone memory: %zu bytes = %.1f bytes/record; peak RSS %ld KiB\n", z.memory_usage(),
              static_cast<double>(z.memory_usage()) / static_cast<double>(z.record_count()),
              peak_rss_kib());

  if (argc < 4) return 0;
  std::ifstream in(argv[3]);
  std::vector<std::pair<dns::name, dns::rr_type>> questions;
  std::string qname, qtype;
  while (in >> qname >> qtype) {
    std::error_code ec;
    auto n = dns::name::from_text(qname, ec);
    auto t = dns::rr_type_from_string(qtype);
    if (!ec && t) questions.emplace_back(std::move(n), *t);
  }
  const int rounds = argc > 4 ? std::atoi(argv[4]) : 5;
  const zones::zone_set set({loaded.zone});
  zones::lookup_result r;
  std::size_t rcodes[16] = {};
  for (const auto& [n, t] : questions) zones::lookup(set, n, t, dns::rr_class::in, r);
  const auto t1 = std::chrono::steady_clock::now();
  const double c1 = cpu_seconds();
  for (int i = 0; i < rounds; ++i)
    for (const auto& [n, t] : questions) {
      zones::lookup(set, n, t, dns::rr_class::in, r);
      ++rcodes[static_cast<unsigned>(r.rcode) & 15];
    }
  const double total = seconds_since(t1);
  const double count = static_cast<double>(questions.size()) * rounds;
  std::printf("lookup: %.0f queries, %.1f ns/query, cpu %.1f ns/query (NOERROR %zu, NXDOMAIN %zu)\n",
              count, total * 1e9 / count, (cpu_seconds() - c1) * 1e9 / count, rcodes[0], rcodes[3]);
  return 0;
}
