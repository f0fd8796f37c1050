// DNS over TCP as RFC 7766 asks: framing, many queries per connection, pipelining, partial
// reads and writes, idle timeout, connection limit, and clients that misbehave never holding
// up the others.
#include <sys/socket.h>

#include <thread>

#include "integration_support.hpp"

using namespace nstest;
using dns::rcode;
using dns::rr_type;

TEST_CASE("tcp: 100 pipelined queries on one connection, answered in order", "[integration]") {
  auto server = start_example_server();
  test::tcp_client client;
  REQUIRE(client.connect(address_of(*server)));
  // Every query in a single write: the server sees them back to back in one read.
  const char* names[] = {"example.test.", "www.example.test.", "multi.example.test.",
                         "nope.example.test.", "big.example.test."};
  std::vector<std::uint8_t> all;
  for (std::uint16_t i = 0; i < 100; ++i) {
    auto wire = dns::encode(make_query(names[i % 5], i % 5 == 4 ? rr_type::txt : rr_type::a, true,
                                       static_cast<std::uint16_t>(1000 + i)));
    all.push_back(static_cast<std::uint8_t>(wire.size() >> 8));
    all.push_back(static_cast<std::uint8_t>(wire.size() & 0xff));
    all.insert(all.end(), wire.begin(), wire.end());
  }
  REQUIRE(client.send_raw(all));
  for (std::uint16_t i = 0; i < 100; ++i) {
    auto raw = client.receive_message(5s);
    REQUIRE(raw.has_value());
    dns::message m;
    REQUIRE_FALSE(dns::decode(*raw, m));
    CHECK(m.hdr.id == 1000 + i);
    CHECK(m.rcode() == (i % 5 == 3 ? rcode::nxdomain : rcode::noerror));
    CHECK_FALSE(m.hdr.tc);
    if (i % 5 == 4) CHECK(m.answer.size() == 15);
  }
}

TEST_CASE("tcp: a query sent one byte at a time is answered", "[integration]") {
  auto server = start_example_server();
  test::tcp_client client;
  REQUIRE(client.connect(address_of(*server)));
  auto wire = dns::encode(make_query("mail.example.test.", rr_type::a, true, 77));
  std::vector<std::uint8_t> framed = {static_cast<std::uint8_t>(wire.size() >> 8),
                                      static_cast<std::uint8_t>(wire.size() & 0xff)};
  framed.insert(framed.end(), wire.begin(), wire.end());
  for (std::uint8_t byte : framed) {
    REQUIRE(client.send_raw(std::span(&byte, 1)));
    std::this_thread::sleep_for(2ms);
  }
  auto raw = client.receive_message();
  REQUIRE(raw.has_value());
  dns::message m;
  REQUIRE_FALSE(dns::decode(*raw, m));
  CHECK(m.hdr.id == 77);
  REQUIRE(m.answer.size() == 1);
}

TEST_CASE("tcp: stalled and non-reading clients do not hold up others", "[integration]") {
  auto server = start_example_server();
  const auto at = address_of(*server);

  // A length prefix and then silence; a huge length with 10 bytes.
  test::tcp_client stalled, liar;
  REQUIRE(stalled.connect(at));
  REQUIRE(liar.connect(at));
  const std::uint8_t prefix[] = {0x00, 0x40};
  REQUIRE(stalled.send_raw(prefix));
  std::vector<std::uint8_t> lie = {0xff, 0xff, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  REQUIRE(liar.send_raw(lie));

  // A client that sends many queries with big answers and never reads them.
  test::tcp_client hog;
  REQUIRE(hog.connect(at));
  auto big = dns::encode(make_query("big.example.test.", rr_type::txt));
  std::vector<std::uint8_t> many;
  for (int i = 0; i < 3000; ++i) {
    many.push_back(static_cast<std::uint8_t>(big.size() >> 8));
    many.push_back(static_cast<std::uint8_t>(big.size() & 0xff));
    many.insert(many.end(), big.begin(), big.end());
  }
  std::thread writer([&] { hog.send_raw(many); });  // blocks once the server stops reading

  // Meanwhile others are served promptly over both transports.
  for (int i = 0; i < 20; ++i) {
    const auto start = std::chrono::steady_clock::now();
    auto u = test::udp_query(at, make_query("www.example.test.", rr_type::a), 1s);
    REQUIRE(u.has_value());
    auto t = test::tcp_query(at, make_query("www.example.test.", rr_type::a), 1s);
    REQUIRE(t.has_value());
    CHECK(std::chrono::steady_clock::now() - start < 500ms);
  }
  // Unblocks the writer thread (its send fails) without touching the client object it uses;
  // the client closes its descriptor after the join.
  ::shutdown(hog.fd(), SHUT_RDWR);
  writer.join();
}

TEST_CASE("tcp: idle connections are closed after the idle timeout", "[integration]") {
  auto server = start_example_server({"--tcp-idle-timeout", "300"});
  test::tcp_client client;
  REQUIRE(client.connect(address_of(*server)));
  REQUIRE(client.send_message(dns::encode(make_query("example.test.", rr_type::soa))));
  REQUIRE(client.receive_message().has_value());
  const auto start = std::chrono::steady_clock::now();
  CHECK(client.wait_closed(3s));
  const auto waited = std::chrono::steady_clock::now() - start;
  CHECK(waited >= 200ms);
  CHECK(waited < 2s);
}

TEST_CASE("tcp: at the connection limit the least recently active connection goes", "[integration]") {
  auto server = start_example_server({"--tcp-max-connections", "4"});
  const auto at = address_of(*server);
  std::vector<test::tcp_client> clients(4);
  for (auto& c : clients) {
    REQUIRE(c.connect(at));
    // One exchange each, so the server has surely accepted it, in this order.
    REQUIRE(c.send_message(dns::encode(make_query("example.test.", rr_type::soa))));
    REQUIRE(c.receive_message().has_value());
  }
  // Refresh the first: the second is now the oldest.
  REQUIRE(clients[0].send_message(dns::encode(make_query("example.test.", rr_type::soa))));
  REQUIRE(clients[0].receive_message().has_value());

  test::tcp_client newcomer;
  REQUIRE(newcomer.connect(at));
  REQUIRE(newcomer.send_message(dns::encode(make_query("www.example.test.", rr_type::a))));
  CHECK(newcomer.receive_message().has_value());
  CHECK(clients[1].wait_closed(2s));
  // The others still work.
  for (std::size_t i : {0u, 2u, 3u}) {
    REQUIRE(clients[i].send_message(dns::encode(make_query("example.test.", rr_type::soa))));
    CHECK(clients[i].receive_message().has_value());
  }
}

TEST_CASE("tcp: a client that half-closes after its queries still gets every answer",
          "[integration]") {
  auto server = start_example_server();
  test::tcp_client client;
  REQUIRE(client.connect(address_of(*server)));
  for (std::uint16_t i = 0; i < 5; ++i) {
    REQUIRE(client.send_message(dns::encode(make_query("example.test.", rr_type::ns, true, i))));
  }
  ::shutdown(client.fd(), SHUT_WR);
  for (std::uint16_t i = 0; i < 5; ++i) {
    auto raw = client.receive_message();
    REQUIRE(raw.has_value());
  }
  CHECK(client.wait_closed(2s));
}
