// async_transfer: AXFR and IXFR streamed message by message from a scripted server and from the
// real nameserver, the two clocks (per message, whole transfer), cancellation, refusals and
// broken transfers. transfer_end (where a transfer stops) is checked on its own first.
#include <catch2/catch.hpp>

#include <chrono>
#include <string>
#include <vector>

#include "dnskit/dns/rdata.hpp"
#include "test_server.hpp"
#include "test_util.hpp"
#include "transfer_end.hpp"

#ifdef DNSKIT_NAMESERVER_BINARY
#include <filesystem>

#include "dnskit_test/server_process.hpp"
#endif

using namespace dnskit;
using namespace std::chrono_literals;
using resolver::errc;
using namespace dnskit::resolver::test;

namespace {

using clock_type = std::chrono::steady_clock;

dns::record soa(std::uint32_t serial) {
  return make_record("zone.test.", dns::rr_type::soa,
                     "ns.zone.test. admin.zone.test. " + std::to_string(serial) + " 3600 600 86400 300");
}
dns::record a(std::string_view owner, std::string_view address) {
  return make_record(owner, dns::rr_type::a, address);
}

// The messages of a transfer, each framed with its length (RFC 1035 §4.2.2), as one TCP write.
std::vector<std::uint8_t> framed(const dns::message& query, const std::vector<std::vector<dns::record>>& messages,
                                 dns::rcode rc = dns::rcode::noerror) {
  std::vector<std::uint8_t> out;
  for (const auto& records : messages) {
    dns::message m = response_to(query, rc);
    m.answer = records;
    const std::vector<std::uint8_t> wire = dns::encode(m);
    out.push_back(static_cast<std::uint8_t>(wire.size() >> 8));
    out.push_back(static_cast<std::uint8_t>(wire.size()));
    out.insert(out.end(), wire.begin(), wire.end());
  }
  return out;
}

struct transfer_run {
  resolver::error_code ec;
  resolver::transfer_result result;
  int calls = 0;
  std::vector<std::size_t> sizes;  // records per sink call
  std::vector<bool> lasts;
  std::vector<dns::record> records;
  clock_type::duration took{};
};

transfer_run transfer(const resolver::options& opts, const resolver::transfer_options& topts,
                      std::string_view zone = "zone.test",
                      const std::function<void(transfer_run&)>& after_message = {}) {
  boost::asio::io_context io;
  resolver::resolver r(io, opts);
  transfer_run run;
  const auto started = clock_type::now();
  r.async_transfer(
      zone, topts,
      [&](const dns::message&, std::span<const dns::record> records, bool last) {
        run.sizes.push_back(records.size());
        run.lasts.push_back(last);
        run.records.insert(run.records.end(), records.begin(), records.end());
        if (after_message) after_message(run);
      },
      [&](resolver::error_code ec, resolver::transfer_result result) {
        ++run.calls;
        run.ec = ec;
        run.result = result;
      });
  run_bounded(io);
  run.took = clock_type::now() - started;
  return run;
}

}  // namespace

TEST_CASE("transfer_end: AXFR ends at the second SOA, IXFR at the new SOA where deletions would start", "[unit]") {
  resolver::error_code ec;
  SECTION("AXFR") {
    resolver::detail::transfer_end end;
    CHECK_FALSE(end.take(soa(5), ec));
    CHECK_FALSE(end.take(a("a.zone.test.", "192.0.2.1"), ec));
    CHECK(end.take(soa(5), ec));
    CHECK_FALSE(ec);
    CHECK(end.records() == 3);
  }
  SECTION("the first record must be an SOA") {
    resolver::detail::transfer_end end;
    CHECK_FALSE(end.take(a("a.zone.test.", "192.0.2.1"), ec));
    CHECK(ec == errc::bad_transfer);
  }
  SECTION("IXFR, client up to date: the SOA alone") {
    resolver::detail::transfer_end end(7);
    CHECK(end.take(soa(7), ec));
  }
  SECTION("IXFR answered with the whole zone") {
    resolver::detail::transfer_end end(3);
    CHECK_FALSE(end.take(soa(7), ec));
    CHECK_FALSE(end.take(a("a.zone.test.", "192.0.2.1"), ec));
    CHECK(end.take(soa(7), ec));
  }
  SECTION("IXFR with two difference sequences") {
    resolver::detail::transfer_end end(3);
    CHECK_FALSE(end.take(soa(7), ec));  // new
    CHECK_FALSE(end.take(soa(3), ec));  // old: deletions
    CHECK_FALSE(end.take(a("a.zone.test.", "192.0.2.1"), ec));
    CHECK_FALSE(end.take(soa(5), ec));  // additions
    CHECK_FALSE(end.take(a("a.zone.test.", "192.0.2.2"), ec));
    CHECK_FALSE(end.take(soa(5), ec));  // deletions
    CHECK_FALSE(end.take(soa(7), ec));  // additions up to the new serial
    CHECK_FALSE(end.take(a("b.zone.test.", "192.0.2.3"), ec));
    CHECK(end.take(soa(7), ec));        // the new SOA where deletions would start: the end
    CHECK(end.records() == 9);
  }
}

