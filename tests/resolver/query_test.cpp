// async_query against the scripted loopback server: outcomes, error mapping, timeouts,
// truncation, and what reaches the server.
#include <catch2/catch.hpp>

#include "dnskit/dns/rdata.hpp"
#include "test_server.hpp"
#include "test_util.hpp"

using namespace dnskit;
using namespace std::chrono_literals;
using resolver::errc;
using namespace dnskit::resolver::test;

namespace {

std::vector<dns::record> small_zone() {
  return {
      make_record("example.test.", dns::rr_type::soa,
                  "ns1.example.test. hostmaster.example.test. 1 7200 3600 1209600 300"),
      make_record("example.test.", dns::rr_type::ns, "ns1.example.test."),
      make_record("example.test.", dns::rr_type::mx, "10 mail.example.test."),
      make_record("www.example.test.", dns::rr_type::a, "192.0.2.1"),
      make_record("www.example.test.", dns::rr_type::a, "192.0.2.2"),
      make_record("www.example.test.", dns::rr_type::aaaa, "2001:db8::1"),
      make_record("txt.example.test.", dns::rr_type::txt, "\"hello\" \"world\""),
      make_record("srv.example.test.", dns::rr_type::srv, "10 60 5060 sip.example.test."),
      make_record("caa.example.test.", dns::rr_type::caa, "0 issue \"ca.example\""),
  };
}

}  // namespace

TEST_CASE("an answer comes back whole and decoded", "[integration]") {
  test_server server(zone_script(small_zone()));
  const auto out = query_once(loopback_options(server), "www.example.test", dns::rr_type::a);
  REQUIRE(out.calls == 1);
  REQUIRE(!out.ec);
  CHECK(out.msg.hdr.qr);
  CHECK(out.msg.hdr.aa);
  REQUIRE(out.msg.questions.size() == 1);
  CHECK(out.msg.questions[0].qname == dns::name::from_text("www.example.test."));
  REQUIRE(out.msg.answer.size() == 2);
  CHECK(dns::rdata_to_text(dns::rr_type::a, out.msg.answer[0].rdata) == "192.0.2.1");
  CHECK(dns::rdata_to_text(dns::rr_type::a, out.msg.answer[1].rdata) == "192.0.2.2");
  CHECK(out.msg.answer[0].ttl == 300);
}

TEST_CASE("record types c-ares cannot parse come back decoded", "[integration]") {
  test_server server(zone_script(small_zone()));
  const auto opts = loopback_options(server);
  struct expectation {
    const char* name;
    dns::rr_type type;
    const char* rdata;
  };
  for (const auto& e : {expectation{"example.test", dns::rr_type::soa,
                                    "ns1.example.test. hostmaster.example.test. 1 7200 3600 1209600 300"},
                        expectation{"example.test", dns::rr_type::mx, "10 mail.example.test."},
                        expectation{"example.test", dns::rr_type::ns, "ns1.example.test."},
                        expectation{"www.example.test", dns::rr_type::aaaa, "2001:db8::1"},
                        expectation{"txt.example.test", dns::rr_type::txt, "\"hello\" \"world\""},
                        expectation{"srv.example.test", dns::rr_type::srv, "10 60 5060 sip.example.test."},
                        expectation{"caa.example.test", dns::rr_type::caa, "0 issue \"ca.example\""}}) {
    INFO(e.name << " " << dns::to_string(e.type));
    const auto out = query_once(opts, e.name, e.type);
    REQUIRE(!out.ec);
    REQUIRE(out.msg.answer.size() == 1);
    CHECK(out.msg.answer[0].type == e.type);
    CHECK(dns::rdata_to_text(e.type, out.msg.answer[0].rdata) == e.rdata);
  }
}

