#pragma once
// What a benchmark reports about its own process: CPU seconds used so far and peak resident
// memory, both from getrusage(2).
#include <sys/resource.h>

namespace dnskit::bench {

// User + system CPU time of this process, in seconds.
inline double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// Peak resident set size of this process, in KiB (Linux reports ru_maxrss in KiB).
inline long peak_rss_kib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

}  // namespace dnskit::bench
