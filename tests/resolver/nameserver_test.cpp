// Against the real `nameserver` binary serving the bundled example zone on 127.0.0.1: every
// record type of the zone comes back decoded, and the errors map as they should.
#include <algorithm>
#include <catch2/catch.hpp>

#include "dnskit/dns/rdata.hpp"
#include "test_util.hpp"

#ifdef DNSKIT_NAMESERVER_BINARY
#include <filesystem>

#include "dnskit_test/server_process.hpp"
#endif

using namespace dnskit;
using namespace std::chrono_literals;
using resolver::errc;
using namespace dnskit::resolver::test;

#ifdef DNSKIT_NAMESERVER_BINARY

namespace {

struct running_nameserver {
  std::unique_ptr<dnskit::test::server_process> process;
  resolver::options opts;
};

// Starts the server once per test case; an empty process when the binary is not built.
running_nameserver start_nameserver() {
  running_nameserver out;
  const std::filesystem::path binary = DNSKIT_NAMESERVER_BINARY;
  if (!std::filesystem::exists(binary)) return out;
  const std::string zones = std::string(DNSKIT_SOURCE_DIR) + "/zones/examples/";
  std::string error;
  out.process = dnskit::test::server_process::start(
      binary, {"--listen", "127.0.0.1:0", "--zone", "example.test=" + zones + "example.test.zone", "--zone",
               "2.0.192.in-addr.arpa=" + zones + "2.0.192.in-addr.arpa.zone"},
      error);
  INFO(error);
  REQUIRE(out.process);
  out.opts.servers = {{boost::asio::ip::make_address("127.0.0.1"), out.process->port()}};
  out.opts.resolv_conf = "/dev/null";
  out.opts.hosts_file = false;
  out.opts.search_domains = std::vector<std::string>{};
  out.opts.timeout = 1000ms;
  out.opts.tries = 2;
  return out;
}

}  // namespace

TEST_CASE("every record type of the example zone comes back decoded", "[integration][nameserver]") {
  auto ns = start_nameserver();
  if (!ns.process) {
    WARN("nameserver binary not built: skipped");
    return;
  }
  struct expectation {
    const char* name;
    dns::rr_type type;
    const char* first_rdata;  // the first answer record's rdata as dig prints it
  };
  const expectation cases[] = {
      {"example.test", dns::rr_type::soa,
       "ns1.example.test. hostmaster.example.test. 2024010101 7200 3600 1209600 300"},
      {"example.test", dns::rr_type::ns, nullptr},
      {"example.test", dns::rr_type::mx, nullptr},
      {"example.test", dns::rr_type::txt, nullptr},
      {"example.test", dns::rr_type::a, "192.0.2.1"},
      {"example.test", dns::rr_type::aaaa, "2001:db8::1"},
      {"example.test", dns::rr_type::caa, "0 issue \"letsencrypt.org\""},
      {"www.example.test", dns::rr_type::cname, "example.test."},
      {"_sip._tcp.example.test", dns::rr_type::srv, "10 60 5060 sipserver.example.test."},
      {"dname.example.test", dns::rr_type::dname, "other.test."},
      {"hinfo.example.test", dns::rr_type::hinfo, "\"PC\" \"Linux\""},
      {"naptr.example.test", dns::rr_type::naptr, "100 10 \"U\" \"E2U+sip\" \"!^.*$!sip:info@example.test!\" ."},
      {"sshfp.example.test", dns::rr_type::sshfp, "1 1 123456789ABCDEF67890123456789ABCDEF67890"},
      {"tlsa._443._tcp.example.test", dns::rr_type::tlsa,
       "3 1 1 0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF"},
      {"unk.example.test", static_cast<dns::rr_type>(65534), "\\# 4 0A000001"},
      {"loc.example.test", dns::rr_type::loc, nullptr},
      {"x.wild.example.test", dns::rr_type::a, "192.0.2.99"},
      {"1.2.0.192.in-addr.arpa", dns::rr_type::ptr, "example.test."},
  };
  boost::asio::io_context io;
  resolver::resolver r(io, ns.opts);
  int done = 0;
  for (const auto& c : cases) {
    r.async_query(c.name, c.type, [&, c](resolver::error_code ec, dns::message m) {
      ++done;
      INFO(c.name << " " << dns::to_string(c.type) << ": " << ec.message());
      REQUIRE(!ec);
      REQUIRE(!m.answer.empty());
      const auto& rec = m.answer.front();
      CHECK(rec.type == c.type);
      if (c.first_rdata) {
        std::string text = dns::rdata_to_text(rec.type, rec.rdata);
        std::string expected = c.first_rdata;
        // Hex case and line-length spaces are the printer's choice; compare without them.
        std::transform(text.begin(), text.end(), text.begin(), ::toupper);
        std::transform(expected.begin(), expected.end(), expected.begin(), ::toupper);
        std::erase(text, ' ');
        std::erase(expected, ' ');
        CHECK(text == expected);
      }
    });
  }
  run_bounded(io, 20s);
  CHECK(done == static_cast<int>(std::size(cases)));
}

