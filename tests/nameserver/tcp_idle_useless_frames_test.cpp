// The TCP idle timeout counts time without useful work: frames that get no answer do not reset
// it. A client sending only zero-length frames, responses (QR=1, dropped unanswered: RFC 8906
// §3.1 answers queries only) or frames too short to hold a header is closed after the idle
// timeout as if it were silent; a client asking real questions at the same pace is not.
#include <iostream>
#include <thread>

#include "integration_support.hpp"

using namespace nstest;
using dns::rr_type;

namespace {

std::vector<std::uint8_t> frame(std::span<const std::uint8_t> message) {
  std::vector<std::uint8_t> out(2 + message.size());
  out[0] = static_cast<std::uint8_t>(message.size() >> 8);
  out[1] = static_cast<std::uint8_t>(message.size() & 0xff);
  std::copy(message.begin(), message.end(), out.begin() + 2);
  return out;
}

struct connection_life {
  std::chrono::milliseconds lived{0};
  bool closed = false;  // by the server (else the limit passed)
  std::size_t answers = 0;
};

// Sends `frame_bytes` every 100 ms until the server closes the connection or `limit` passes;
// when `query`, each answer is read before the next frame goes.
connection_life keep_sending(const test::server_process& server,
                             const std::vector<std::uint8_t>& frame_bytes, bool query,
                             std::chrono::milliseconds limit) {
  connection_life life;
  test::tcp_client client;
  REQUIRE(client.connect(address_of(server)));
  const auto start = std::chrono::steady_clock::now();
  while (!life.closed && std::chrono::steady_clock::now() - start < limit) {
    if (!client.send_raw(frame_bytes)) {  // reset by the server after its close
      life.closed = true;
      break;
    }
    if (query) {
      if (!client.receive_message(1s)) break;
      ++life.answers;
    }
    life.closed = client.wait_closed(100ms);
  }
  life.lived = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - start);
  return life;
}

}  // namespace

TEST_CASE("tcp idle: frames that get no answer do not keep a connection open", "[integration]") {
  auto server = start_example_server({"--tcp-idle-timeout", "1000"});
  dns::message response = make_query("www.example.test.", rr_type::a);
  response.hdr.qr = true;
  const auto response_wire = dns::encode(response);
  const std::vector<std::uint8_t> short_message = {0x12, 0x34, 0x01, 0x00, 0x00};

  struct kind {
    const char* what;
    std::vector<std::uint8_t> bytes;
  };
  const std::vector<kind> kinds = {
      {"zero-length frames", frame({})},
      {"responses (QR=1)", frame(response_wire)},
      {"frames shorter than a header", frame(short_message)},
  };
  for (const auto& k : kinds) {
    INFO(k.what);
    const auto life = keep_sending(*server, k.bytes, false, 8s);
    std::cout << "tcp idle: a client sending only " << k.what << " every 100 ms lived "
              << life.lived.count() << " ms" << (life.closed ? "" : " (not closed)") << "\n";
    CHECK(life.closed);
    CHECK(life.lived >= 800ms);
    CHECK(life.lived < 4s);  // idle timeout 1 s, checked every 250 ms: 1.5 s at most, and slack
  }
  // The server still answers.
  CHECK(test::udp_query(address_of(*server), make_query("www.example.test.", rr_type::a)).has_value());
}

TEST_CASE("tcp idle: a client asking real questions at the same pace stays connected",
          "[integration]") {
  auto server = start_example_server({"--tcp-idle-timeout", "1000"});
  const auto query = frame(dns::encode(make_query("www.example.test.", rr_type::a)));
  const auto life = keep_sending(*server, query, true, 3s);
  CHECK_FALSE(life.closed);
  CHECK(life.lived >= 3s);
  CHECK(life.answers >= 10);
}
