#pragma once
// The resolv.conf options the library reads itself (resolv.conf(5), glibc's spelling). c-ares
// 1.18 reads `nameserver`, `search`, `domain`, `sortlist` and `options ndots: rotate`, but
// the timeout and the number of attempts only under BSD's names (`retrans:`, `retry:`), and
// neither `edns0` nor `use-vc`: those are taken from here (core.cpp), where the caller's
// options leave them unset.
#include <chrono>
#include <optional>
#include <string>

namespace dnskit::resolver::detail {

struct resolv_conf_options {
  std::optional<std::chrono::milliseconds> timeout;  // `timeout:N` seconds, 1..30
  std::optional<int> attempts;                       // `attempts:N`, 1..5
  std::optional<int> ndots;                          // `ndots:N`, 0..15
  bool rotate = false;                               // `rotate`
  bool edns0 = false;                                // `edns0`
  bool use_vc = false;                               // `use-vc`
};

// The `options` lines of the file at `path` (the last value of each wins, as in glibc); a
// file that cannot be read gives nothing. Values out of range are capped as glibc caps them.
resolv_conf_options read_resolv_conf_options(const std::string& path);

}  // namespace dnskit::resolver::detail