TEST_CASE("NXDOMAIN and NODATA are errors that keep the response", "[integration]") {
  test_server server(zone_script(small_zone()));
  const auto opts = loopback_options(server);
  auto nx = query_once(opts, "nosuch.example.test", dns::rr_type::a);
  CHECK(nx.ec == errc::nxdomain);
  CHECK(nx.msg.rcode() == dns::rcode::nxdomain);
  REQUIRE(nx.msg.authority.size() == 1);
  CHECK(nx.msg.authority[0].type == dns::rr_type::soa);
  auto nodata = query_once(opts, "txt.example.test", dns::rr_type::a);
  CHECK(nodata.ec == errc::nodata);
  CHECK(nodata.msg.rcode() == dns::rcode::noerror);
  CHECK(nodata.msg.answer.empty());
  CHECK(nodata.msg.authority.size() == 1);
}

TEST_CASE("REFUSED, SERVFAIL, FORMERR, NOTIMP and other rcodes map to their errors", "[integration]") {
  for (const auto& [rc, expected] :
       {std::pair{dns::rcode::refused, errc::refused}, std::pair{dns::rcode::servfail, errc::servfail},
        std::pair{dns::rcode::formerr, errc::formerr}, std::pair{dns::rcode::notimp, errc::notimp},
        std::pair{dns::rcode::notauth, errc::other_rcode}}) {
    INFO(dns::to_string(rc));
    test_server server([rc = rc](const dns::message& q, bool) { return reply::answer(response_to(q, rc)); });
    auto opts = loopback_options(server);
    // A second server that would answer: NOCHECKRESP means the first verdict is final.
    const auto out = query_once(opts, "example.test", dns::rr_type::a);
    CHECK(out.calls == 1);
    CHECK(out.ec == expected);
    CHECK(out.msg.rcode() == rc);
    CHECK(server.udp_queries() == 1);
  }
}

TEST_CASE("a server that never answers times out within the configured time", "[integration]") {
  test_server server([](const dns::message&, bool) { return reply::silence(); });
  // tries=2 with one server: 200 ms, then 400 ms (c-ares doubles each round) = 600 ms.
  const auto opts = loopback_options(server, 200ms, 2);
  const auto start = std::chrono::steady_clock::now();
  const auto out = query_once(opts, "example.test", dns::rr_type::a);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  CHECK(out.calls == 1);
  CHECK(out.ec == errc::timeout);
  CHECK(elapsed >= 550ms);
  CHECK(elapsed < 1500ms);
  CHECK(server.udp_queries() == 2);
}

TEST_CASE("a port with nothing behind it is connection_refused at once", "[integration]") {
  std::uint16_t dead_port = 0;
  {
    test_server gone([](const dns::message&, bool) { return reply::silence(); });
    dead_port = gone.port();
  }
  resolver::options opts;
  opts.servers = {{boost::asio::ip::make_address("127.0.0.1"), dead_port}};
  opts.resolv_conf = "/dev/null";
  opts.hosts_file = false;
  opts.timeout = 2000ms;
  opts.tries = 1;
  const auto start = std::chrono::steady_clock::now();
  const auto out = query_once(opts, "example.test", dns::rr_type::a);
  CHECK(out.ec == errc::connection_refused);
  CHECK(std::chrono::steady_clock::now() - start < 1000ms);
}

TEST_CASE("a truncated UDP answer is retried over TCP", "[integration]") {
  test_server server([](const dns::message& q, bool tcp) {
    dns::message r = response_to(q);
    if (!tcp) {
      r.hdr.tc = true;  // RFC 1035 §4.2.1: the client retries over TCP
      return reply::answer(r);
    }
    for (int i = 0; i < 40; ++i) {
      r.answer.push_back(make_record("big.example.test.", dns::rr_type::txt,
                                     "\"record " + std::to_string(i) + " padding padding padding\""));
    }
    return reply::answer(r);
  });
  const auto out = query_once(loopback_options(server), "big.example.test", dns::rr_type::txt);
  REQUIRE(!out.ec);
  CHECK(!out.msg.hdr.tc);
  CHECK(out.msg.answer.size() == 40);
  CHECK(server.udp_queries() == 1);
  CHECK(server.tcp_queries() == 1);
}

