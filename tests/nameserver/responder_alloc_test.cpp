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
