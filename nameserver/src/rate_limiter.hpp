#pragma once
// Response rate limiting (RRL), as BIND, NSD and Knot do it: a server that answers spoofed UDP
// queries becomes an amplifier aimed at the address spoofed. RRL caps the rate of *identical*
// responses to one client network (a /24 in IPv4, a /56 in IPv6): beyond `limit` per second the
// responses are dropped, and every `slip`-th of those goes out as a small TC=1 answer instead,
// so a real client behind that network retries over TCP (which the spoofer cannot complete)
// and still gets its answer. TCP is never limited.
//
// "Identical" (outcome::rate_class and rate_name, see responder.hpp): the client's network, the
// class of answer (answer, NODATA, NXDOMAIN, referral, error), the name it is about (the qname,
// or the wildcard, zone or delegation point that random names share) and, for answers and
// NODATA, the qtype. The name is hashed case-insensitively (resolvers randomise the case of
// queries, draft-vixie-dnsext-dns0x20).
//
// Design: one table shared by every worker thread, a fixed number of 64-byte sets of 8 entries,
// each entry one std::atomic<uint64_t> (24-bit tag, 16-bit second, 24-bit count) updated with
// relaxed compare-and-swap. Nothing is locked and nothing is allocated per response; memory is
// the same whatever the flood (1 MiB by default). Why shared and not per worker: SO_REUSEPORT
// spreads one client's queries over the workers by source port, so per-worker tables would need
// limit/threads each, which is wrong both ways (a client whose queries all land on one worker
// gets limit/threads; a limit below the thread count rounds to zero). A shared entry is exact;
// the price is that workers answering the same flooding key share one cache line, which only
// happens while RRL is on and costs far less than answering the query did.
//
// The rate is counted per whole second of the steady clock, as NSD counts it: the first `limit`
// responses of a key in a second go out, the rest are limited. A set that is full evicts an
// entry from an earlier second first, else the one with the smallest count (the least likely
// to be a flood); a flood of distinct keys larger than the table cannot be limited (no RRL can),
// but it cannot make the table grow either.
#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "dnskit/nameserver/request.hpp"
#include "dnskit/nameserver/responder.hpp"

namespace dnskit::nameserver {

class rate_limiter {
 public:
  enum class verdict : std::uint8_t {
    send,  // within the limit: send the answer
    slip,  // limited, but send the truncated form (make_slip_response) so real clients retry
    drop,  // limited: send nothing
  };

  static constexpr unsigned ways = 8;                   // entries per 64-byte set
  static constexpr std::size_t default_sets = 1 << 14;  // 131072 entries, 1 MiB
  static constexpr unsigned max_limit = 1'000'000;      // fits the 24-bit count with room
  static constexpr unsigned max_slip = 10;              // as BIND

  // `limit` responses per second per key (1..max_limit), every `slip`-th limited response slips
  // (0: none; 1: all). `sets` is rounded up to a power of two. `seed` keys the hash (a random
  // one by default, so nobody can aim collisions at a victim's entry).
  rate_limiter(unsigned limit, unsigned slip, std::size_t sets = default_sets);
  rate_limiter(unsigned limit, unsigned slip, std::size_t sets, std::uint64_t seed);

  // The key of a response to `client`: its network, the outcome's rate class and name, and the
  // qtype for answers and NODATA.
  std::uint64_t key_of(const request_info& client, const outcome& result) const noexcept;

  // Counts one response with `key` in second `now` (any monotonic count of seconds: see
  // seconds()). Thread-safe, lock-free, allocation-free.
  verdict account(std::uint64_t key, std::uint32_t now) noexcept;

  // Both at once, for a UDP response (the caller does not ask for TCP ones).
  verdict check(const request_info& client, const outcome& result, std::uint32_t now) noexcept {
    return account(key_of(client, result), now);
  }

  unsigned limit() const noexcept { return limit_.load(std::memory_order_relaxed); }
  unsigned slip() const noexcept { return slip_.load(std::memory_order_relaxed); }
  // A configuration reload: the responses counted from now on use these (clamped as in the
  // constructor); the counts so far stay. Thread-safe.
  void reconfigure(unsigned limit, unsigned slip) noexcept;

  // The second counter account() expects, from the steady clock (the test clock is any number).
  static std::uint32_t seconds(std::chrono::steady_clock::time_point t) noexcept;

 private:
  struct alignas(64) set {
    std::array<std::atomic<std::uint64_t>, ways> entry;
  };

  // Read once per limited response, written only by a reload: relaxed is enough (a response
  // counted against the old limit just before a reload is as good as one just after).
  std::atomic<unsigned> limit_;
  std::atomic<unsigned> slip_;
  std::uint64_t seed_;
  std::size_t mask_;
  std::unique_ptr<set[]> sets_;
};

// The client's network as RRL counts it, for logs: "192.0.2.0/24", "2001:db8:0:100::/56".
std::string rate_limit_network(const request_info& client);

// Rewrites the response `message[0, size)` into its slipped form in place: the header with TC=1
// and every count but QDCOUNT zero, followed by the question (RFC 1035 §4.1.1), nothing else (no
// OPT: the client will ask again over TCP anyway). Returns the new size, or 0 when the message
// is not one respond() could have written (then it is better dropped).
std::size_t make_slip_response(std::span<std::uint8_t> message, std::size_t size) noexcept;

}  // namespace dnskit::nameserver