TEST_CASE("tcp_only sends every query over TCP", "[integration]") {
  test_server server(zone_script(small_zone()));
  auto opts = loopback_options(server);
  opts.tcp_only = true;
  const auto out = query_once(opts, "www.example.test", dns::rr_type::a);
  CHECK(!out.ec);
  CHECK(server.udp_queries() == 0);
  CHECK(server.tcp_queries() == 1);
}

TEST_CASE("per-query class, RD, EDNS, DO and CD reach the server", "[integration]") {
  std::mutex m;
  dns::message seen;
  test_server server([&](const dns::message& q, bool) {
    {
      std::lock_guard lock(m);
      seen = q;
    }
    dns::message r = response_to(q);
    r.answer.push_back(make_record("version.bind.", dns::rr_type::txt, "\"1\""));
    r.answer.back().klass = dns::rr_class::ch;
    return reply::answer(r);
  });
  auto opts = loopback_options(server);
  resolver::query_options q;
  q.qclass = dns::rr_class::ch;
  q.recursion_desired = false;
  q.edns_payload_size = 4096;
  q.dnssec_ok = true;
  q.checking_disabled = true;
  auto out = query_once(opts, "version.bind", dns::rr_type::txt, q);
  CHECK(!out.ec);
  {
    std::lock_guard lock(m);
    REQUIRE(seen.questions.size() == 1);
    CHECK(seen.questions[0].qclass == dns::rr_class::ch);
    CHECK(!seen.hdr.rd);
    CHECK(seen.hdr.cd);
    REQUIRE(seen.opt);
    CHECK(seen.opt->udp_payload_size == 4096);
    CHECK(seen.opt->dnssec_ok);
  }
  // Defaults: RD set, no OPT record; options::no_recursion clears RD.
  out = query_once(opts, "version.bind", dns::rr_type::txt);
  {
    std::lock_guard lock(m);
    CHECK(seen.hdr.rd);
    CHECK(!seen.opt);
  }
  opts.no_recursion = true;
  opts.edns_payload_size = 1232;
  out = query_once(opts, "version.bind", dns::rr_type::txt);
  {
    std::lock_guard lock(m);
    CHECK(!seen.hdr.rd);
    REQUIRE(seen.opt);
    CHECK(seen.opt->udp_payload_size == 1232);
  }
}

TEST_CASE("the search list is applied on request, NXDOMAIN and NODATA move on", "[integration]") {
  std::atomic<int> asked{0};
  auto zone = zone_script({make_record("host.b.test.", dns::rr_type::a, "192.0.2.9"),
                           make_record("host.a.test.", dns::rr_type::txt, "\"no address here\"")});
  test_server server([&](const dns::message& q, bool tcp) {
    ++asked;
    return zone(q, tcp);
  });
  auto opts = loopback_options(server);
  opts.search_domains = std::vector<std::string>{"nx.test", "a.test", "b.test"};
  opts.ndots = 1;
  resolver::query_options q;
  q.search = true;
  auto out = query_once(opts, "host", dns::rr_type::a, q);
  REQUIRE(!out.ec);
  CHECK(out.msg.questions[0].qname == dns::name::from_text("host.b.test."));
  CHECK(asked == 3);
  // Nowhere: a NODATA seen on the way wins over the last NXDOMAIN (as res_search).
  asked = 0;
  out = query_once(opts, "host", dns::rr_type::mx, q);
  CHECK(out.ec == errc::nodata);
  CHECK(out.msg.questions[0].qname == dns::name::from_text("host.a.test."));
  CHECK(asked == 4);
  // Without search the name is absolute.
  out = query_once(opts, "host", dns::rr_type::a);
  CHECK(out.ec == errc::nxdomain);
}