TEST_CASE("nameserver: NXDOMAIN, NODATA, REFUSED, TC retry over TCP, CNAME chain", "[integration][nameserver]") {
  auto ns = start_nameserver();
  if (!ns.process) {
    WARN("nameserver binary not built: skipped");
    return;
  }
  auto nx = query_once(ns.opts, "nosuch.example.test", dns::rr_type::a);
  CHECK(nx.ec == errc::nxdomain);
  CHECK(nx.msg.hdr.aa);
  auto nodata = query_once(ns.opts, "v6only.example.test", dns::rr_type::a);
  CHECK(nodata.ec == errc::nodata);
  auto refused = query_once(ns.opts, "example.org", dns::rr_type::a);
  CHECK(refused.ec == errc::refused);
  CHECK(refused.msg.rcode() == dns::rcode::refused);
  // Over 512 octets without EDNS: TC over UDP, then the whole answer over TCP.
  auto big = query_once(ns.opts, "big.example.test", dns::rr_type::txt);
  REQUIRE(!big.ec);
  CHECK(big.msg.answer.size() == 15);
  auto chain = query_once(ns.opts, "alias.example.test", dns::rr_type::a);
  REQUIRE(!chain.ec);
  REQUIRE(chain.msg.answer.size() == 3);
  CHECK(chain.msg.answer[0].type == dns::rr_type::cname);
  CHECK(chain.msg.answer[2].type == dns::rr_type::a);
  resolver::error_code ec;
  auto addrs = query_once(ns.opts, "multi.example.test", dns::rr_type::a);
  CHECK(addrs.msg.answer.size() == 2);
  // async_reverse through the reverse zone.
  boost::asio::io_context io;
  resolver::resolver r(io, ns.opts);
  std::vector<std::string> names;
  r.async_reverse(boost::asio::ip::make_address("192.0.2.10"), [&](resolver::error_code e, std::vector<std::string> n) {
    ec = e;
    names = std::move(n);
  });
  run_bounded(io, 10s);
  CHECK(!ec);
  CHECK(names == std::vector<std::string>{"multi.example.test"});
}

TEST_CASE("answer_only: the same answer and rcode without authority and additional",
          "[integration][nameserver]") {
  auto ns = start_nameserver();
  if (!ns.process) {
    WARN("nameserver binary not built: skipped");
    return;
  }
  // The server adds the zone's NS records and their glue to a positive answer.
  auto full = query_once(ns.opts, "example.test", dns::rr_type::a);
  REQUIRE(!full.ec);
  REQUIRE(!full.msg.authority.empty());
  REQUIRE(!full.msg.additional.empty());
  resolver::query_options answers;
  answers.answer_only = true;
  auto light = query_once(ns.opts, "example.test", dns::rr_type::a, answers);
  REQUIRE(!light.ec);
  CHECK(light.msg.questions == full.msg.questions);
  CHECK(light.msg.answer == full.msg.answer);
  CHECK(light.msg.authority.empty());
  CHECK(light.msg.additional.empty());
  CHECK(light.msg.opt == full.msg.opt);
  // Negative answers keep their meaning: their SOA is in the authority section skipped.
  CHECK(query_once(ns.opts, "nosuch.example.test", dns::rr_type::a, answers).ec == errc::nxdomain);
  CHECK(query_once(ns.opts, "v6only.example.test", dns::rr_type::a, answers).ec == errc::nodata);
}

#else

TEST_CASE("nameserver tests need the nameserver target", "[integration][nameserver]") {
  WARN("this build has no nameserver target: skipped");
}

#endif
