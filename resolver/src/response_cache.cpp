#include "response_cache.hpp"

#include <algorithm>

#include "dnskit/dns/rdata.hpp"

namespace dnskit::resolver::detail {
namespace {

// RFC 8767 §4: no TTL above 7 days; RFC 2308 §5: negative answers for hours at most (3).
constexpr std::uint32_t max_positive_ttl = 604800;
constexpr std::uint32_t max_negative_ttl = 10800;

// What an entry costs beyond its wire size and key: the list node and the index slot, with
// room to spare (the figure counted when entries were decoded messages, kept so that a byte
// bound holds the same number of entries as before).
constexpr std::size_t entry_overhead = 256;

template <typename F>
void for_each_record(dns::message& m, F f) {
  for (auto* section : {&m.answer, &m.authority, &m.additional}) {
    for (dns::record& r : *section) f(r);
  }
}

}  // namespace

std::string_view response_cache::key(const dns::name& qname, dns::rr_type type, dns::rr_class qclass,
                                     bool dnssec_ok, bool checking_disabled, bool answer_only) {
  const dns::name lower = qname.lowercase();  // RFC 4343: names compare without ASCII case
  const auto wire = lower.wire();
  std::string& k = key_buffer_;
  k.assign(wire.begin(), wire.end());
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

response_cache::~response_cache() {
  index_.clear();
  lru_.clear_and_dispose([](entry* e) { delete e; });
}

bool response_cache::find(std::string_view key, clock::time_point now, const dns::decode_options& decode,
                          dns::message& out) {
  const auto it = index_.find(key);
  if (it == index_.end()) {
    ++stats_.misses;
    return false;
  }
  entry& e = *it;
  const auto age = std::chrono::duration_cast<std::chrono::seconds>(now - e.stored).count();
  if (age >= static_cast<long long>(e.ttl)) {
    erase(e);
    ++stats_.expired;
    ++stats_.misses;
    return false;
  }
  // It decoded when it was stored, with the options the key stands for; should that ever not
  // hold, the entry is of no use.
  if (dns::decode(e.wire(), out, decode)) {
    erase(e);
    ++stats_.misses;
    return false;
  }
  lru_.splice(lru_.begin(), lru_, lru_.iterator_to(e));
  ++stats_.hits;
  const auto elapsed = static_cast<std::uint32_t>(age);
  for_each_record(out, [&](dns::record& r) { r.ttl = r.ttl > elapsed ? r.ttl - elapsed : 0; });
  return true;
}

void response_cache::store(std::string_view key, std::span<const std::uint8_t> wire, const dns::message& decoded,
                           bool nodata, clock::time_point now) {
  const bool negative = nodata || decoded.rcode() == dns::rcode::nxdomain;
  if (!negative && decoded.rcode() != dns::rcode::noerror) return;
  const auto ttl = lifetime(decoded, negative);
  if (!ttl) return;
  const std::size_t bytes = wire.size() + key.size() + entry_overhead;
  if (bytes > max_bytes_) return;
  auto fresh = std::make_unique<entry>();
  fresh->data.reserve(key.size() + wire.size());
  fresh->data.append(key);
  fresh->data.append(reinterpret_cast<const char*>(wire.data()), wire.size());
  fresh->key_size = key.size();
  fresh->stored = now;
  fresh->ttl = *ttl;
  fresh->bytes = bytes;
  if (index_.size() >= bucket_count_) grow_index();
  // One lookup: an entry already there under the key (the same question asked twice at once)
  // gives way to the newer answer.
  auto [at, inserted] = index_.insert(*fresh);
  if (!inserted) {
    erase(*at);
    index_.insert(*fresh);
  }
  entry& e = *fresh.release();
  lru_.push_front(e);
  stats_.bytes += bytes;
  ++stats_.entries;
  ++stats_.inserts;
  while (stats_.entries > max_entries_ || stats_.bytes > max_bytes_) {
    erase(lru_.back());
    ++stats_.evictions;
  }
}

void response_cache::grow_index() {
  const std::size_t count = bucket_count_ * 2;
  auto buckets = std::make_unique<index_set::bucket_type[]>(count);
  index_.rehash(index_set::bucket_traits(buckets.get(), count));
  buckets_ = std::move(buckets);
  bucket_count_ = count;
}

void response_cache::erase(entry& e) noexcept {
  stats_.bytes -= e.bytes;
  --stats_.entries;
  index_.erase(index_.iterator_to(e));
  lru_.erase(lru_.iterator_to(e));
  delete &e;
}

}  // namespace dnskit::resolver::detail
