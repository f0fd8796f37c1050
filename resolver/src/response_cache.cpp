#include "response_cache.hpp"

#include <algorithm>

#include "dnskit/dns/rdata.hpp"

namespace dnskit::resolver::detail {
namespace {

// RFC 8767 §4: no TTL above 7 days; RFC 2308 §5: negative answers for hours at most (3).
constexpr std::uint32_t max_positive_ttl = 604800;
constexpr std::uint32_t max_negative_ttl = 10800;

// What an entry costs beyond its wire size: the key, the list node, the index slot and the
// decoded message's own objects, roughly.
constexpr std::size_t entry_overhead = 256;

template <typename F>
void for_each_record(dns::message& m, F f) {
  for (auto* section : {&m.answer, &m.authority, &m.additional}) {
    for (dns::record& r : *section) f(r);
  }
}

}  // namespace

std::string response_cache::key(const dns::name& qname, dns::rr_type type, dns::rr_class qclass, bool dnssec_ok,
                                bool checking_disabled, bool answer_only) {
  const dns::name lower = qname.lowercase();  // RFC 4343: names compare without ASCII case
  const auto wire = lower.wire();
  std::string k(wire.begin(), wire.end());
  const auto t = static_cast<std::uint16_t>(type);
  const auto c = static_cast<std::uint16_t>(qclass);
  k.push_back(static_cast<char>(t >> 8));
  k.push_back(static_cast<char>(t & 0xff));
  k.push_back(static_cast<char>(c >> 8));
  k.push_back(static_cast<char>(c & 0xff));
  k.push_back(static_cast<char>((dnssec_ok ? 1 : 0) | (checking_disabled ? 2 : 0) | (answer_only ? 4 : 0)));
  return k;
}

std::optional<std::uint32_t> response_cache::lifetime(const dns::message& response, bool negative) {
  if (negative) {
    // RFC 2308 §5: the SOA of the authority section bounds it, with its TTL and MINIMUM.
    for (const dns::record& r : response.authority) {
      if (r.type != dns::rr_type::soa) continue;
      const auto fields = dns::soa(r.rdata);
      if (!fields) return std::nullopt;
      const std::uint32_t ttl = std::min({r.ttl, fields->minimum, max_negative_ttl});
      return ttl > 0 ? std::optional<std::uint32_t>(ttl) : std::nullopt;
    }
    return std::nullopt;  // no SOA: not cached (RFC 2308 §5)
  }
  if (response.answer.empty()) return std::nullopt;
  std::uint32_t ttl = max_positive_ttl;
  for (const auto* section : {&response.answer, &response.authority, &response.additional}) {
    for (const dns::record& r : *section) ttl = std::min(ttl, r.ttl);
  }
  return ttl > 0 ? std::optional<std::uint32_t>(ttl) : std::nullopt;
}

std::optional<dns::message> response_cache::find(const std::string& key, clock::time_point now) {
  const auto it = index_.find(key);
  if (it == index_.end()) {
    ++stats_.misses;
    return std::nullopt;
  }
  const auto age = std::chrono::duration_cast<std::chrono::seconds>(now - it->second->stored).count();
  if (age >= static_cast<long long>(it->second->ttl)) {
    erase(it->second);
    ++stats_.expired;
    ++stats_.misses;
    return std::nullopt;
  }
  lru_.splice(lru_.begin(), lru_, it->second);
  ++stats_.hits;
  dns::message copy = it->second->response;
  const auto elapsed = static_cast<std::uint32_t>(age);
  for_each_record(copy, [&](dns::record& r) { r.ttl = r.ttl > elapsed ? r.ttl - elapsed : 0; });
  return copy;
}

void response_cache::store(const std::string& key, const dns::message& response, bool nodata,
                           std::size_t wire_size, clock::time_point now) {
  const bool negative = nodata || response.rcode() == dns::rcode::nxdomain;
  if (!negative && response.rcode() != dns::rcode::noerror) return;
  const auto ttl = lifetime(response, negative);
  if (!ttl) return;
  const std::size_t bytes = wire_size + key.size() + entry_overhead;
  if (bytes > max_bytes_) return;
  if (const auto it = index_.find(key); it != index_.end()) erase(it->second);
  lru_.push_front(entry{key, response, now, *ttl, bytes});
  index_.emplace(key, lru_.begin());
  stats_.bytes += bytes;
  ++stats_.entries;
  ++stats_.inserts;
  while (stats_.entries > max_entries_ || stats_.bytes > max_bytes_) {
    erase(std::prev(lru_.end()));
    ++stats_.evictions;
  }
}

void response_cache::erase(std::list<entry>::iterator it) {
  stats_.bytes -= it->bytes;
  --stats_.entries;
  index_.erase(it->key);
  lru_.erase(it);
}

}  // namespace dnskit::resolver::detail
