// The per-query path allocates nothing once the scratch is warm (DESIGN.md §4). Counted with a
// replacement operator new that only counts on this thread while the counter lives.
#include "dnskit_test/counting_new.hpp"
#include "responder_test_util.hpp"

using namespace dnskit;
using namespace dnskit::nameserver;
using namespace dnskit::nameserver::test;

TEST_CASE("respond() allocates nothing once warm", "[unit]") {
  const auto set = example_set();
  responder_options o;
  o.version = "v";
  o.identity = "ns1";
  o.cookie_secret_previous = std::array<std::uint8_t, 16>{1};
  const responder r(o);
  scratch work;
  std::vector<std::uint8_t> out(65535);
  auto bad = query_bytes("www.example.test.", dns::rr_type::a);
  bad[5] = 2;
  // EDNS options we answer: NSID, a client cookie, then the server cookie it earns.
  auto with_options = edns0();
  with_options.options.push_back({3, {}});
  with_options.options.push_back({10, {1, 2, 3, 4, 5, 6, 7, 8}});
  const auto client_cookie_query = query_bytes("www.example.test.", dns::rr_type::a, with_options);
  dns::message learnt;
  const auto first = r.respond(client_cookie_query, request_info::v4(transport::udp, {127, 0, 0, 1}),
                               *set, work, out);
  REQUIRE_FALSE(dns::decode(std::span(out).first(first.size), learnt));
  REQUIRE(learnt.opt.has_value());
  with_options.options = learnt.opt->options;  // NSID (ours, non-empty: still a request) + cookie
  const auto server_cookie_query = query_bytes("www.example.test.", dns::rr_type::a, with_options);
  auto stale = with_options;
  stale.options.back().data[20] ^= 1;
  const auto bad_cookie_query = query_bytes("www.example.test.", dns::rr_type::a, stale);
  const std::vector<std::vector<std::uint8_t>> queries = {
      query_bytes("www.example.test.", dns::rr_type::a),
      query_bytes("A-Rather-Long-Label-To-Defeat-Small-Strings.www.example.test.", dns::rr_type::a, edns0()),
      query_bytes("nope.example.test.", dns::rr_type::aaaa, edns0(4096, true)),
      query_bytes("alias.example.test.", dns::rr_type::a),
      query_bytes("x.wild.example.test.", dns::rr_type::txt),
      query_bytes("host.sub.example.test.", dns::rr_type::a),
      query_bytes("example.test.", dns::rr_type::any),
      query_bytes("example.test.", dns::rr_type::mx, edns0()),
      query_bytes("many.example.test.", dns::rr_type::a),
      query_bytes("huge.example.test.", dns::rr_type::txt, edns0()),
      query_bytes("example.org.", dns::rr_type::a),
      query_bytes("version.bind.", dns::rr_type::txt, std::nullopt, dns::rr_class::ch),
      query_bytes("example.test.", dns::rr_type::axfr),
      query_bytes("example.org.", dns::rr_type::a, edns0()),  // REFUSED with EDE 20
      client_cookie_query,
      server_cookie_query,
      bad_cookie_query,
      bad,
  };
  for (const auto via : {transport::udp, transport::tcp}) {
    const auto client = request_info::v4(via, {127, 0, 0, 1});
    for (const auto& q : queries) r.respond(q, client, *set, work, out);  // warm up
    CHECK(r.respond(server_cookie_query, client, *set, work, out).valid_cookie);
    std::size_t bytes = 0;
    std::size_t allocations = 0;
    {
      const dnskit::test::allocation_counter counter;
      for (int round = 0; round < 3; ++round) {
        for (const auto& q : queries) bytes += r.respond(q, client, *set, work, out).size;
      }
      allocations = counter.count();
    }
    CHECK(bytes > 0);
    CHECK(allocations == 0);
  }
}

