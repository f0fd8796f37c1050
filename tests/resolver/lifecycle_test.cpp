// Cancellation, destruction, deadlines, re-entrant handlers and load: every handler runs
// exactly once, with the right outcome, and nothing outlives its owner (run under ASan+UBSan).
#include <catch2/catch.hpp>

#include "dnskit/dns/rdata.hpp"
#include "test_server.hpp"
#include "test_util.hpp"

using namespace dnskit;
using namespace std::chrono_literals;
using resolver::errc;
using namespace dnskit::resolver::test;

namespace {

script silent() {
  return [](const dns::message&, bool) { return reply::silence(); };
}

// Answers every name "nN.test." with A 10.x.y.z encoding N, after `delay`.
script numbered(std::chrono::milliseconds delay = 0ms) {
  return [delay](const dns::message& q, bool) {
    dns::message r = response_to(q);
    const auto label = q.questions.at(0).qname.label(0);
    const unsigned n = static_cast<unsigned>(std::stoul(std::string(label.substr(1))));
    r.answer.push_back(make_record(q.questions[0].qname.to_text(), dns::rr_type::a,
                                   "10." + std::to_string(n >> 16 & 0xff) + "." +
                                       std::to_string(n >> 8 & 0xff) + "." + std::to_string(n & 0xff)));
    return reply::answer(r, delay);
  };
}

std::string address_of(unsigned n) {
  return "10." + std::to_string(n >> 16 & 0xff) + "." + std::to_string(n >> 8 & 0xff) + "." +
         std::to_string(n & 0xff);
}

}  // namespace

TEST_CASE("handlers never run inside the call that starts the operation", "[integration]") {
  test_server server(silent());
  boost::asio::io_context io;
  resolver::resolver r(io, loopback_options(server));
  bool ran = false;
  r.async_query("bad..name", dns::rr_type::a, [&](resolver::error_code, dns::message) { ran = true; });
  r.async_resolve("192.0.2.7", [&](resolver::error_code, resolver::resolve_result) { ran = true; });
  CHECK(!ran);
  run_bounded(io, 5s);
  CHECK(ran);
}

TEST_CASE("cancel() completes every pending operation once with operation_aborted", "[integration]") {
  test_server server(silent());
  boost::asio::io_context io;
  resolver::resolver r(io, loopback_options(server, 5000ms, 1));
  std::vector<int> calls(50, 0);
  std::vector<resolver::error_code> results(50);
  for (int i = 0; i < 50; ++i) {
    r.async_query("n" + std::to_string(i) + ".test", dns::rr_type::a, [&, i](resolver::error_code ec, dns::message) {
      ++calls[static_cast<std::size_t>(i)];
      results[static_cast<std::size_t>(i)] = ec;
    });
  }
  int resolves = 0;
  r.async_resolve("host.test", [&](resolver::error_code ec, resolver::resolve_result res) {
    ++resolves;
    CHECK(ec == boost::asio::error::operation_aborted);
    CHECK(res.addresses.empty());
  });
  io.run_for(50ms);  // the queries are on the wire
  CHECK(r.pending() == 51);
  r.cancel();
  CHECK(r.pending() == 0);
  const auto start = std::chrono::steady_clock::now();
  run_bounded(io, 5s);
  CHECK(std::chrono::steady_clock::now() - start < 1s);  // no lingering timer or socket
  for (int i = 0; i < 50; ++i) {
    CHECK(calls[static_cast<std::size_t>(i)] == 1);
    CHECK(results[static_cast<std::size_t>(i)] == boost::asio::error::operation_aborted);
  }
  CHECK(resolves == 1);
  // Still usable afterwards.
  test_server answering(numbered());
  resolver::resolver r2(io, loopback_options(answering));
  resolver::error_code after = errc::bad_query;
  r2.async_query("n7.test", dns::rr_type::a, [&](resolver::error_code ec, dns::message) { after = ec; });
  run_bounded(io, 5s);
  CHECK(!after);
}

