// One resolver per dnslookup run: the session keeps its channel across questions and builds
// another only when the settings change what a channel fixes; tries are the library's rounds;
// transfers are the library's async_transfer. Against the real nameserver on loopback.
#include <catch2/catch.hpp>

#include <chrono>

#include "cli_support.hpp"
#include "lookup.hpp"
#include "session.hpp"

using namespace dnskit;
using namespace dnskit::cli;
using namespace clitest;
using namespace std::chrono_literals;

namespace {

settings loopback_settings(std::uint16_t port) {
  settings s;
  s.server.addresses = {boost::asio::ip::make_address("127.0.0.1")};
  s.server.userarg = "127.0.0.1";
  s.server_from_resolv_conf = false;
  s.port = port;
  s.timeout = 2;
  s.tries = 1;
  return s;
}

}  // namespace

TEST_CASE("session: one resolver serves every question until the settings change the channel", "[integration]") {
  settings s = loopback_settings(example_server().port());
  session sess;
  const dns::name www = dns::name::from_text("www.example.test.");
  for (int i = 0; i < 5; ++i) {
    const exchange ex = sess.ask(s, www, dns::rr_type::a);
    REQUIRE(ex.has_response);
    CHECK(ex.response.rcode() == dns::rcode::noerror);
  }
  CHECK(sess.resolvers_built() == 1);

  // What the channel does not fix (type, class, DO) keeps it.
  s.dnssec = true;
  CHECK(sess.ask(s, www, dns::rr_type::mx).has_response);
  CHECK(sess.resolvers_built() == 1);

  // A TCP question needs a TCP channel, a new timeout another; the first is kept for the run.
  s.vc = s.vc_set = true;
  CHECK(sess.ask(s, www, dns::rr_type::a).proto == resolver::transport::tcp);
  CHECK(sess.resolvers_built() == 2);
  s.vc = false;
  CHECK(sess.ask(s, www, dns::rr_type::a).proto == resolver::transport::udp);
  CHECK(sess.resolvers_built() == 2);
  s.timeout = 3;
  CHECK(sess.ask(s, www, dns::rr_type::a).has_response);
  CHECK(sess.resolvers_built() == 3);
}

TEST_CASE("session: each try is one library round, each with the full timeout", "[integration]") {
  silent_socket silent;
  settings s = loopback_settings(static_cast<std::uint16_t>(std::stoi(silent.port())));
  s.timeout = 1;
  s.tries = 2;
  session sess;
  const auto started = std::chrono::steady_clock::now();
  const exchange ex = sess.ask(s, dns::name::from_text("example.test."), dns::rr_type::a);
  const auto took = std::chrono::steady_clock::now() - started;
  CHECK_FALSE(ex.has_response);
  CHECK(ex.error == resolver::errc::timeout);
  CHECK(ex.failures.size() == 2);  // one ";; communications error" line per try
  CHECK(took >= 1900ms);           // two tries of 1 s, not 1 s + 2 s as c-ares's own doubling
  CHECK(took < 2900ms);
  CHECK(sess.resolvers_built() == 1);
}

TEST_CASE("session: a transfer streams through the library and shares the run's resolver", "[integration]") {
  settings s = loopback_settings(example_server().port());
  session sess;
  CHECK(sess.ask(s, dns::name::from_text("example.test."), dns::rr_type::soa).has_response);
  std::size_t records = 0, calls = 0;
  const transfer_outcome t =
      sess.transfer(s, dns::name::from_text("example.test."),
                    [&](const dns::message&, std::span<const dns::record> part, bool) {
                      ++calls;
                      records += part.size();
                    });
  CHECK_FALSE(t.error);
  CHECK(records == t.result.records);
  CHECK(records > 10);
  CHECK(calls == t.result.messages);
  CHECK(sess.resolvers_built() == 1);
}

TEST_CASE("plan_lookup takes the search order from the library", "[unit]") {
  settings s;
  s.search_list = {"a.test", "b.test"};
  s.ndots = 1;
  lookup_request short_name = plan_lookup(s, "host");
  REQUIRE(short_name.candidates.size() == 3);
  CHECK(short_name.candidates[0] == dns::name::from_text("host.a.test."));
  CHECK(short_name.candidates[2] == dns::name::from_text("host."));
  lookup_request dotted = plan_lookup(s, "www.example");
  REQUIRE(dotted.candidates.size() == 3);
  CHECK(dotted.candidates[0] == dns::name::from_text("www.example."));
  s.search = false;
  CHECK(plan_lookup(s, "host").candidates.size() == 1);
  CHECK(plan_lookup(s, "host.").candidates.size() == 1);
}
