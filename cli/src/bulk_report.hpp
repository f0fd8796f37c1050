#pragma once
// What bulk mode tells a person watching it, on stderr so standard output stays the results
// alone: a progress line rewritten in place while it runs (only when stderr is a terminal),
// and a summary at the end: outcomes by kind and the latency percentiles.
#include <array>
#include <chrono>
#include <cstddef>
#include <map>
#include <optional>
#include <string>

namespace dnskit::cli {

class bulk_report {
 public:
  using clock = std::chrono::steady_clock;

  // `total`: the names the input holds when known beforehand (a regular file), for the ETA.
  bulk_report(std::optional<std::size_t> total, bool progress);

  void answered(double time_ms);                        // NOERROR (with or without data)
  void nxdomain(double time_ms);
  void failed(const std::string& kind, std::optional<double> time_ms);  // SERVFAIL, timeout, bad input line...

  // The progress line ("\r" and the line, erased first), at most a few times a second; empty
  // when not due or not wanted.
  std::string progress_line();
  // Erases the progress line (when one was shown) and gives the summary lines.
  std::string summary(std::size_t cache_hits);

  std::size_t done() const noexcept { return done_; }
  bool progress_shown() const noexcept { return shown_; }

 private:
  void latency(double time_ms);
  double percentile(double fraction) const;

  // Latencies in buckets growing by 5% from 10 µs (bucket i holds times below 0.01 ms ×
  // 1.05^(i+1)), so memory stays fixed however many names; a percentile is read to within 5%.
  static constexpr std::size_t bucket_count = 400;
  std::array<std::size_t, bucket_count> buckets_{};
  std::size_t timed_ = 0;
  std::size_t done_ = 0, answered_ = 0, nxdomain_ = 0, failed_ = 0;
  std::map<std::string, std::size_t> failures_;
  std::optional<std::size_t> total_;
  bool progress_;
  bool shown_ = false;
  clock::time_point started_ = clock::now();
  clock::time_point last_shown_{};
};

}  // namespace dnskit::cli
