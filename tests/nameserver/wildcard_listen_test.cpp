// A listener on the wildcard address (0.0.0.0 / ::) must answer from the address each query was
// sent to (RFC 1035 §4.2.1): a client's connected UDP socket drops a reply from any other
// source, so a server answering from the interface's primary address would seem dead.
#include "integration_support.hpp"

using namespace nstest;

TEST_CASE("udp: a 0.0.0.0 listener answers from the address the query was sent to", "[integration]") {
  auto server = start_example_server({"--listen", "0.0.0.0:0"});
  const auto query = make_query("ns1.example.test.", dns::rr_type::a);
  // The whole 127/8 reaches the loopback interface; 127.0.0.1 is its primary address, so only
  // a reply sent from the queried address can reach these connected sockets.
  for (const char* to : {"127.0.0.1", "127.0.0.2", "127.0.0.77"}) {
    INFO("query sent to " << to);
    const auto answer = test::udp_query({to, server->port()}, query);
    REQUIRE(answer.has_value());
    CHECK(answer->hdr.id == query.hdr.id);
    CHECK(answer->answer.size() == 1);
  }
}

TEST_CASE("udp: a [::] listener answers IPv6 queries from the queried address", "[integration]") {
  // Loopback holds only ::1, so this checks the IPV6_PKTINFO path end to end, not the choice
  // among several addresses.
  std::string error;
  auto server = test::server_process::start(
      binary(), {"--threads", "1", "--listen", "[::]:0", "--zone", example_zone().string()}, error);
  if (server == nullptr && contains(error, "Address family not supported")) {
    WARN("no IPv6 on this machine: " << error);
    return;
  }
  INFO(error);
  REQUIRE(server != nullptr);
  const auto answer = test::udp_query({"::1", server->port()}, make_query("ns1.example.test.", dns::rr_type::aaaa));
  REQUIRE(answer.has_value());
  CHECK(answer->answer.size() == 1);
}