TEST_CASE("destroying the resolver completes pending operations once", "[integration]") {
  test_server server(silent());
  boost::asio::io_context io;
  int calls = 0;
  {
    resolver::resolver r(io, loopback_options(server, 5000ms, 1));
    for (int i = 0; i < 20; ++i) {
      r.async_query("n" + std::to_string(i) + ".test", dns::rr_type::a, [&](resolver::error_code ec, dns::message) {
        ++calls;
        CHECK(ec == boost::asio::error::operation_aborted);
      });
    }
    resolver::query_options with_deadline;
    with_deadline.deadline = 3s;
    r.async_query("deadline.test", dns::rr_type::a, with_deadline, [&](resolver::error_code ec, dns::message) {
      ++calls;
      CHECK(ec == boost::asio::error::operation_aborted);
    });
    io.run_for(30ms);
    CHECK(calls == 0);
  }
  const auto start = std::chrono::steady_clock::now();
  run_bounded(io, 5s);
  CHECK(calls == 21);
  CHECK(std::chrono::steady_clock::now() - start < 1s);
}

TEST_CASE("a handler may destroy the resolver or start new queries", "[integration]") {
  test_server server(numbered());
  boost::asio::io_context io;
  auto r = std::make_unique<resolver::resolver>(io, loopback_options(server));
  int completed = 0, aborted = 0;
  std::function<void(int)> chain = [&](int n) {
    r->async_query("n" + std::to_string(n) + ".test", dns::rr_type::a, [&, n](resolver::error_code ec, dns::message m) {
      if (ec == boost::asio::error::operation_aborted) {
        ++aborted;
        return;
      }
      REQUIRE(!ec);
      CHECK(dns::rdata_to_text(dns::rr_type::a, m.answer.at(0).rdata) == address_of(static_cast<unsigned>(n)));
      ++completed;
      if (n < 5) {
        chain(n + 1);  // a new query from inside a completion
      } else {
        // One more query, then the resolver goes away from inside a handler.
        r->async_query("n99.test", dns::rr_type::a, [&](resolver::error_code ec2, dns::message) {
          CHECK(ec2 == boost::asio::error::operation_aborted);
          ++aborted;
        });
        r.reset();
      }
    });
  };
  chain(1);
  run_bounded(io, 10s);
  CHECK(completed == 5);
  CHECK(aborted == 1);
}

TEST_CASE("a per-query deadline ends that query alone, its late answer is absorbed", "[integration]") {
  test_server server([](const dns::message& q, bool) {
    const bool slow = q.questions.at(0).qname.label(0) == "slow";
    dns::message r = response_to(q);
    r.answer.push_back(make_record(q.questions[0].qname.to_text(), dns::rr_type::a, "192.0.2.1"));
    return reply::answer(r, slow ? 300ms : 0ms);
  });
  boost::asio::io_context io;
  resolver::resolver r(io, loopback_options(server, 2000ms, 1));
  resolver::query_options q;
  q.deadline = 100ms;
  int slow_calls = 0, fast_calls = 0;
  std::chrono::steady_clock::duration slow_elapsed{};
  const auto start = std::chrono::steady_clock::now();
  r.async_query("slow.test", dns::rr_type::a, q, [&](resolver::error_code ec, dns::message m) {
    ++slow_calls;
    slow_elapsed = std::chrono::steady_clock::now() - start;
    CHECK(ec == errc::timeout);
    CHECK(m.answer.empty());
  });
  r.async_query("fast.test", dns::rr_type::a, q, [&](resolver::error_code ec, dns::message) {
    ++fast_calls;
    CHECK(!ec);
  });
  run_bounded(io, 5s);  // runs on until the late answer has arrived and been absorbed
  CHECK(slow_calls == 1);
  CHECK(fast_calls == 1);
  CHECK(slow_elapsed >= 95ms);
  CHECK(slow_elapsed < 290ms);
  CHECK(r.pending() == 0);
}