TEST_CASE("async_transfer streams an AXFR message by message and stops at the closing SOA", "[integration]") {
  test_server server([](const dns::message& q, bool tcp) {
    if (!tcp || q.questions.empty() || q.questions.front().qtype != dns::rr_type::axfr) return reply::silence();
    return reply::bytes(framed(q, {{soa(5), a("a.zone.test.", "192.0.2.1")},
                                   {a("b.zone.test.", "192.0.2.2"), a("c.zone.test.", "192.0.2.3")},
                                   {soa(5), a("after.zone.test.", "192.0.2.9")}}));
  });
  resolver::transfer_options topts;
  topts.message_timeout = 5s;
  const transfer_run run = transfer(loopback_options(server), topts);
  CHECK(run.calls == 1);
  CHECK_FALSE(run.ec);
  CHECK(run.sizes == std::vector<std::size_t>{2, 2, 1});  // the record after the closing SOA is not handed over
  CHECK(run.lasts == std::vector<bool>{false, false, true});
  CHECK(run.result.messages == 3);
  CHECK(run.result.records == 5);
  CHECK(run.result.bytes > 0);
  CHECK(run.result.server.port == server.port());
  REQUIRE(run.records.size() == 5);
  CHECK(run.records.front().type == dns::rr_type::soa);
  CHECK(run.records.back().type == dns::rr_type::soa);
  CHECK(server.udp_queries() == 0);
}

TEST_CASE("async_transfer sends IXFR with the client's serial and follows the differences", "[integration]") {
  std::atomic<std::uint32_t> asked_serial{0};
  test_server server([&](const dns::message& q, bool tcp) {
    if (!tcp || q.questions.empty() || q.questions.front().qtype != dns::rr_type::ixfr) return reply::silence();
    if (q.authority.size() == 1 && q.authority.front().type == dns::rr_type::soa) {
      asked_serial = dns::soa(q.authority.front().rdata)->serial;
    }
    return reply::bytes(framed(q, {{soa(7), soa(3), a("a.zone.test.", "192.0.2.1")},
                                   {soa(7), a("b.zone.test.", "192.0.2.2"), soa(7)}}));
  });
  resolver::transfer_options topts;
  topts.type = dns::rr_type::ixfr;
  topts.ixfr_serial = 3;
  const transfer_run run = transfer(loopback_options(server), topts);
  CHECK_FALSE(run.ec);
  CHECK(asked_serial == 3);
  CHECK(run.result.records == 6);
  CHECK(run.lasts == std::vector<bool>{false, true});
}

TEST_CASE("async_transfer: a server that stops sending ends with timeout after message_timeout", "[integration]") {
  test_server server([](const dns::message& q, bool tcp) {
    if (!tcp) return reply::silence();
    return reply::bytes(framed(q, {{soa(5), a("a.zone.test.", "192.0.2.1")}}));  // and then nothing
  });
  resolver::transfer_options topts;
  topts.message_timeout = 300ms;
  const transfer_run run = transfer(loopback_options(server), topts);
  CHECK(run.ec == errc::timeout);
  CHECK(run.result.records == 2);  // what came before the silence was handed over
  CHECK(run.took >= 300ms);
  CHECK(run.took < 5s);
}

TEST_CASE("async_transfer: a trickling server is ended by the deadline, and run() returns", "[integration]") {
  test_server server([](const dns::message& q, bool tcp) {
    if (!tcp) return reply::silence();
    dns::message m = response_to(q);
    m.answer.push_back(soa(5));
    for (int i = 0; i < 200; ++i) m.answer.push_back(a("host" + std::to_string(i) + ".zone.test.", "192.0.2.1"));
    // A byte every 20 ms: each message keeps its per-message clock happy for ever.
    return reply::in_pieces(std::move(m), 1, 20ms);
  });
  resolver::transfer_options topts;
  topts.message_timeout = 5s;
  topts.deadline = 400ms;
  const transfer_run run = transfer(loopback_options(server), topts);
  CHECK(run.calls == 1);
  CHECK(run.ec == errc::transfer_time_limit);
  CHECK(run.took >= 400ms);
  CHECK(run.took < 3s);  // generous: a loaded machine
}

