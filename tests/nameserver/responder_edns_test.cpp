// EDNS0 (RFC 6891) in query processing: OPT echo, sizes, BADVERS, options, DO, malformed OPTs.
#include "responder_test_util.hpp"

using namespace dnskit;
using namespace dnskit::nameserver;
using namespace dnskit::nameserver::test;

TEST_CASE("an OPT is answered with our payload size, version 0, DO copied", "[unit]") {
  const auto set = example_set();
  const auto r = ask(*set, query_bytes("www.example.test.", dns::rr_type::a, edns0(4096, true)));
  REQUIRE(r.msg.opt.has_value());
  CHECK(r.msg.opt->udp_payload_size == 1232);
  CHECK(r.msg.opt->version == 0);
  CHECK(r.msg.opt->dnssec_ok);
  CHECK(r.msg.opt->options.empty());
  CHECK(r.msg.rcode() == dns::rcode::noerror);

  const auto plain = ask(*set, query_bytes("www.example.test.", dns::rr_type::a, edns0(4096, false)));
  REQUIRE(plain.msg.opt.has_value());
  CHECK_FALSE(plain.msg.opt->dnssec_ok);
}

TEST_CASE("the advertised size follows the configuration", "[unit]") {
  const auto set = example_set();
  responder_options o;
  o.max_udp_payload = 1400;
  const responder r(o);
  const auto rep = ask(r, *set, query_bytes("www.example.test.", dns::rr_type::a, edns0(4096)));
  REQUIRE(rep.msg.opt.has_value());
  CHECK(rep.msg.opt->udp_payload_size == 1400);
}

TEST_CASE("EDNS version 1 gets BADVERS with an OPT of version 0 and no answer", "[unit]") {
  const auto set = example_set();
  auto e = edns0();
  e.version = 1;
  const auto r = ask(*set, query_bytes("www.example.test.", dns::rr_type::a, e));
  REQUIRE(r.msg.opt.has_value());
  CHECK(r.msg.rcode() == dns::rcode::badvers);
  CHECK(r.msg.opt->version == 0);
  CHECK(r.msg.questions.size() == 1);
  CHECK(r.msg.answer.empty());
  CHECK(r.msg.authority.empty());
  CHECK_FALSE(r.msg.hdr.aa);
  CHECK(r.result.rcode == dns::rcode::badvers);
}

TEST_CASE("unknown options and flags are ignored and not echoed", "[unit]") {
  const auto set = example_set();
  auto e = edns0();
  e.options.push_back({100, {1, 2, 3}});
  e.options.push_back({12, {0, 0, 0}});  // padding (RFC 7830): nothing to answer
  e.z = 0x40;  // an unknown flag
  const auto r = ask(*set, query_bytes("www.example.test.", dns::rr_type::a, e));
  REQUIRE(r.msg.opt.has_value());
  CHECK(r.msg.rcode() == dns::rcode::noerror);
  CHECK(r.msg.opt->options.empty());
  CHECK(r.msg.opt->z == 0);
  CHECK(r.msg.answer.size() == 1);
}

TEST_CASE("malformed OPT records are FORMERR without OPT", "[unit]") {
  const auto set = example_set();
  auto base = query_bytes("www.example.test.", dns::rr_type::a, edns0());
  // The OPT is the last 11 bytes: 00 | 00 29 | 04 d0 | 00 00 00 00 | 00 00.
  REQUIRE(base.size() > 11);
  const std::size_t opt_at = base.size() - 11;
  REQUIRE(base[opt_at + 2] == 41);

  SECTION("option longer than the rdata") {
    auto q = base;
    q[q.size() - 1] = 4;  // rdlength 4
    q.insert(q.end(), {0, 100, 0, 9});  // option 100, length 9, no data
    const auto r = ask(*set, q);
    CHECK(r.msg.rcode() == dns::rcode::formerr);
    CHECK_FALSE(r.msg.opt.has_value());
    CHECK(r.msg.questions.size() == 1);
  }
  SECTION("two OPT records") {
    auto q = base;
    q.insert(q.end(), base.begin() + static_cast<std::ptrdiff_t>(opt_at), base.end());
    q[11] = 2;
    const auto r = ask(*set, q);
    CHECK(r.msg.rcode() == dns::rcode::formerr);
  }
  SECTION("OPT with a non-root owner") {
    std::vector<std::uint8_t> q(base.begin(), base.begin() + static_cast<std::ptrdiff_t>(opt_at));
    q.insert(q.end(), {1, 'x', 0, 0, 41, 4, 0xD0, 0, 0, 0, 0, 0, 0});
    const auto r = ask(*set, q);
    CHECK(r.msg.rcode() == dns::rcode::formerr);
  }
  SECTION("OPT in the answer section") {
    auto q = base;
    q[7] = 1;   // ANCOUNT
    q[11] = 0;  // ARCOUNT
    const auto r = ask(*set, q);
    CHECK(r.msg.rcode() == dns::rcode::formerr);
  }
}

TEST_CASE("queries with other records before the OPT are answered", "[unit]") {
  // An IXFR-style query carries an SOA in the authority section; a plain query with an extra
  // additional record must still find its OPT.
  const auto set = example_set();
  dns::message m = dns::make_query(7, dns::name::from_text("www.example.test."), dns::rr_type::a,
                                   dns::rr_class::in, false, edns0(2048, true));
  dns::record extra;
  extra.owner = dns::name::from_text("www.example.test.");
  extra.type = dns::rr_type::a;
  extra.ttl = 1;
  extra.rdata = {1, 2, 3, 4};
  m.additional.push_back(extra);
  m.authority.push_back(extra);
  const auto r = ask(*set, dns::encode(m));
  CHECK(r.msg.rcode() == dns::rcode::noerror);
  REQUIRE(r.msg.opt.has_value());
  CHECK(r.msg.opt->dnssec_ok);
  CHECK(r.msg.answer.size() == 1);
}
