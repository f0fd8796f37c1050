#include "rate_limiter.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <bit>
#include <random>
#include <system_error>

#include "dnskit/dns/header_bits.hpp"
#include "dnskit/dns/wire_name.hpp"

namespace dnskit::nameserver {
namespace {

// Entry layout: tag (24 bits) | second (16) | count (24). A zero word is an empty entry (tags
// are never zero). The 16-bit second wraps after 18 hours; an entry left untouched exactly that
// long looks current for one second, which costs one second of a wrong count at worst.
constexpr unsigned count_bits = 24;
constexpr unsigned second_bits = 16;
constexpr std::uint64_t count_mask = (std::uint64_t{1} << count_bits) - 1;
constexpr std::uint64_t second_mask = (std::uint64_t{1} << second_bits) - 1;

constexpr std::uint64_t tag_of(std::uint64_t w) noexcept { return w >> (count_bits + second_bits); }
constexpr std::uint64_t second_of(std::uint64_t w) noexcept { return (w >> count_bits) & second_mask; }
constexpr std::uint64_t count_of(std::uint64_t w) noexcept { return w & count_mask; }
constexpr std::uint64_t make(std::uint64_t tag, std::uint64_t second, std::uint64_t count) noexcept {
  return (tag << (count_bits + second_bits)) | ((second & second_mask) << count_bits) |
         (count & count_mask);
}

// FNV-1a over the key's bytes, then a 64-bit finaliser (splitmix64) so that both the set index
// (low bits) and the tag (high bits) depend on every byte.
class key_hash {
 public:
  explicit key_hash(std::uint64_t seed) noexcept : h_(0xcbf29ce484222325ULL ^ seed) {}
  void byte(std::uint8_t b) noexcept {
    h_ ^= b;
    h_ *= 0x100000001b3ULL;
  }
  void bytes(std::span<const std::uint8_t> s) noexcept {
    for (const std::uint8_t b : s) byte(b);
  }
  std::uint64_t done() const noexcept {
    std::uint64_t z = h_ + 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

 private:
  std::uint64_t h_;
};

std::uint64_t random_seed() {
  std::random_device device;
  return (std::uint64_t{device()} << 32) ^ device();
}

}  // namespace

rate_limiter::rate_limiter(unsigned limit, unsigned slip, std::size_t sets)
    : rate_limiter(limit, slip, sets, random_seed()) {}

rate_limiter::rate_limiter(unsigned limit, unsigned slip, std::size_t sets, std::uint64_t seed)
    : limit_(std::clamp(limit, 1u, max_limit)),
      slip_(std::min(slip, max_slip)),
      seed_(seed),
      mask_(std::bit_ceil(std::max<std::size_t>(sets, 1)) - 1),
      sets_(new set[mask_ + 1]) {
  // Value-initialised atomics start at zero in C++20; say so for readers and older libraries.
  for (std::size_t i = 0; i <= mask_; ++i) {
    for (auto& e : sets_[i].entry) e.store(0, std::memory_order_relaxed);
  }
}

std::uint64_t rate_limiter::key_of(const request_info& client, const outcome& result) const noexcept {
  key_hash h(seed_);
  // The client's network: /24 in IPv4, /56 in IPv6 (BIND's and Knot's defaults; one customer
  // site gets a /56, and a spoofer varies the low bits to dodge a per-address limit).
  h.byte(client.is_v6 ? 6 : 4);
  h.bytes(std::span(client.address.data(), std::size_t{client.is_v6 ? 7u : 3u}));
  h.byte(static_cast<std::uint8_t>(result.rate));
  if (result.rate == outcome::rate_class::error) {
    // Every error to a network is one stream, whatever was asked (as BIND); the rcode still
    // tells REFUSED floods from FORMERR ones.
    h.byte(static_cast<std::uint8_t>(static_cast<std::uint16_t>(result.rcode) & 0xFF));
    return h.done();
  }
  h.byte(static_cast<std::uint8_t>(static_cast<std::uint16_t>(result.qclass) >> 8));
  h.byte(static_cast<std::uint8_t>(static_cast<std::uint16_t>(result.qclass) & 0xFF));
  if (result.rate == outcome::rate_class::answer || result.rate == outcome::rate_class::nodata) {
    // NXDOMAIN and referrals leave the qtype out, so random types do not make new streams.
    h.byte(static_cast<std::uint8_t>(static_cast<std::uint16_t>(result.qtype) >> 8));
    h.byte(static_cast<std::uint8_t>(static_cast<std::uint16_t>(result.qtype) & 0xFF));
  }
  // The name in lower case (RFC 4343), label lengths included: an uncompressed wire name.
  for (const std::uint8_t b : result.rate_name) {
    h.byte(b >= 'A' && b <= 'Z' ? static_cast<std::uint8_t>(b + ('a' - 'A')) : b);
  }
  return h.done();
}

rate_limiter::verdict rate_limiter::account(std::uint64_t key, std::uint32_t now) noexcept {
  std::uint64_t tag = key >> (count_bits + second_bits);
  if (tag == 0) tag = 1;
  const std::uint64_t second = now & second_mask;
  set& s = sets_[key & mask_];

  std::uint64_t counted = 1;  // this response's number within its key's second
  // Another worker may change the set between the scan and the compare-and-swap: then scan
  // again, so that a response is never left uncounted (a few rounds at most; after that it
  // counts as the first of a new key, which only errs towards sending).
  for (int attempt = 0; attempt < 4; ++attempt) {
    std::atomic<std::uint64_t>* match = nullptr;
    std::uint64_t seen = 0;
    for (auto& e : s.entry) {
      seen = e.load(std::memory_order_relaxed);
      if (tag_of(seen) == tag) {
        match = &e;
        break;
      }
    }
    if (match != nullptr) {
      // Relaxed is enough: the entry is one self-contained word and nothing else is published
      // through it. The loop only retries when another worker counted the same key meanwhile.
      bool evicted = false;
      for (;;) {
        const std::uint64_t count =
            second_of(seen) == second ? std::min(count_of(seen) + 1, count_mask) : 1;
        if (match->compare_exchange_weak(seen, make(tag, second, count), std::memory_order_relaxed)) {
          counted = count;
          break;
        }
        if (tag_of(seen) != tag) {  // evicted by another key meanwhile
          evicted = true;
          break;
        }
      }
      if (!evicted) break;
      continue;
    }
    // A new key: take an empty or stale entry, else the one with the smallest count this second.
    // If another worker inserted this key since the scan above, count on its entry instead: two
    // entries for one key would each let `limit` responses through.
    std::atomic<std::uint64_t>* victim = &s.entry[0];
    std::uint64_t victim_word = victim->load(std::memory_order_relaxed);
    bool inserted_meanwhile = false;
    for (auto& e : s.entry) {
      const std::uint64_t w = e.load(std::memory_order_relaxed);
      if (tag_of(w) == tag) {
        inserted_meanwhile = true;
        break;
      }
      if (w == 0 || second_of(w) != second) {
        victim = &e;
        victim_word = w;
        break;
      }
      if (count_of(w) < count_of(victim_word)) {
        victim = &e;
        victim_word = w;
      }
    }
    if (inserted_meanwhile) continue;
    if (victim->compare_exchange_strong(victim_word, make(tag, second, 1), std::memory_order_relaxed)) {
      counted = 1;
      break;
    }
  }

  const unsigned limit = limit_.load(std::memory_order_relaxed);
  if (counted <= limit) return verdict::send;
  // BIND's slip: of the limited responses, the slip-th, 2*slip-th, ... go out truncated.
  const std::uint64_t excess = counted - limit;
  const unsigned slip = slip_.load(std::memory_order_relaxed);
  if (slip != 0 && excess % slip == 0) return verdict::slip;
  return verdict::drop;
}

void rate_limiter::reconfigure(unsigned limit, unsigned slip) noexcept {
  limit_.store(std::clamp(limit, 1u, max_limit), std::memory_order_relaxed);
  slip_.store(std::min(slip, max_slip), std::memory_order_relaxed);
}

std::uint32_t rate_limiter::seconds(std::chrono::steady_clock::time_point t) noexcept {
  return static_cast<std::uint32_t>(
      std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count());
}

std::string rate_limit_network(const request_info& client) {
  std::array<std::uint8_t, 16> prefix{};
  const std::size_t keep = client.is_v6 ? 7 : 3;
  for (std::size_t i = 0; i < keep; ++i) prefix[i] = client.address[i];
  char text[INET6_ADDRSTRLEN] = {};
  ::inet_ntop(client.is_v6 ? AF_INET6 : AF_INET, prefix.data(), text, sizeof text);
  return std::string(text) + (client.is_v6 ? "/56" : "/24");
}

std::size_t make_slip_response(std::span<std::uint8_t> message, std::size_t size) noexcept {
  using offset = dns::header_offset;
  constexpr std::size_t header = 12;
  if (size < header || size > message.size()) return 0;
  const unsigned qdcount = (unsigned{message[offset::qdcount]} << 8) | message[offset::qdcount + 1];
  std::size_t end = header;
  if (qdcount == 1) {
    // The question as respond() echoed it: an uncompressed name, then type and class.
    std::error_code ec;
    const std::span<const std::uint8_t> rest = message.subspan(header, size - header);
    end += dns::name_extent(rest, ec) + 4;
    if (ec || end > size) return 0;
  } else if (qdcount != 0) {
    return 0;
  }
  message[offset::flags] |= dns::flags_hi::tc;  // RFC 1035 §4.1.1
  for (std::size_t i = offset::ancount; i < header; ++i) message[i] = 0;  // ANCOUNT..ARCOUNT
  return end;
}

}  // namespace dnskit::nameserver
