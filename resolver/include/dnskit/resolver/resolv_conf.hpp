#pragma once
// What a resolv.conf says (resolv.conf(5), glibc's reading), for programs that show or build on
// it as the resolver does: `nameserver` (three at most, MAXNS), `search` and `domain` (the last
// such line wins), and `options timeout: attempts: ndots: rotate edns0 use-vc`.
//
// The resolver reads the same file through this function for the options c-ares 1.18 skips:
// it understands the timeout and the number of attempts only under BSD's names (`retrans:`,
// `retry:`), and neither `edns0` nor `use-vc` (options.hpp says what each becomes).
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "dnskit/resolver/detail/asio.hpp"

namespace dnskit::resolver {

struct resolv_conf {
  std::vector<boost::asio::ip::address> nameservers;  // in the file's order, at most 3
  // The search list (a `domain` line is a list of one), without trailing dots; unset when the
  // file has neither line.
  std::optional<std::vector<std::string>> search;
  std::optional<std::chrono::milliseconds> timeout;  // `timeout:N` seconds, capped to 1..30
  std::optional<int> attempts;                       // `attempts:N`, capped to 1..5
  std::optional<int> ndots;                          // `ndots:N`, capped to 0..15
  bool rotate = false;                               // `rotate`
  bool edns0 = false;                                // `edns0`
  bool use_vc = false;                               // `use-vc`
};

// The file at `path`; a file that cannot be read gives an empty resolv_conf (as glibc, which
// then uses its defaults). Values out of range are capped as glibc caps them; the last value
// of each option wins. At most 10,000 lines are read.
resolv_conf read_resolv_conf(const std::string& path);

}  // namespace dnskit::resolver
