// ns/query of nameserver::responder::respond() by kind of answer, and for a mixed workload,
// plus the number of heap allocations per query (must be 0: the hot path allocates nothing).
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "dnskit/dns/message.hpp"
#include "dnskit/nameserver/responder.hpp"
#include "dnskit/zones/loader.hpp"
#include "dnskit/zones/zone_set.hpp"
#include "dnskit_test/counting_new.hpp"

namespace {

using namespace dnskit;

const zones::zone_set& bench_zones() {
  static const auto set = [] {
    std::string text =
        "$ORIGIN bench.test.\n$TTL 3600\n@ SOA ns1 hostmaster 1 7200 3600 1209600 300\n"
        "@ NS ns1\n@ NS ns2\nns1 A 192.0.2.1\nns2 A 192.0.2.2\n@ MX 10 mail\nmail A 192.0.2.3\n"
        "alias CNAME host1\n*.wild A 192.0.2.99\nsub NS ns.sub\nns.sub A 192.0.2.53\n";
    for (int i = 0; i < 10000; ++i) {
      text += "host" + std::to_string(i) + " A 10." + std::to_string(i / 256 % 256) + "." +
              std::to_string(i % 256) + ".1\n";
      if (i % 2 == 0) text += "host" + std::to_string(i) + " AAAA 2001:db8::" + std::to_string(i % 9999) + "\n";
    }
    auto loaded = zones::load_zone_text(dns::name::from_text("bench.test."), text, "bench.zone");
    if (!loaded.ok()) std::abort();
    return std::make_shared<const zones::zone_set>(
        std::vector<std::shared_ptr<const zones::zone>>{loaded.zone});
  }();
  return *set;
}

std::vector<std::uint8_t> make(const char* qname, dns::rr_type type, bool edns = true,
                               bool dnssec_ok = false) {
  std::optional<dns::edns> opt;
  if (edns) {
    opt.emplace();
    opt->udp_payload_size = 1232;
    opt->dnssec_ok = dnssec_ok;
  }
  return dns::encode(dns::make_query(0x4242, dns::name::from_text(qname), type, dns::rr_class::in,
                                     false, opt));
}

void run(benchmark::State& state, const std::vector<std::vector<std::uint8_t>>& queries) {
  const nameserver::responder responder{nameserver::responder_options{}};
  nameserver::scratch work;
  std::vector<std::uint8_t> out(65535);
  const auto client = nameserver::request_info::v4(nameserver::transport::udp, {192, 0, 2, 9}, 4242);
  const auto& zones = bench_zones();
  // Warm up the scratch (vector capacities) before counting.
  for (const auto& q : queries) responder.respond(q, client, zones, work, out);
  const test::allocation_counter counter;
  std::size_t i = 0;
  for (auto _ : state) {
    const auto& q = queries[i];
    i = i + 1 == queries.size() ? 0 : i + 1;
    auto r = responder.respond(q, client, zones, work, out);
    benchmark::DoNotOptimize(r);
  }
  state.counters["allocs/query"] = benchmark::Counter(
      static_cast<double>(counter.count()) / static_cast<double>(state.iterations()));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

void BM_a_hit(benchmark::State& s) { run(s, {make("host1234.bench.test.", dns::rr_type::a)}); }
void BM_a_hit_noedns(benchmark::State& s) { run(s, {make("host1234.bench.test.", dns::rr_type::a, false)}); }
void BM_aaaa_hit(benchmark::State& s) { run(s, {make("host1234.bench.test.", dns::rr_type::aaaa)}); }
void BM_nodata(benchmark::State& s) { run(s, {make("host1235.bench.test.", dns::rr_type::aaaa)}); }
void BM_nxdomain(benchmark::State& s) { run(s, {make("nothere.bench.test.", dns::rr_type::a)}); }
void BM_cname(benchmark::State& s) { run(s, {make("alias.bench.test.", dns::rr_type::a)}); }
void BM_wildcard(benchmark::State& s) { run(s, {make("x.wild.bench.test.", dns::rr_type::a)}); }
void BM_referral(benchmark::State& s) { run(s, {make("www.sub.bench.test.", dns::rr_type::a)}); }
void BM_mx(benchmark::State& s) { run(s, {make("bench.test.", dns::rr_type::mx)}); }
void BM_any(benchmark::State& s) { run(s, {make("bench.test.", dns::rr_type::any)}); }
void BM_refused(benchmark::State& s) { run(s, {make("example.org.", dns::rr_type::a)}); }
void BM_formerr(benchmark::State& s) {
  auto q = make("host1.bench.test.", dns::rr_type::a, false);
  q[5] = 2;  // QDCOUNT 2
  run(s, {q});
}

// The mix of the macro benchmark's query file (../shared/bench): mostly positive A/AAAA
// answers, some NXDOMAIN, NODATA, CNAME, MX and referrals.
void BM_mix(benchmark::State& s) {
  std::vector<std::vector<std::uint8_t>> qs;
  for (int i = 0; i < 1000; ++i) {
    const std::string host = "host" + std::to_string((i * 7919) % 10000) + ".bench.test.";
    switch (i % 10) {
      case 0: qs.push_back(make(("no" + host).c_str(), dns::rr_type::a)); break;
      case 1: qs.push_back(make(host.c_str(), dns::rr_type::aaaa)); break;
      case 2: qs.push_back(make("alias.bench.test.", dns::rr_type::a)); break;
      case 3: qs.push_back(make("bench.test.", dns::rr_type::mx)); break;
      case 4: qs.push_back(make("www.sub.bench.test.", dns::rr_type::a)); break;
      default: qs.push_back(make(host.c_str(), dns::rr_type::a)); break;
    }
  }
  run(s, qs);
}

BENCHMARK(BM_a_hit);
BENCHMARK(BM_a_hit_noedns);
BENCHMARK(BM_aaaa_hit);
BENCHMARK(BM_nodata);
BENCHMARK(BM_nxdomain);
BENCHMARK(BM_cname);
BENCHMARK(BM_wildcard);
BENCHMARK(BM_referral);
BENCHMARK(BM_mx);
BENCHMARK(BM_any);
BENCHMARK(BM_refused);
BENCHMARK(BM_formerr);
BENCHMARK(BM_mix);

}  // namespace
