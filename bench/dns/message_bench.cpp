// Decode and encode of a typical authoritative response: one A answer, two NS in the authority
// section, their glue (A and AAAA) and an OPT record, about 150 bytes on the wire. The decode
// benchmarks also report the heap allocations each decode makes. The answer-only ones decode
// what a bulk resolver gets from NSD for an A query (question, one A answer, OPT) the way the
// resolver does (decode_options::answer_only).
#include <benchmark/benchmark.h>

#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

#include "dnskit/dns/message.hpp"
#include "dnskit/dns/name.hpp"
#include "dnskit/dns/print.hpp"
#include "dnskit/dns/rdata.hpp"
#include "dnskit_test/counting_new.hpp"

namespace {

using namespace dnskit::dns;

record make_record(std::string_view owner, rr_type type, std::uint32_t ttl, std::string_view text) {
  record r;
  r.owner = name::from_text(owner);
  r.type = type;
  r.ttl = ttl;
  if (rdata_from_text(type, text, name{}, r.rdata)) std::abort();
  return r;
}

message typical_response() {
  message m;
  m.hdr.id = 0x1234;
  m.hdr.qr = true;
  m.hdr.aa = true;
  m.questions.push_back({name::from_text("www.example.com."), rr_type::a, rr_class::in});
  m.answer.push_back(make_record("www.example.com.", rr_type::a, 3600, "192.0.2.80"));
  m.authority.push_back(make_record("example.com.", rr_type::ns, 86400, "ns1.example.com."));
  m.authority.push_back(make_record("example.com.", rr_type::ns, 86400, "ns2.example.com."));
  m.additional.push_back(make_record("ns1.example.com.", rr_type::a, 86400, "192.0.2.53"));
  m.additional.push_back(make_record("ns2.example.com.", rr_type::aaaa, 86400, "2001:db8::53"));
  m.opt = edns{};
  return m;
}

// NSD's answer to an A query without EDNS (what bulk resolution asks by default): the zone's NS
// records in the authority section, their glue in the additional, no OPT record.
message glue_response() {
  message m;
  m.hdr.id = 0x1234;
  m.hdr.qr = true;
  m.hdr.aa = true;
  m.questions.push_back({name::from_text("host123.example.com."), rr_type::a, rr_class::in});
  m.answer.push_back(make_record("host123.example.com.", rr_type::a, 3600, "192.0.2.80"));
  m.authority.push_back(make_record("example.com.", rr_type::ns, 3600, "ns1.example.com."));
  m.authority.push_back(make_record("example.com.", rr_type::ns, 3600, "ns2.example.com."));
  m.additional.push_back(make_record("ns1.example.com.", rr_type::a, 3600, "192.0.2.53"));
  m.additional.push_back(make_record("ns1.example.com.", rr_type::aaaa, 3600, "2001:db8::53"));
  m.additional.push_back(make_record("ns2.example.com.", rr_type::a, 3600, "192.0.2.54"));
  m.additional.push_back(make_record("ns2.example.com.", rr_type::aaaa, 3600, "2001:db8::54"));
  return m;
}

// NSD's answer to an A query with EDNS: no authority, the OPT record alone in the additional.
message short_response() {
  message m;
  m.hdr.id = 0x1234;
  m.hdr.qr = true;
  m.hdr.aa = true;
  m.questions.push_back({name::from_text("host123.example.com."), rr_type::a, rr_class::in});
  m.answer.push_back(make_record("host123.example.com.", rr_type::a, 3600, "192.0.2.80"));
  m.opt = edns{};
  return m;
}

void set_decode_counters(benchmark::State& state, std::size_t wire_size, std::size_t allocations) {
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * wire_size));
  state.counters["bytes"] = static_cast<double>(wire_size);
  state.counters["allocs/decode"] = benchmark::Counter(
      static_cast<double>(allocations) / static_cast<double>(state.iterations()));
}

// Decodes `wire` over and over. Into the same message every time (`fresh` false): its section
// vectors keep their capacity, so what allocates is the records' contents. Or into a new message
// every time (`fresh` true), as a resolver does for each answer it hands out (the message's
// destruction included).
void decode_loop(benchmark::State& state, const std::vector<std::uint8_t>& wire,
                 const decode_options& options, bool fresh) {
  message m;
  if (decode(wire, m, options)) std::abort();
  const dnskit::test::allocation_counter counter;
  for (auto _ : state) {
    if (fresh) m = message{};
    auto ec = decode(wire, m, options);
    benchmark::DoNotOptimize(ec);
    benchmark::DoNotOptimize(m);
  }
  set_decode_counters(state, wire.size(), counter.count());
}

void bm_decode(benchmark::State& state) { decode_loop(state, encode(typical_response()), {}, false); }
BENCHMARK(bm_decode);

void bm_decode_fresh(benchmark::State& state) { decode_loop(state, encode(typical_response()), {}, true); }
BENCHMARK(bm_decode_fresh);

void bm_decode_answer_only(benchmark::State& state) {
  decode_loop(state, encode(short_response()), {.answer_only = true}, false);
}
BENCHMARK(bm_decode_answer_only);

void bm_decode_answer_only_fresh(benchmark::State& state) {
  decode_loop(state, encode(short_response()), {.answer_only = true}, true);
}
BENCHMARK(bm_decode_answer_only_fresh);

// glue_response() decoded answer-only, the authority and additional records stepped over to look
// for an OPT (query_had_opt true, the default), or not walked at all (false: the query had no
// OPT, so the response has none, RFC 6891 §7).
void bm_decode_answer_only_glue(benchmark::State& state) {
  decode_loop(state, encode(glue_response()), {.answer_only = true, .query_had_opt = state.range(0) != 0}, false);
}
BENCHMARK(bm_decode_answer_only_glue)->ArgName("query_had_opt")->Arg(1)->Arg(0);

void bm_encode(benchmark::State& state) {
  const message m = typical_response();
  std::array<std::uint8_t, 65535> buffer{};
  std::size_t size = 0;
  for (auto _ : state) {
    const auto result = encode(m, buffer);
    size = result.size;
    benchmark::DoNotOptimize(buffer.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * size));
  state.counters["bytes"] = static_cast<double>(size);
}
BENCHMARK(bm_encode);

// A UDP limit below the message size: records are tried, rolled back, TC set.
void bm_encode_truncated(benchmark::State& state) {
  const message m = typical_response();
  std::array<std::uint8_t, 65535> buffer{};
  for (auto _ : state) {
    const auto result = encode(m, buffer, 100);
    benchmark::DoNotOptimize(result);
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(bm_encode_truncated);

void bm_decode_header(benchmark::State& state) {
  const auto wire = encode(typical_response());
  header h;
  for (auto _ : state) {
    auto ec = decode_header(wire, h);
    benchmark::DoNotOptimize(ec);
    benchmark::DoNotOptimize(h);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(bm_decode_header);

void bm_to_dig_text(benchmark::State& state) {
  const message m = typical_response();
  for (auto _ : state) {
    auto text = to_dig_text(m);
    benchmark::DoNotOptimize(text);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(bm_to_dig_text);

}  // namespace
