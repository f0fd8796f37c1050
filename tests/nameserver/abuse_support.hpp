#pragma once
// Shared by the resource-limit and abuse tests: a legitimate client that keeps asking while the
// server is attacked (every probe timed, losses counted), the server's resident memory and open
// descriptors read from /proc, a larger open-file limit, and zones made to measure.
#include <sys/resource.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstdlib>
#include <optional>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "integration_support.hpp"

namespace nstest {

// Sanitizer builds run several times slower: their latency goal is looser (they still must lose
// nothing).
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
inline constexpr bool sanitized_build = true;
#else
inline constexpr bool sanitized_build = false;
#endif

// ThreadSanitizer keeps shadow and metadata for every byte a thread touches (several times the
// memory itself), so a bound on the server's growth in RSS is scaled by this in TSan builds:
// 300 connections holding 4 KiB each grew a TSan server by ~10 MiB; holding 64 KiB each would
// still be several times more.
#if defined(__SANITIZE_THREAD__)
inline constexpr long rss_growth_scale = 4;
#else
inline constexpr long rss_growth_scale = 1;
#endif

// While alive, servers started get ASan's quarantine and fake stacks turned off (in sanitizer
// builds). Freed memory otherwise waits in the quarantine (256 MiB by default) and stays
// resident, and detect_stack_use_after_return moves stack frames to the heap as new code paths
// run, so a server whose memory is measured would seem to grow; ASan still catches overflows,
// only use-after-free and use-after-return detection are weaker.
class measurable_memory {
 public:
  measurable_memory() {
    if (!sanitized_build) return;
    const char* old = std::getenv("ASAN_OPTIONS");
    if (old != nullptr) saved_ = old;
    const std::string options = saved_.value_or("") +
                                ":quarantine_size_mb=0:thread_local_quarantine_size_kb=0:detect_stack_use_after_return=0";
    ::setenv("ASAN_OPTIONS", options.c_str(), 1);
  }
  ~measurable_memory() {
    if (!sanitized_build) return;
    if (saved_) ::setenv("ASAN_OPTIONS", saved_->c_str(), 1);
    else ::unsetenv("ASAN_OPTIONS");
  }
  measurable_memory(const measurable_memory&) = delete;
  measurable_memory& operator=(const measurable_memory&) = delete;

 private:
  std::optional<std::string> saved_;
};

// Resident memory of `pid` in KiB (VmRSS), 0 when it cannot be read.
inline long rss_kib(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return 0;
}

// Descriptors `pid` has open.
inline std::size_t open_fds(pid_t pid) {
  std::error_code ec;
  std::size_t n = 0;
  for (std::filesystem::directory_iterator it("/proc/" + std::to_string(pid) + "/fd", ec), end;
       !ec && it != end; it.increment(ec)) {
    ++n;
  }
  return n;
}

// Raises this process's soft open-file limit towards `wanted` (at most the hard limit); servers
// started afterwards inherit it. Returns the soft limit in force.
inline rlim_t raise_fd_limit(rlim_t wanted) {
  rlimit limit{};
  ::getrlimit(RLIMIT_NOFILE, &limit);
  if (limit.rlim_cur < wanted) {
    limit.rlim_cur = limit.rlim_max == RLIM_INFINITY ? wanted : std::min(wanted, limit.rlim_max);
    ::setrlimit(RLIMIT_NOFILE, &limit);
    ::getrlimit(RLIMIT_NOFILE, &limit);
  }
  return limit.rlim_cur;
}

// Polls `condition` every 10 ms until it holds or `timeout` passes.
template <typename Condition>
bool eventually(Condition condition, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(10ms);
  }
  return true;
}

struct probe_stats {
  std::size_t sent = 0;
  std::size_t lost = 0;  // no answer (or a wrong one) within a second
  std::size_t late = 0;  // answered, but after more than 100 ms
  std::vector<double> ms;  // latency of each answered probe

  double percentile(double p) const {
    if (ms.empty()) return 0;
    std::vector<double> sorted = ms;
    std::sort(sorted.begin(), sorted.end());
    return sorted[std::min(sorted.size() - 1, static_cast<std::size_t>(p * sorted.size()))];
  }
  std::string summary() const {
    return "sent " + std::to_string(sent) + ", lost " + std::to_string(lost) + ", over 100 ms " +
           std::to_string(late) + ", p50 " + std::to_string(percentile(0.5)) + " ms, max " +
           std::to_string(percentile(1.0)) + " ms";
  }
};

// A legitimate client: every `period`, one query over UDP and one over a fresh TCP connection,
// each timed; a probe without a right answer (same ID, NOERROR) within a second is lost.
class prober {
 public:
  prober(test::server_address at, std::string qname, std::chrono::milliseconds period = 20ms)
      : at_(std::move(at)), qname_(std::move(qname)), period_(period),
        thread_([this] { run(); }) {}
  ~prober() { stop(); }
  prober(const prober&) = delete;
  prober& operator=(const prober&) = delete;

