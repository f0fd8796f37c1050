// zone_parse_bench [--origin NAME] [--reps N] [--keep] FILE
// Parses FILE with zones::parse_file (records handed to a sink that only counts them, or with
// --keep copies them into a vector, as a naive loader would) and prints records, seconds,
// records/s and the process's peak resident memory. Exit status 1 when the zone has errors.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "dnskit/zones/parser.hpp"
#include "process_usage.hpp"

namespace {

int usage() {
  std::fprintf(stderr, "usage: zone_parse_bench [--origin NAME] [--reps N] [--keep] FILE\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace dnskit;
  using bench::cpu_seconds;
  using bench::peak_rss_kib;
  std::string origin = ".";
  std::string file;
  int reps = 1;
  bool keep = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (a == "--origin" && i + 1 < argc) {
      origin = argv[++i];
    } else if (a == "--reps" && i + 1 < argc) {
      reps = std::max(1, std::atoi(argv[++i]));
    } else if (a == "--keep") {
      keep = true;
    } else if (!a.empty() && a[0] != '-' && file.empty()) {
      file = a;
    } else {
      return usage();
    }
  }
  if (file.empty()) return usage();

  zones::parse_options options;
  std::error_code ec;
  options.origin = dns::name::from_text(origin, ec);
  if (ec) {
    std::fprintf(stderr, "bad origin '%s': %s\n", origin.c_str(), ec.message().c_str());
    return 2;
  }
  options.allow_include = true;

  std::vector<double> times;
  std::vector<double> cpu_times;
  zones::parse_result result;
  std::size_t rdata_bytes = 0;
  std::vector<dns::record> kept;
  for (int r = 0; r < reps; ++r) {
    kept.clear();
    rdata_bytes = 0;
    const double c0 = cpu_seconds();
    const auto t0 = std::chrono::steady_clock::now();
    result = zones::parse_file(file, options, [&](const dns::record& rec) {
      rdata_bytes += rec.rdata.size();
      if (keep) kept.push_back(rec);
    });
    const auto t1 = std::chrono::steady_clock::now();
    times.push_back(std::chrono::duration<double>(t1 - t0).count());
    cpu_times.push_back(cpu_seconds() - c0);
  }
  for (const auto& d : result.diagnostics) std::fprintf(stderr, "%s\n", d.to_string().c_str());
  std::sort(times.begin(), times.end());
  std::sort(cpu_times.begin(), cpu_times.end());
  const double median = times[times.size() / 2];
  std::printf("file %s\nrecords %zu\nrdata_bytes %zu\nerrors %zu\nwarnings %zu\n", file.c_str(),
              result.record_count, rdata_bytes, result.error_count, result.warning_count);
  std::printf("seconds %.4f (median of %d, min %.4f, max %.4f)\nrecords_per_s %.0f\npeak_rss_kib %ld\n",
              median, reps, times.front(), times.back(),
              median > 0 ? static_cast<double>(result.record_count) / median : 0.0, peak_rss_kib());
  // On a shared machine the CPU time is the steadier figure.
  const double cpu = cpu_times[cpu_times.size() / 2];
  std::printf("cpu_seconds %.4f (median)\nrecords_per_cpu_s %.0f\n", cpu,
              cpu > 0 ? static_cast<double>(result.record_count) / cpu : 0.0);
  return result.ok() ? 0 : 1;
}