TEST_CASE("async_transfer: a cancel_token from the sink ends the transfer with operation_aborted", "[integration]") {
  test_server server([](const dns::message& q, bool tcp) {
    if (!tcp) return reply::silence();
    return reply::bytes(framed(q, {{soa(5), a("a.zone.test.", "192.0.2.1")}}));  // never closes
  });
  resolver::cancel_token token;
  resolver::transfer_options topts;
  topts.message_timeout = 10s;
  topts.cancel = token;
  const transfer_run run = transfer(loopback_options(server), topts, "zone.test",
                                    [&](transfer_run&) { token.cancel(); });
  CHECK(run.calls == 1);
  CHECK(run.ec == boost::asio::error::operation_aborted);
  CHECK(run.sizes.size() == 1);
  CHECK(run.took < 5s);
}

TEST_CASE("async_transfer: refusals, broken transfers and bad arguments are errors", "[integration]") {
  SECTION("REFUSED") {
    test_server server([](const dns::message& q, bool) { return reply::bytes(framed(q, {{}}, dns::rcode::refused)); });
    const transfer_run run = transfer(loopback_options(server), {});
    CHECK(run.ec == errc::refused);
    CHECK(run.result.rcode == dns::rcode::refused);
    CHECK(run.sizes.empty());
  }
  SECTION("NOTAUTH") {
    test_server server([](const dns::message& q, bool) { return reply::bytes(framed(q, {{}}, dns::rcode::notauth)); });
    const transfer_run run = transfer(loopback_options(server), {});
    CHECK(run.ec == errc::other_rcode);
    CHECK(run.result.rcode == dns::rcode::notauth);
  }
  SECTION("no SOA first") {
    test_server server([](const dns::message& q, bool) { return reply::bytes(framed(q, {{a("a.zone.test.", "192.0.2.1")}})); });
    CHECK(transfer(loopback_options(server), {}).ec == errc::bad_transfer);
  }
  SECTION("an empty message") {
    test_server server([](const dns::message& q, bool) { return reply::bytes(framed(q, {{soa(5)}, {}})); });
    CHECK(transfer(loopback_options(server), {}).ec == errc::bad_transfer);
  }
  SECTION("the connection closed half way") {
    test_server server([](const dns::message& q, bool) { return reply::bytes(framed(q, {{soa(5)}}), true); });
    const transfer_run run = transfer(loopback_options(server), {});
    CHECK(run.ec == errc::eof);
    CHECK(run.result.records == 1);
  }
  SECTION("not a transfer type") {
    test_server server([](const dns::message&, bool) { return reply::silence(); });
    resolver::transfer_options topts;
    topts.type = dns::rr_type::a;
    CHECK(transfer(loopback_options(server), topts).ec == errc::bad_query);
  }
  SECTION("not a name") {
    test_server server([](const dns::message&, bool) { return reply::silence(); });
    CHECK(transfer(loopback_options(server), {}, "a..b").ec == errc::bad_name);
  }
}

TEST_CASE("async_transfer: resolver::cancel() and destruction end a transfer in progress", "[integration]") {
  test_server server([](const dns::message& q, bool tcp) {
    if (!tcp) return reply::silence();
    return reply::bytes(framed(q, {{soa(5)}}));  // then nothing
  });
  boost::asio::io_context io;
  auto r = std::make_unique<resolver::resolver>(io, loopback_options(server));
  resolver::error_code got;
  int calls = 0;
  resolver::transfer_options topts;
  topts.message_timeout = 10s;
  // The resolver goes away while the transfer waits for its next message.
  r->async_transfer("zone.test", topts,
                    [&](const dns::message&, std::span<const dns::record>, bool) {
                      boost::asio::post(io, [&] { r.reset(); });
                    },
                    [&](resolver::error_code ec, const resolver::transfer_result&) {
                      ++calls;
                      got = ec;
                    });
  const auto started = clock_type::now();
  run_bounded(io);
  CHECK(calls == 1);
  CHECK(got == boost::asio::error::operation_aborted);
  CHECK(clock_type::now() - started < 5s);
}

