#pragma once
// The resolver's response cache (options::cache_entries, off by default): whole decoded
// responses keyed by what makes them differ (name without case, type, class, DO, CD, whether
// only the answer section was decoded), kept for their TTL and served with every TTL counted
// down (RFC 1035 §3.2.1, RFC 2181 §8). Positive answers live for the smallest TTL of their
// records; NXDOMAIN and NODATA for min(SOA TTL, SOA MINIMUM) of the SOA in the authority
// section, and not at all without one (RFC 2308 §5). Bounded in entries and in bytes; the
// least recently used entry goes first. Single-threaded, like the core that owns it.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <list>
#include <optional>
#include <string>
#include <unordered_map>

#include "dnskit/dns/message.hpp"
#include "dnskit/resolver/options.hpp"

namespace dnskit::resolver::detail {

class response_cache {
 public:
  using clock = std::chrono::steady_clock;

  response_cache(std::size_t max_entries, std::size_t max_bytes) noexcept
      : max_entries_(max_entries), max_bytes_(max_bytes) {}

  bool enabled() const noexcept { return max_entries_ > 0; }

  // What identifies a question's response in the cache.
  static std::string key(const dns::name& qname, dns::rr_type type, dns::rr_class qclass, bool dnssec_ok,
                         bool checking_disabled, bool answer_only);

  // A copy of the response with its TTLs counted down, or nothing (absent or expired; an
  // expired entry is dropped).
  std::optional<dns::message> find(const std::string& key, clock::time_point now);

  // Keeps `response` (rcode NOERROR with answers, or NXDOMAIN / NODATA) when it may be cached;
  // `wire_size` is its size on the wire, what the byte bound counts.
  void store(const std::string& key, const dns::message& response, bool nodata, std::size_t wire_size,
             clock::time_point now);

  cache_statistics stats() const noexcept { return stats_; }

  // How long a response may be kept (seconds), nothing when not at all.
  static std::optional<std::uint32_t> lifetime(const dns::message& response, bool negative);

 private:
  struct entry {
    std::string key;
    dns::message response;
    clock::time_point stored;
    std::uint32_t ttl = 0;
    std::size_t bytes = 0;
  };
  void erase(std::list<entry>::iterator it);

  std::size_t max_entries_, max_bytes_;
  std::list<entry> lru_;  // most recently used first
  std::unordered_map<std::string, std::list<entry>::iterator> index_;
  cache_statistics stats_;
};

}  // namespace dnskit::resolver::detail