TEST_CASE("respond() allocates nothing for DO queries on signed zones once warm", "[unit][dnssec]") {
  // An NSEC zone and an NSEC3 zone (hashes of RFC 5155 Appendix A): the proofs are binary
  // searches in chains built at load, the NSEC3 hashes computed on the stack.
  const std::string nsec_text =
      "$ORIGIN nsec.test.\n$TTL 3600\n"
      "@ SOA ns1 hostmaster 1 3600 600 86400 300\n"
      "@ RRSIG SOA 13 2 3600 20300101000000 20200101000000 4711 nsec.test. AAAA\n"
      "@ NS ns1\n"
      "@ NSEC ns1.nsec.test. NS SOA RRSIG NSEC\n"
      "ns1 A 192.0.2.1\n"
      "ns1 NSEC *.w.nsec.test. A RRSIG NSEC\n"
      "*.w TXT \"wild\"\n"
      "*.w RRSIG TXT 13 3 3600 20300101000000 20200101000000 4711 nsec.test. AAAA\n"
      "*.w NSEC sub.nsec.test. TXT RRSIG NSEC\n"
      "sub NS ns1.example.net.\n"
      "sub NSEC nsec.test. NS RRSIG NSEC\n";
  const std::string nsec3_text =
      "$ORIGIN example.\n$TTL 3600\n"
      "@ SOA ns1 bugs.x.w.example. 1 3600 300 3600000 3600\n"
      "@ NS ns1\n"
      "@ NSEC3PARAM 1 0 12 aabbccdd\n"
      "ns1 A 192.0.2.1\n"
      "a TXT \"a\"\n"
      "c NS ns1.example.net.\n"
      "*.w TXT \"wild\"\n"
      "0p9mhaveqvm6t7vbl5lop2u3t2rp3tom NSEC3 1 1 12 aabbccdd 2t7b4g4vsa5smi47k61mv5bv1a22bojr NS SOA RRSIG NSEC3PARAM\n"
      "2t7b4g4vsa5smi47k61mv5bv1a22bojr NSEC3 1 1 12 aabbccdd 35mthgpgcu1qg68fab165klnsnk3dpvl A RRSIG\n"
      "35mthgpgcu1qg68fab165klnsnk3dpvl NSEC3 1 1 12 aabbccdd 0p9mhaveqvm6t7vbl5lop2u3t2rp3tom TXT RRSIG\n";
  const zones::zone_set set(std::vector<std::shared_ptr<const zones::zone>>{
      make_zone("nsec.test.", nsec_text), make_zone("example.", nsec3_text)});
  const responder r(responder_options{});
  scratch work;
  std::vector<std::uint8_t> out(65535);
  const auto with_do = edns0(4096, true);
  const std::vector<std::vector<std::uint8_t>> queries = {
      query_bytes("nsec.test.", dns::rr_type::soa, with_do),
      query_bytes("nothere.nsec.test.", dns::rr_type::a, with_do),
      query_bytes("ns1.nsec.test.", dns::rr_type::txt, with_do),
      query_bytes("x.w.nsec.test.", dns::rr_type::txt, with_do),
      query_bytes("x.w.nsec.test.", dns::rr_type::any, with_do),
      query_bytes("host.sub.nsec.test.", dns::rr_type::a, with_do),
      query_bytes("ai.example.", dns::rr_type::a, with_do),
      query_bytes("a.example.", dns::rr_type::a, with_do),
      query_bytes("x.y.w.example.", dns::rr_type::txt, with_do),
      query_bytes("x.y.w.example.", dns::rr_type::a, with_do),
      query_bytes("host.c.example.", dns::rr_type::a, with_do),
  };
  const auto client = request_info::v4(transport::udp, {127, 0, 0, 1});
  for (const auto& q : queries) r.respond(q, client, set, work, out);  // warm up
  std::size_t bytes = 0;
  std::size_t allocations = 0;
  {
    const dnskit::test::allocation_counter counter;
    for (int round = 0; round < 3; ++round) {
      for (const auto& q : queries) bytes += r.respond(q, client, set, work, out).size;
    }
    allocations = counter.count();
  }
  CHECK(bytes > 0);
  CHECK(allocations == 0);
}
