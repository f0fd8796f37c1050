#pragma once
// The resolver's response cache (options::cache_entries, off by default): responses keyed by
// what makes them differ (name without case, type, class, DO, CD, whether only the answer
// section was decoded), kept for their TTL and served with every TTL counted down (RFC 1035
// §3.2.1, RFC 2181 §8). Positive answers live for the smallest TTL of their records; NXDOMAIN
// and NODATA for min(SOA TTL, SOA MINIMUM) of the SOA in the authority section, and not at all
// without one (RFC 2308 §5). Bounded in entries and in bytes; the least recently used entry
// goes first. Single-threaded, like the core that owns it.
//
// An entry keeps the response as it came on the wire, key and bytes in one heap block, and a
// hit decodes it again: storing costs one copy of the datagram instead of a copy of the decoded
// message (a vector per section, every record), which matters where most names are asked once
// (bulk resolution), while a hit costs a decode instead of a copy.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include <boost/intrusive/list.hpp>
#include <boost/intrusive/unordered_set.hpp>

#include "dnskit/dns/message.hpp"
#include "dnskit/resolver/options.hpp"

namespace dnskit::resolver::detail {

class response_cache {
 public:
  using clock = std::chrono::steady_clock;

  response_cache(std::size_t max_entries, std::size_t max_bytes) : max_entries_(max_entries), max_bytes_(max_bytes) {}
  ~response_cache();
  response_cache(const response_cache&) = delete;
  response_cache& operator=(const response_cache&) = delete;

  bool enabled() const noexcept { return max_entries_ > 0; }

  // What identifies a question's response in the cache. The text is kept in a buffer of the
  // cache's own (no allocation per question) and stays valid until the next call.
  std::string_view key(const dns::name& qname, dns::rr_type type, dns::rr_class qclass, bool dnssec_ok,
                       bool checking_disabled, bool answer_only);

  // The response kept under `key`, decoded with `decode` into `out` with its TTLs counted
  // down; false when absent or expired (an expired entry is dropped).
  bool find(std::string_view key, clock::time_point now, const dns::decode_options& decode, dns::message& out);

  // Keeps the response `wire` (decoded: `decoded`; rcode NOERROR with answers, or NXDOMAIN /
  // NODATA) when it may be cached.
  void store(std::string_view key, std::span<const std::uint8_t> wire, const dns::message& decoded, bool nodata,
             clock::time_point now);

  cache_statistics stats() const noexcept { return stats_; }

  // How long a response may be kept (seconds), nothing when not at all.
  static std::optional<std::uint32_t> lifetime(const dns::message& response, bool negative);

 private:
  // An entry is its own node in both the LRU list and the index (Boost.Intrusive): one heap
  // block for the bookkeeping, one for the bytes, and a lookup that misses reads the bucket and
  // the few entries in it, nothing else. In a bulk run nearly every question misses, is stored
  // and pushes the oldest entry out, so these few memory reads are most of the cache's cost.
  using lru_hook = boost::intrusive::list_base_hook<>;
  using index_hook = boost::intrusive::unordered_set_base_hook<boost::intrusive::store_hash<true>>;
  struct entry : lru_hook, index_hook {
    std::string data;  // the key, then the response's bytes
    std::size_t key_size = 0;
    clock::time_point stored;
    std::uint32_t ttl = 0;
    std::size_t bytes = 0;

    std::string_view key() const noexcept { return std::string_view(data).substr(0, key_size); }
    std::span<const std::uint8_t> wire() const noexcept {
      return {reinterpret_cast<const std::uint8_t*>(data.data()) + key_size, data.size() - key_size};
    }
  };
  struct key_of_entry {
    using type = std::string_view;
    std::string_view operator()(const entry& e) const noexcept { return e.key(); }
  };
  using lru_list = boost::intrusive::list<entry, boost::intrusive::base_hook<lru_hook>>;
  // Power-of-two bucket counts (a mask, not a division, per lookup), each entry's hash kept.
  using index_set = boost::intrusive::unordered_set<
      entry, boost::intrusive::base_hook<index_hook>, boost::intrusive::key_of_value<key_of_entry>,
      boost::intrusive::hash<std::hash<std::string_view>>, boost::intrusive::power_2_buckets<true>,
      boost::intrusive::store_hash<true>>;
  static constexpr std::size_t initial_buckets = 64;

  void erase(entry& e) noexcept;
  void grow_index();

  std::size_t max_entries_, max_bytes_;
  lru_list lru_;  // most recently used first
  std::size_t bucket_count_ = initial_buckets;
  std::unique_ptr<index_set::bucket_type[]> buckets_ = std::make_unique<index_set::bucket_type[]>(initial_buckets);
  index_set index_{index_set::bucket_traits(buckets_.get(), bucket_count_)};
  std::string key_buffer_;
  cache_statistics stats_;
};

}  // namespace dnskit::resolver::detail