#ifdef DNSKIT_NAMESERVER_BINARY
TEST_CASE("async_transfer takes the example zone from the real nameserver", "[integration][nameserver]") {
  const std::filesystem::path binary = DNSKIT_NAMESERVER_BINARY;
  if (!std::filesystem::exists(binary)) {
    WARN("nameserver binary not built: skipped");
    return;
  }
  const std::string zones = std::string(DNSKIT_SOURCE_DIR) + "/zones/examples/";
  std::string error;
  auto process = dnskit::test::server_process::start(
      binary, {"--listen", "127.0.0.1:0", "--zone", "example.test=" + zones + "example.test.zone"}, error);
  INFO(error);
  REQUIRE(process);
  resolver::options opts;
  opts.servers = {{boost::asio::ip::make_address("127.0.0.1"), process->port()}};
  opts.resolv_conf = "/dev/null";
  opts.hosts_file = false;
  resolver::transfer_options topts;
  topts.message_timeout = 10s;
  topts.deadline = 30s;
  const transfer_run run = transfer(opts, topts, "example.test");
  CHECK_FALSE(run.ec);
  REQUIRE(run.records.size() > 10);
  CHECK(run.records.front().type == dns::rr_type::soa);
  CHECK(run.records.back().type == dns::rr_type::soa);
  CHECK(run.records.front() == run.records.back());
  for (const dns::record& rec : run.records) CHECK(rec.owner.is_subdomain_of(dns::name::from_text("example.test.")));
  CHECK(run.lasts.back());
}
#endif

#ifdef DNSKIT_NAMESERVER_BINARY
TEST_CASE("async_transfer signs with TSIG and checks every signed message (RFC 8945 §5.3.1)", "[integration][nameserver]") {
  const std::filesystem::path binary = DNSKIT_NAMESERVER_BINARY;
  if (!std::filesystem::exists(binary)) {
    WARN("nameserver binary not built: skipped");
    return;
  }
  const std::string secret = "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA==";
  const std::string zones = std::string(DNSKIT_SOURCE_DIR) + "/zones/examples/";
  std::string error;
  // Transfers only for the key: an unsigned request is refused.
  auto process = dnskit::test::server_process::start(
      binary, {"--listen", "127.0.0.1:0", "--tsig-key", "hmac-sha256:xfr.key:" + secret, "--allow-transfer",
               "key:xfr.key", "--zone", "example.test=" + zones + "example.test.zone"},
      error);
  INFO(error);
  REQUIRE(process);
  resolver::options opts;
  opts.servers = {{boost::asio::ip::make_address("127.0.0.1"), process->port()}};
  opts.resolv_conf = "/dev/null";
  opts.hosts_file = false;
  resolver::transfer_options topts;
  topts.message_timeout = 10s;
  topts.deadline = 30s;

  SECTION("the right key: every record, the last message verified") {
    std::string key_error;
    topts.tsig = dns::tsig::parse_key("hmac-sha256:xfr.key:" + secret, key_error);
    REQUIRE(topts.tsig);
    const transfer_run run = transfer(opts, topts, "example.test");
    CHECK_FALSE(run.ec);
    CHECK(run.result.tsig == dns::tsig::status::verified);
    CHECK(run.records.size() > 10);
  }
  SECTION("another secret: the server refuses it, nothing is handed over") {
    std::string key_error;
    topts.tsig = dns::tsig::parse_key("hmac-sha256:xfr.key:b3RoZXItc2VjcmV0", key_error);
    REQUIRE(topts.tsig);
    const transfer_run run = transfer(opts, topts, "example.test");
    CHECK(run.ec);
    CHECK(run.result.rcode == dns::rcode::notauth);
    CHECK(run.records.empty());
  }
  SECTION("no key: refused") {
    const transfer_run run = transfer(opts, topts, "example.test");
    CHECK(run.ec);
    CHECK(run.result.rcode != dns::rcode::noerror);
    CHECK(run.records.empty());
  }
}
#endif

TEST_CASE("async_transfer with TSIG rejects an answer that is not signed", "[integration]") {
  test_server server([](const dns::message& q, bool tcp) {
    if (!tcp) return reply::silence();
    return reply::bytes(framed(q, {{soa(5), a("a.zone.test.", "192.0.2.1"), soa(5)}}));  // no TSIG record
  });
  resolver::transfer_options topts;
  std::string key_error;
  topts.tsig = dns::tsig::parse_key("hmac-sha256:xfr.key:c2VjcmV0", key_error);
  REQUIRE(topts.tsig);
  const transfer_run run = transfer(loopback_options(server), topts);
  CHECK(run.ec == errc::bad_signature);
  CHECK(run.records.empty());  // the only message would end the transfer unsigned: not handed over
}