  void stop() {
    stopping_ = true;
    if (thread_.joinable()) thread_.join();
  }
  probe_stats udp() const {
    std::lock_guard lock(mutex_);
    return udp_;
  }
  probe_stats tcp() const {
    std::lock_guard lock(mutex_);
    return tcp_;
  }
  // Prints both summaries under `scenario` and checks them: nothing lost, and (outside
  // sanitizer builds) answers within 100 ms, but for one probe in fifty: on a shared 2-core
  // machine a single scheduling hiccup must not fail the suite, a server that stalls does.
  void report_and_check(std::string_view scenario) {
    stop();
    const probe_stats u = udp(), t = tcp();
    std::cout << "abuse: " << scenario << ": udp probes " << u.summary() << "; tcp probes "
              << t.summary() << "\n";
    for (const char* f : tcp_failures_) std::cout << "abuse:   a tcp probe failed: " << f << "\n";
    CHECK(u.sent > 0);
    CHECK(t.sent > 0);
    CHECK(u.lost == 0);
    CHECK(t.lost == 0);
    if (!sanitized_build) {
      CHECK(u.late <= u.sent / 50);
      CHECK(t.late <= t.sent / 50);
    }
  }

 private:
  void record(probe_stats& s, const std::optional<dns::message>& answer, std::uint16_t id,
              std::chrono::steady_clock::time_point start) {
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    std::lock_guard lock(mutex_);
    ++s.sent;
    if (!answer || answer->hdr.id != id || answer->rcode() != dns::rcode::noerror) {
      ++s.lost;
      return;
    }
    s.ms.push_back(ms);
    if (ms > 100) ++s.late;
  }

  // One query over a fresh connection; a failure says at which step (for the report).
  std::optional<dns::message> tcp_probe(std::uint16_t id) {
    test::tcp_client client;
    const char* failed = nullptr;
    std::optional<dns::message> answer;
    if (!client.connect(at_, 1s)) {
      failed = "connect";
    } else if (!client.send_message(dns::encode(make_query(qname_, dns::rr_type::a, true, id)))) {
      failed = "send";
    } else if (auto raw = client.receive_message(1s); !raw) {
      failed = client.wait_closed(0ms) ? "closed by the server before the answer" : "no answer";
    } else {
      dns::message m;
      if (!dns::decode(*raw, m)) answer = std::move(m);
      else failed = "undecodable answer";
    }
    if (failed != nullptr) {
      std::lock_guard lock(mutex_);
      tcp_failures_.push_back(failed);
    }
    return answer;
  }

  void run() {
    std::uint16_t id = 1;
    while (!stopping_) {
      const auto next = std::chrono::steady_clock::now() + period_;
      ++id;
      auto start = std::chrono::steady_clock::now();
      auto u = test::udp_query(at_, make_query(qname_, dns::rr_type::a, true, id), 1s);
      record(udp_, u, id, start);
      ++id;
      start = std::chrono::steady_clock::now();
      record(tcp_, tcp_probe(id), id, start);
      std::this_thread::sleep_until(next);
    }
  }

  test::server_address at_;
  std::string qname_;
  std::chrono::milliseconds period_;
  mutable std::mutex mutex_;
  probe_stats udp_, tcp_;
  std::vector<const char*> tcp_failures_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;  // last: starts once everything above is ready
};

// A zone `origin` with an apex SOA/NS, `www` A 192.0.2.80, and `count` TXT records of about
// `txt_size` bytes at names r0, r1, ... (a zone transfer of several MB), plus `big` TXT with
// `big_strings` strings of 255 bytes (one large answer).
inline std::string sized_zone_text(std::string_view origin, std::size_t count,
                                   std::size_t txt_size = 100, std::size_t big_strings = 0) {
  std::string text = "$ORIGIN " + std::string(origin) + "\n$TTL 300\n"
                     "@ IN SOA ns1 hostmaster 1 7200 3600 1209600 300\n"
                     "@ IN NS ns1\nns1 IN A 192.0.2.1\nwww IN A 192.0.2.80\n";
  const std::string filler(txt_size, 'x');
  for (std::size_t i = 0; i < count; ++i) {
    text += "r" + std::to_string(i) + " IN TXT \"" + filler + "\"\n";
  }
  if (big_strings > 0) {
    text += "big IN TXT";
    const std::string part(255, 'b');
    for (std::size_t i = 0; i < big_strings; ++i) text += " \"" + part + "\"";
    text += "\n";
  }
  return text;
}

// Sets a small receive buffer on a connected client, so the kernel holds little of what the
// server sends and the server's own buffering shows.
inline void shrink_receive_buffer(const test::tcp_client& client, int bytes = 4096) {
  ::setsockopt(client.fd(), SOL_SOCKET, SO_RCVBUF, &bytes, sizeof bytes);
}

// One framed query, ready to be sent many times in one write.
inline std::vector<std::uint8_t> framed(const dns::message& query) {
  const auto wire = dns::encode(query);
  std::vector<std::uint8_t> out = {static_cast<std::uint8_t>(wire.size() >> 8),
                                   static_cast<std::uint8_t>(wire.size() & 0xff)};
  out.insert(out.end(), wire.begin(), wire.end());
  return out;
}

}  // namespace nstest
