#include "bulk_report.hpp"

#include <cmath>
#include <cstdio>

namespace dnskit::cli {
namespace {

constexpr double first_bound_ms = 0.01;
constexpr double growth = 1.05;

std::string format(const char* fmt, double a) {
  char buf[64];
  std::snprintf(buf, sizeof buf, fmt, a);
  return buf;
}

std::string duration_text(double seconds) {
  const long s = std::lround(seconds);
  char buf[32];
  if (s >= 3600) std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
  else std::snprintf(buf, sizeof buf, "%ld:%02ld", s / 60, s % 60);
  return buf;
}

}  // namespace

bulk_report::bulk_report(std::optional<std::size_t> total, bool progress) : total_(total), progress_(progress) {}

void bulk_report::latency(double time_ms) {
  std::size_t i = 0;
  if (time_ms > first_bound_ms) {
    i = static_cast<std::size_t>(std::log(time_ms / first_bound_ms) / std::log(growth));
  }
  buckets_[std::min(i, bucket_count - 1)]++;
  ++timed_;
}

void bulk_report::answered(double time_ms) {
  ++done_;
  ++answered_;
  latency(time_ms);
}

void bulk_report::nxdomain(double time_ms) {
  ++done_;
  ++nxdomain_;
  latency(time_ms);
}

void bulk_report::failed(const std::string& kind, std::optional<double> time_ms) {
  ++done_;
  ++failed_;
  ++failures_[kind];
  if (time_ms) latency(*time_ms);
}

double bulk_report::percentile(double fraction) const {
  const auto rank = static_cast<std::size_t>(std::ceil(fraction * static_cast<double>(timed_)));
  std::size_t seen = 0;
  for (std::size_t i = 0; i < bucket_count; ++i) {
    seen += buckets_[i];
    if (seen >= rank && seen > 0) return first_bound_ms * std::pow(growth, static_cast<double>(i + 1));
  }
  return 0;
}

std::string bulk_report::progress_line() {
  if (!progress_) return {};
  const clock::time_point now = clock::now();
  if (shown_ && now - last_shown_ < std::chrono::milliseconds(200)) return {};
  last_shown_ = now;
  shown_ = true;
  const double elapsed = std::chrono::duration<double>(now - started_).count();
  const double rate = elapsed > 0 ? static_cast<double>(done_) / elapsed : 0;
  std::string line = "\r\033[K" + std::to_string(done_);
  if (total_) line += "/" + std::to_string(*total_);
  line += " names, " + format("%.0f/s", rate) + ", " + std::to_string(failed_) + " errors";
  if (total_ && rate > 0 && *total_ >= done_) {
    line += ", ETA " + duration_text(static_cast<double>(*total_ - done_) / rate);
  }
  return line;
}

std::string bulk_report::summary(std::size_t cache_hits) {
  std::string out = shown_ ? "\r\033[K" : "";
  const double elapsed = std::chrono::duration<double>(clock::now() - started_).count();
  out += ";; " + std::to_string(done_) + " names in " + format("%.2f s", elapsed) + " (" +
         format("%.0f/s", elapsed > 0 ? static_cast<double>(done_) / elapsed : 0) + "): " +
         std::to_string(answered_) + " answered, " + std::to_string(nxdomain_) + " NXDOMAIN, " +
         std::to_string(failed_) + " errors";
  if (!failures_.empty()) {
    out += " (";
    bool first = true;
    for (const auto& [kind, count] : failures_) {
      if (!first) out += ", ";
      first = false;
      out += std::to_string(count) + " " + kind;
    }
    out += ")";
  }
  out += "\n";
  if (timed_ > 0) {
    out += ";; latency p50 " + format("%.2f ms", percentile(0.50)) + ", p99 " + format("%.2f ms", percentile(0.99)) +
           " (to within 5%)";
    if (cache_hits > 0) out += ", " + std::to_string(cache_hits) + " answered from the cache";
    out += "\n";
  }
  return out;
}

}  // namespace dnskit::cli
