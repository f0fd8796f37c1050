// Unit tests of response rate limiting (nameserver/src/rate_limiter.hpp): the per-second count
// with the test's own clock (account() takes the second), slip ratios, which responses count as
// identical (client network, answer class, name, qtype), eviction in a full table, exact counts
// when several threads share it, and the slipped (TC) form of an answer.
#include <catch2/catch.hpp>

#include <atomic>
#include <thread>
#include <vector>

#include "rate_limiter.hpp"
#include "responder_test_util.hpp"

using namespace dnskit::nameserver;
using namespace dnskit::nameserver::test;
using dnskit::dns::rr_type;
using verdict = rate_limiter::verdict;

namespace {

constexpr std::uint64_t seed = 0x5eed;

// The verdicts for `n` responses with `key` in second `now`.
std::vector<verdict> run(rate_limiter& rl, std::uint64_t key, std::uint32_t now, int n) {
  std::vector<verdict> out;
  for (int i = 0; i < n; ++i) out.push_back(rl.account(key, now));
  return out;
}

std::size_t count(const std::vector<verdict>& v, verdict which) {
  std::size_t n = 0;
  for (auto x : v) n += x == which ? 1 : 0;
  return n;
}

// The rate key of the answer the example zone gives to `qname`/`qtype` from `client`.
std::uint64_t key_for(const rate_limiter& rl, const std::string& qname, rr_type qtype,
                      const request_info& client = udp_from_loopback()) {
  const auto query = query_bytes(qname, qtype);
  const reply r = ask(*example_set(), query, client);
  // The name in the outcome points into the query or the zone: both still alive here.
  return rl.key_of(client, r.result);
}

}  // namespace

TEST_CASE("rate limiter: reconfigure() changes the limit and slip for the next responses", "[unit]") {
  rate_limiter rl(2, 0, 64, seed);
  CHECK(run(rl, 42, 1000, 3) == std::vector<verdict>{verdict::send, verdict::send, verdict::drop});
  // Raised within the same second: the count so far (3) stays, the new limit applies to it.
  rl.reconfigure(5, 0);
  CHECK(rl.limit() == 5);
  CHECK(run(rl, 42, 1000, 3) == std::vector<verdict>{verdict::send, verdict::send, verdict::drop});
  rl.reconfigure(1, 1);
  CHECK(rl.slip() == 1);
  CHECK(run(rl, 42, 1001, 3) == std::vector<verdict>{verdict::send, verdict::slip, verdict::slip});
  // Clamped as in the constructor.
  rl.reconfigure(0, 99);
  CHECK(rl.limit() == 1);
  CHECK(rl.slip() == rate_limiter::max_slip);
}

TEST_CASE("rate limiter: the first N per second go out, then drop/slip alternate", "[unit]") {
  rate_limiter rl(5, 2, 64, seed);
  const auto first = run(rl, 42, 1000, 11);
  CHECK(std::vector<verdict>(first.begin(), first.begin() + 5) == std::vector<verdict>(5, verdict::send));
  // Excess 1, 2, 3, ...: every 2nd limited answer slips (BIND's slip 2).
  CHECK(std::vector<verdict>(first.begin() + 5, first.end()) ==
        std::vector<verdict>{verdict::drop, verdict::slip, verdict::drop, verdict::slip,
                             verdict::drop, verdict::slip});
  // A new second, a new allowance.
  CHECK(count(run(rl, 42, 1001, 5), verdict::send) == 5);
  CHECK(rl.account(42, 1001) == verdict::drop);
  // A second skipped: still a fresh count.
  CHECK(count(run(rl, 42, 1005, 8), verdict::send) == 5);
}

TEST_CASE("rate limiter: slip 0 never slips, slip 1 always, slip 3 every third", "[unit]") {
  rate_limiter never(2, 0, 64, seed), always(2, 1, 64, seed), third(2, 3, 64, seed);
  const auto n = run(never, 7, 50, 32);
  CHECK(count(n, verdict::send) == 2);
  CHECK(count(n, verdict::slip) == 0);
  CHECK(count(n, verdict::drop) == 30);
  const auto a = run(always, 7, 50, 32);
  CHECK(count(a, verdict::send) == 2);
  CHECK(count(a, verdict::slip) == 30);
  const auto t = run(third, 7, 50, 32);
  CHECK(count(t, verdict::send) == 2);
  CHECK(count(t, verdict::slip) == 10);
  CHECK(count(t, verdict::drop) == 20);
}