TEST_CASE("a cancel_token cancels its operations and leaves the others", "[integration]") {
  test_server server(numbered(150ms));
  boost::asio::io_context io;
  resolver::resolver r(io, loopback_options(server, 2000ms, 1));
  resolver::cancel_token token;
  resolver::query_options with_token;
  with_token.cancel = token;
  int aborted = 0, answered = 0;
  for (int i = 0; i < 10; ++i) {
    const bool cancellable = i % 2 == 0;
    r.async_query("n" + std::to_string(i) + ".test", dns::rr_type::a, cancellable ? with_token : resolver::query_options{},
                  [&, cancellable](resolver::error_code ec, dns::message) {
                    if (cancellable) {
                      CHECK(ec == boost::asio::error::operation_aborted);
                      ++aborted;
                    } else {
                      CHECK(!ec);
                      ++answered;
                    }
                  });
  }
  resolver::resolve_options ro;
  ro.cancel = token;
  r.async_resolve("n1.test", ro, [&](resolver::error_code ec, resolver::resolve_result) {
    CHECK(ec == boost::asio::error::operation_aborted);
    ++aborted;
  });
  io.run_for(20ms);
  token.cancel();
  CHECK(token.cancelled());
  CHECK(r.pending() == 5);
  // Started after cancel(): aborted at once.
  r.async_query("n11.test", dns::rr_type::a, with_token, [&](resolver::error_code ec, dns::message) {
    CHECK(ec == boost::asio::error::operation_aborted);
    ++aborted;
  });
  run_bounded(io, 5s);
  CHECK(aborted == 7);
  CHECK(answered == 5);
}

TEST_CASE("10,000 queries in flight on one resolver all complete correctly", "[integration][burst]") {
  test_server server(numbered());
  boost::asio::io_context io;
  auto opts = loopback_options(server, 2000ms, 3);
  opts.socket_receive_buffer = 4 << 20;
  resolver::resolver r(io, opts);
  constexpr unsigned count = 10000;
  std::vector<std::uint8_t> calls(count, 0);
  unsigned ok = 0;
  for (unsigned i = 0; i < count; ++i) {
    r.async_query("n" + std::to_string(i) + ".test", dns::rr_type::a, [&, i](resolver::error_code ec, dns::message m) {
      ++calls[i];
      if (!ec && m.answer.size() == 1 &&
          dns::rdata_to_text(dns::rr_type::a, m.answer[0].rdata) == address_of(i)) {
        ++ok;
      }
    });
  }
  CHECK(r.pending() == count);
  run_bounded(io, 60s);
  CHECK(ok == count);
  CHECK(std::all_of(calls.begin(), calls.end(), [](std::uint8_t c) { return c == 1; }));
  CHECK(r.pending() == 0);
}

TEST_CASE("max_in_flight bounds the queries out at once and keeps their order", "[integration]") {
  // Counts queries between on_query_start and on_query_end.
  struct counter final : resolver::observer {
    int out = 0, peak = 0;
    std::vector<std::string> started;
    void on_query_start(const resolver::query_event& e) override {
      peak = std::max(peak, ++out);
      started.push_back(e.question.qname.to_text());
    }
    void on_query_end(const resolver::query_event&) override { --out; }
  };
  auto seen = std::make_shared<counter>();
  test_server server(numbered(5ms));
  boost::asio::io_context io;
  auto opts = loopback_options(server);
  opts.max_in_flight = 8;
  opts.observer = seen;
  resolver::resolver r(io, opts);
  int ok = 0;
  for (unsigned i = 0; i < 40; ++i) {
    r.async_query("n" + std::to_string(i) + ".test", dns::rr_type::a, [&](resolver::error_code ec, dns::message) {
      CHECK(!ec);
      ++ok;
    });
  }
  CHECK(r.pending() == 40);
  run_bounded(io, 10s);
  CHECK(ok == 40);
  CHECK(seen->peak == 8);
  CHECK(seen->out == 0);
  REQUIRE(seen->started.size() == 40);
  for (unsigned i = 0; i < 40; ++i) CHECK(seen->started[i] == "n" + std::to_string(i) + ".test.");
}
