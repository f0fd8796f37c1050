// The observer sees open, connect, send, receive and close with the right addresses,
// transport and bytes, and the queries as asked.
#include <catch2/catch.hpp>

#include "test_server.hpp"
#include "test_util.hpp"

using namespace dnskit;
using namespace std::chrono_literals;
using namespace dnskit::resolver::test;
namespace asio = boost::asio;

namespace {

struct recording_observer final : resolver::observer {
  struct entry {
    std::string kind;
    resolver::socket_event ev;
    std::vector<std::uint8_t> data;
  };
  std::vector<entry> events;
  std::vector<resolver::query_event> starts, ends;

  void add(const char* kind, const resolver::socket_event& e) {
    events.push_back({kind, e, {e.data.begin(), e.data.end()}});
  }
  void on_open(const resolver::socket_event& e) override { add("open", e); }
  void on_connect(const resolver::socket_event& e) override { add("connect", e); }
  void on_send(const resolver::socket_event& e) override { add("send", e); }
  void on_receive(const resolver::socket_event& e) override { add("receive", e); }
  void on_close(const resolver::socket_event& e) override { add("close", e); }
  void on_query_start(const resolver::query_event& e) override { starts.push_back(e); }
  void on_query_end(const resolver::query_event& e) override { ends.push_back(e); }

  std::vector<std::string> kinds(resolver::transport t) const {
    std::vector<std::string> out;
    for (const auto& e : events) {
      if (e.ev.proto == t) out.push_back(e.kind);
    }
    return out;
  }
};

}  // namespace

TEST_CASE("the observer sees each UDP socket step with addresses and bytes", "[integration]") {
  test_server server(zone_script({make_record("www.example.test.", dns::rr_type::a, "192.0.2.1")}));
  auto seen = std::make_shared<recording_observer>();
  auto opts = loopback_options(server);
  opts.observer = seen;
  const auto start = std::chrono::steady_clock::now();
  auto out = query_once(opts, "www.example.test", dns::rr_type::a);
  REQUIRE(!out.ec);
  CHECK(seen->kinds(resolver::transport::udp) ==
        std::vector<std::string>{"open", "connect", "send", "receive", "close"});
  const auto& connect = seen->events.at(1).ev;
  CHECK(connect.remote.to_string() == "127.0.0.1:" + std::to_string(server.port()));
  CHECK(connect.local.address.to_string() == "127.0.0.1");
  CHECK(connect.local.port != 0);
  const auto& send = seen->events.at(2);
  const auto query_size = dns::encode(dns::make_query(0, dns::name::from_text("www.example.test."),
                                                      dns::rr_type::a, dns::rr_class::in, true, std::nullopt))
                              .size();
  CHECK(send.ev.bytes == query_size);
  CHECK(send.data.size() == query_size);
  CHECK(send.ev.local == connect.local);
  const auto& receive = seen->events.at(3);
  CHECK(receive.ev.remote == connect.remote);  // which server answered
  dns::message answer;
  REQUIRE(!dns::decode(receive.data, answer));
  CHECK(answer.answer.size() == 1);
  CHECK(receive.ev.bytes == receive.data.size());
  for (const auto& e : seen->events) {
    CHECK(e.ev.fd == seen->events.front().ev.fd);
    CHECK(e.ev.time >= start);
    CHECK(!e.ev.error);
  }
  REQUIRE(seen->starts.size() == 1);
  REQUIRE(seen->ends.size() == 1);
  CHECK(seen->starts[0].question.qname == dns::name::from_text("www.example.test."));
  CHECK(!seen->ends[0].result);
  CHECK(seen->ends[0].response_size == receive.data.size());
}

TEST_CASE("the observer sees the TCP retry after a truncated answer", "[integration]") {
  test_server server([](const dns::message& q, bool tcp) {
    dns::message r = response_to(q);
    r.hdr.tc = !tcp;
    if (tcp) r.answer.push_back(make_record("example.test.", dns::rr_type::a, "192.0.2.1"));
    return reply::answer(r);
  });
  auto seen = std::make_shared<recording_observer>();
  auto opts = loopback_options(server);
  opts.observer = seen;
  auto out = query_once(opts, "example.test", dns::rr_type::a);
  REQUIRE(!out.ec);
  const auto tcp = seen->kinds(resolver::transport::tcp);
  REQUIRE(tcp.size() >= 5);
  CHECK(tcp.front() == "open");
  CHECK(tcp[1] == "connect");
  CHECK(tcp.back() == "close");
  CHECK(std::count(tcp.begin(), tcp.end(), "send") >= 1);
  CHECK(std::count(tcp.begin(), tcp.end(), "receive") >= 1);
  std::size_t sent = 0, received = 0;
  for (const auto& e : seen->events) {
    if (e.ev.proto != resolver::transport::tcp || e.kind == "open") continue;  // open: not connected yet
    CHECK(e.ev.remote.port == server.port());
    if (e.kind == "send") sent += e.ev.bytes;
    if (e.kind == "receive") received += e.ev.bytes;
  }
  // RFC 1035 §4.2.2: two length bytes before each message.
  const auto answer_size = dns::encode(out.msg).size();
  CHECK(received == answer_size + 2);
  CHECK(sent > 2);
}

TEST_CASE("the observer sees a refused connection as an error", "[integration]") {
  std::uint16_t dead_port = 0;
  {
    test_server gone([](const dns::message&, bool) { return reply::silence(); });
    dead_port = gone.port();
  }
  auto seen = std::make_shared<recording_observer>();
  resolver::options opts;
  opts.servers = {{asio::ip::make_address("127.0.0.1"), dead_port}};
  opts.resolv_conf = "/dev/null";
  opts.hosts_file = false;
  opts.tries = 1;
  opts.observer = seen;
  const auto out = query_once(opts, "example.test", dns::rr_type::a);
  CHECK(out.ec == resolver::errc::connection_refused);
  bool refused = false;
  for (const auto& e : seen->events) {
    if (e.kind == "receive" && e.ev.error == boost::system::error_code(ECONNREFUSED, boost::system::system_category())) refused = true;
  }
  CHECK(refused);
}