TEST_CASE("rate limiter: keys are independent, one client network is one key", "[unit]") {
  rate_limiter rl(3, 0, 1024, seed);
  const auto a1 = request_info::v4(transport::udp, {192, 0, 2, 1}, 1000);
  const auto a2 = request_info::v4(transport::udp, {192, 0, 2, 200}, 2000);
  const auto other = request_info::v4(transport::udp, {192, 0, 3, 1}, 1000);
  CHECK(key_for(rl, "www.example.test.", rr_type::a, a1) == key_for(rl, "www.example.test.", rr_type::a, a2));
  CHECK(key_for(rl, "www.example.test.", rr_type::a, a1) != key_for(rl, "www.example.test.", rr_type::a, other));

  // IPv6: the first 7 bytes (/56) decide.
  std::array<std::uint8_t, 16> v6a{0x20, 0x01, 0x0d, 0xb8, 0, 1, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  auto same56 = v6a;
  same56[7] = 0xFF;
  same56[10] = 0x77;
  auto v6c = v6a;
  v6c[6] = 0x04;
  const auto six_a = request_info::v6(transport::udp, v6a);
  CHECK(key_for(rl, "www.example.test.", rr_type::a, six_a) ==
        key_for(rl, "www.example.test.", rr_type::a, request_info::v6(transport::udp, same56)));
  CHECK(key_for(rl, "www.example.test.", rr_type::a, six_a) !=
        key_for(rl, "www.example.test.", rr_type::a, request_info::v6(transport::udp, v6c)));

  // Limiting one key leaves the others alone.
  const std::uint64_t flood = key_for(rl, "www.example.test.", rr_type::a, a1);
  const std::uint64_t calm = key_for(rl, "www.example.test.", rr_type::a, other);
  CHECK(count(run(rl, flood, 9, 100), verdict::send) == 3);
  CHECK(count(run(rl, calm, 9, 3), verdict::send) == 3);
}

TEST_CASE("rate limiter: what counts as the same answer", "[unit]") {
  rate_limiter rl(10, 2, 1024, seed);
  const auto www_a = key_for(rl, "www.example.test.", rr_type::a);
  // Case does not matter (0x20-randomised queries are one stream).
  CHECK(key_for(rl, "WwW.ExAmple.TEST.", rr_type::a) == www_a);
  // Another name or type is another answer.
  CHECK(key_for(rl, "mail.example.test.", rr_type::a) != www_a);
  CHECK(key_for(rl, "www.example.test.", rr_type::aaaa) != www_a);
  // Random names: NXDOMAIN counts under the zone, whatever name and type were asked.
  const auto nx = key_for(rl, "qz1.example.test.", rr_type::a);
  CHECK(key_for(rl, "x7k2.example.test.", rr_type::a) == nx);
  CHECK(key_for(rl, "deep.rnd9.example.test.", rr_type::txt) == nx);
  CHECK(nx != www_a);
  // Names a wildcard answers count under the wildcard.
  const auto wild = key_for(rl, "a1.wild.example.test.", rr_type::a);
  CHECK(key_for(rl, "b2.wild.example.test.", rr_type::a) == wild);
  CHECK(key_for(rl, "x.y.wild.example.test.", rr_type::a) == wild);
  CHECK(key_for(rl, "b2.wild.example.test.", rr_type::mx) != wild);  // NODATA from it, per type
  // Referrals count under the delegation point.
  const auto referral = key_for(rl, "host1.sub.example.test.", rr_type::a);
  CHECK(key_for(rl, "other.host2.sub.example.test.", rr_type::aaaa) == referral);
  CHECK(referral != nx);
  // NODATA is per name and type.
  CHECK(key_for(rl, "www.example.test.", rr_type::mx) != key_for(rl, "mail.example.test.", rr_type::mx));
  // Errors: one stream per client network and rcode, whatever was asked.
  const auto refused = key_for(rl, "www.elsewhere.test.", rr_type::a);
  CHECK(key_for(rl, "random42.other.test.", rr_type::txt) == refused);
  CHECK(refused != nx);
}

TEST_CASE("rate limiter: a full set evicts the smallest count, memory stays the same", "[unit]") {
  // One set of 8 entries: every key lands in it.
  rate_limiter rl(4, 0, 1, seed);
  const std::uint64_t flood = std::uint64_t{0xF100D0} << 40;
  CHECK(count(run(rl, flood, 3, 50), verdict::send) == 4);
  // 1,000 other keys, one response each, pass through the other 7 entries.
  for (std::uint64_t k = 1; k <= 1000; ++k) CHECK(rl.account(k << 40, 3) == verdict::send);
  // The flood's entry (count 50) was never the one evicted.
  CHECK(rl.account(flood, 3) == verdict::drop);
  // Next second: stale entries go first, so the flood's count restarts cleanly too.
  CHECK(count(run(rl, flood, 4, 10), verdict::send) == 4);
}

TEST_CASE("rate limiter: threads sharing one key still send exactly the limit", "[unit]") {
  // Four threads start together on a key nobody has counted yet (the race between two workers
  // inserting the same new key included), 20 times over.
  rate_limiter rl(100, 0, 1024, seed);
  for (std::uint64_t round = 0; round < 20; ++round) {
    const std::uint64_t key = 0x1234'5678'9abc'0000ULL + round;
    std::atomic<int> ready{0};
    std::atomic<int> sent{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&] {
        ++ready;
        while (ready.load() < 4) std::this_thread::yield();
        int mine = 0;
        for (int i = 0; i < 1000; ++i) mine += rl.account(key, 12) == verdict::send ? 1 : 0;
        sent += mine;
      });
    }
    for (auto& t : threads) t.join();
    INFO("round " << round);
    CHECK(sent == 100);
  }
}

