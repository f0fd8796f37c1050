// query_options::rounds: tries made by dnskit, each a fresh c-ares request with the channel's
// timeout (no doubling), each seen by the observer; an answer ends them, TCP refusals are final.
#include <catch2/catch.hpp>

#include <chrono>

#include "test_server.hpp"
#include "test_util.hpp"

using namespace dnskit;
using namespace std::chrono_literals;
using resolver::errc;
using namespace dnskit::resolver::test;

namespace {

class round_counter final : public resolver::observer {
 public:
  int starts = 0, ends = 0, timeouts = 0;
  void on_query_start(const resolver::query_event&) override { ++starts; }
  void on_query_end(const resolver::query_event& e) override {
    ++ends;
    if (e.result == errc::timeout) ++timeouts;
  }
};

}  // namespace

TEST_CASE("rounds: a silent server is asked once per round, each round with the same timeout", "[integration]") {
  test_server server([](const dns::message&, bool) { return reply::silence(); });
  auto counter = std::make_shared<round_counter>();
  resolver::options opts = loopback_options(server, 200ms, 1);
  opts.observer = counter;
  resolver::query_options q;
  q.rounds = 3;
  const auto started = std::chrono::steady_clock::now();
  const query_outcome out = query_once(opts, "www.example.test", dns::rr_type::a, q);
  const auto took = std::chrono::steady_clock::now() - started;
  CHECK(out.ec == errc::timeout);
  CHECK(out.calls == 1);
  CHECK(server.udp_queries() == 3);
  CHECK(counter->starts == 3);
  CHECK(counter->timeouts == 3);
  CHECK(took >= 550ms);  // 3 × 200 ms; c-ares's own 3 tries would take 200 + 400 + 800 ms
  CHECK(took < 1400ms);
}

TEST_CASE("rounds: an answer in a later round ends the operation with it", "[integration]") {
  std::atomic<int> seen{0};
  test_server server([&](const dns::message& q, bool) {
    if (++seen < 2) return reply::silence();
    dns::message r = response_to(q);
    r.answer.push_back(make_record("www.example.test.", dns::rr_type::a, "192.0.2.1"));
    return reply::answer(std::move(r));
  });
  resolver::query_options q;
  q.rounds = 4;
  const query_outcome out = query_once(loopback_options(server, 200ms, 1), "www.example.test", dns::rr_type::a, q);
  CHECK_FALSE(out.ec);
  CHECK(out.msg.answer.size() == 1);
  CHECK(server.udp_queries() == 2);
}

TEST_CASE("rounds: without them, one request (the default)", "[integration]") {
  test_server server([](const dns::message&, bool) { return reply::silence(); });
  const query_outcome out = query_once(loopback_options(server, 200ms, 1), "www.example.test", dns::rr_type::a);
  CHECK(out.ec == errc::timeout);
  CHECK(server.udp_queries() == 1);
}