TEST_CASE("a dns::name is asked as it is, without the search list", "[integration]") {
  std::atomic<int> asked{0};
  auto zone = zone_script({make_record("host.b.test.", dns::rr_type::a, "192.0.2.9")});
  test_server server([&](const dns::message& q, bool tcp) {
    ++asked;
    return zone(q, tcp);
  });
  auto opts = loopback_options(server);
  opts.search_domains = std::vector<std::string>{"b.test"};
  opts.ndots = 1;
  resolver::query_options q;
  q.search = true;  // no say over a name already parsed: it is absolute
  boost::asio::io_context io;
  resolver::resolver r(io, opts);
  query_outcome found, absent;
  auto keep = [](query_outcome& out) {
    return [&out](resolver::error_code ec, dns::message m) {
      out.ec = ec;
      out.msg = std::move(m);
      ++out.calls;
    };
  };
  r.async_query(dns::name::from_text("host.b.test."), dns::rr_type::a, q, keep(found));
  r.async_query(dns::name::from_text("host."), dns::rr_type::a, q, keep(absent));
  run_bounded(io);
  REQUIRE(found.calls == 1);
  REQUIRE(!found.ec);
  REQUIRE(found.msg.answer.size() == 1);
  CHECK(dns::rdata_to_text(dns::rr_type::a, found.msg.answer[0].rdata) == "192.0.2.9");
  CHECK(absent.calls == 1);
  CHECK(absent.ec == errc::nxdomain);  // "host.b.test." was not tried for it
  CHECK(asked == 2);
}

TEST_CASE("a bad name completes with bad_name without touching the network", "[integration]") {
  test_server server(zone_script(small_zone()));
  const auto out = query_once(loopback_options(server), "bad..name", dns::rr_type::a);
  CHECK(out.calls == 1);
  CHECK(out.ec == errc::bad_name);
  CHECK(server.udp_queries() == 0);
  const std::string long_label(64, 'x');
  CHECK(query_once(loopback_options(server), long_label + ".test", dns::rr_type::a).ec == errc::bad_name);
}

TEST_CASE("answers with a wrong ID, a wrong question or garbage are ignored", "[integration]") {
  for (int variant = 0; variant < 3; ++variant) {
    INFO("variant " << variant);
    test_server server([variant](const dns::message& q, bool) {
      dns::message r = response_to(q);
      r.answer.push_back(make_record("example.test.", dns::rr_type::a, "192.0.2.1"));
      if (variant == 0) r.hdr.id = static_cast<std::uint16_t>(q.hdr.id + 1);
      if (variant == 1) r.questions[0].qname = dns::name::from_text("other.test.");
      if (variant == 2) return reply::bytes({0xde, 0xad, 0xbe, 0xef});
      return reply::answer(r);
    });
    const auto out = query_once(loopback_options(server, 150ms, 1), "example.test", dns::rr_type::a);
    CHECK(out.calls == 1);
    CHECK(out.ec == errc::timeout);
  }
}

TEST_CASE("an answer after the timeout does not count, the retry's does", "[integration]") {
  std::atomic<int> n{0};
  test_server server([&](const dns::message& q, bool) {
    dns::message r = response_to(q);
    r.answer.push_back(make_record("example.test.", dns::rr_type::a, "192.0.2.1"));
    // The first answer arrives after the first try's 150 ms timeout, the retry's at once.
    return reply::answer(r, ++n == 1 ? 400ms : 0ms);
  });
  const auto out = query_once(loopback_options(server, 150ms, 3), "example.test", dns::rr_type::a);
  CHECK(out.calls == 1);
  CHECK(!out.ec);
  CHECK(n == 2);
}

TEST_CASE("a TCP connection closed mid-answer fails the query cleanly", "[integration]") {
  test_server server([](const dns::message& q, bool tcp) {
    if (!tcp) {
      dns::message r = response_to(q);
      r.hdr.tc = true;
      return reply::answer(r);
    }
    // A length prefix promising 200 bytes, 3 of them, then the connection closes.
    return reply::bytes({0x00, 0xc8, 0x12, 0x34, 0x81}, true);
  });
  const auto out = query_once(loopback_options(server, 300ms, 1), "example.test", dns::rr_type::a);
  CHECK(out.calls == 1);
  CHECK(out.ec);
  CHECK(out.msg.answer.empty());
}