TEST_CASE("rate limiter: the slipped form is header + question with TC", "[unit]") {
  const auto query = query_bytes("many.example.test.", rr_type::a, edns0(1232));
  reply r = ask(*example_set(), query);
  REQUIRE(r.msg.answer.size() == 40);
  std::vector<std::uint8_t> wire = r.wire;
  const std::size_t size = make_slip_response(wire, wire.size());
  REQUIRE(size == 12 + 19 + 4);  // header, many.example.test. (19 octets), type and class
  wire.resize(size);
  dnskit::dns::message m;
  REQUIRE_FALSE(dnskit::dns::decode(wire, m));
  CHECK(m.hdr.tc);
  CHECK(m.hdr.id == r.msg.hdr.id);
  CHECK(m.hdr.aa == r.msg.hdr.aa);
  CHECK(m.rcode() == r.msg.rcode());
  REQUIRE(m.questions.size() == 1);
  CHECK(m.questions[0].qname == dnskit::dns::name::from_text("many.example.test."));
  CHECK(m.answer.empty());
  CHECK(m.authority.empty());
  CHECK(m.additional.empty());
  CHECK_FALSE(m.opt.has_value());

  // Not a message respond() writes: nothing to send.
  std::vector<std::uint8_t> junk = {0, 1, 2};
  CHECK(make_slip_response(junk, junk.size()) == 0);
  std::vector<std::uint8_t> pointer(r.wire.begin(), r.wire.begin() + 14);
  pointer[12] = 0xC0;
  CHECK(make_slip_response(pointer, pointer.size()) == 0);
}

TEST_CASE("rate limiter: networks in log lines", "[unit]") {
  CHECK(rate_limit_network(request_info::v4(transport::udp, {198, 51, 100, 77})) == "198.51.100.0/24");
  std::array<std::uint8_t, 16> v6{0x20, 0x01, 0x0d, 0xb8, 0x12, 0x34, 0x56, 0x78, 9, 9, 9, 9, 9, 9, 9, 9};
  CHECK(rate_limit_network(request_info::v6(transport::udp, v6)) == "2001:db8:1234:5600::/56");
}
