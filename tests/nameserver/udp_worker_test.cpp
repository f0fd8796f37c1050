// A UDP worker (server_worker with one UDP socket, udp_listener.hpp) runs its own loop outside
// Asio: it answers, lets go of a replaced zone set while no query comes (its idle wake-up), and
// ends when stop() is called from another thread while it waits in recvmmsg.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "dnskit/dns/message.hpp"
#include "dnskit_test/exchange.hpp"
#include "listener_socket.hpp"
#include "responder_test_util.hpp"
#include "server_context.hpp"
#include "server_worker.hpp"
#include "udp_listener.hpp"

using namespace dnskit::nameserver;
using namespace dnskit::nameserver::test;
using namespace std::chrono_literals;
namespace dns = dnskit::dns;

namespace {

std::shared_ptr<const dnskit::zones::zone_set> set_with_www(const std::string& address) {
  const std::string text =
      "$ORIGIN loop.test.\n$TTL 60\n@ SOA ns hostmaster 1 7200 3600 1209600 300\n@ NS ns\n"
      "ns A 192.0.2.1\nwww A " + address + "\n";
  return std::make_shared<const dnskit::zones::zone_set>(
      std::vector<std::shared_ptr<const dnskit::zones::zone>>{make_zone("loop.test.", text)});
}

// The one record answering www.loop.test. A, as text, or "" without one.
std::string ask_www(std::uint16_t port, std::chrono::milliseconds timeout = 2000ms) {
  const auto answer = dnskit::test::udp_query(
      {"127.0.0.1", port},
      dns::make_query(0x4242, dns::name::from_text("www.loop.test."), dns::rr_type::a), timeout);
  if (!answer || answer->hdr.id != 0x4242 || answer->answer.size() != 1) return "";
  return answer->answer[0].to_text();
}

bool wait_for(const std::function<bool()>& done, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(10ms);
  }
  return true;
}

}  // namespace

TEST_CASE("udp worker: answers, lets go of a replaced zone set while idle, stops when told",
          "[unit]") {
  server_context context(transport_settings{});
  const auto processor = std::make_shared<const responder>(responder_options{});
  auto first = set_with_www("192.0.2.10");
  const std::weak_ptr<const dnskit::zones::zone_set> first_seen = first;
  context.zones.publish(std::move(first), processor);

  server_worker worker(context, 0, 1);
  asio::ip::udp::socket socket(worker.io());
  REQUIRE_FALSE(open_udp(socket, {asio::ip::make_address("127.0.0.1"), 0}, false));
  const std::uint16_t port = socket.local_endpoint().port();
  worker.add_udp(std::move(socket));
  std::atomic<bool> ended{false};
  std::thread thread([&] {
    worker.run();
    ended = true;
  });

  CHECK_THAT(ask_www(port), Catch::EndsWith(" A 192.0.2.10"));

  // A reload while no query comes: the loop's idle wake-up lets the old set go.
  context.zones.publish(set_with_www("192.0.2.11"), processor);
  CHECK(wait_for([&] { return first_seen.expired(); }, 10 * std::chrono::milliseconds(udp_listener::idle_wake_ms)));
  CHECK_THAT(ask_www(port), Catch::EndsWith(" A 192.0.2.11"));

  // stop() from this thread while the loop waits for a datagram.
  std::this_thread::sleep_for(50ms);
  const auto t0 = std::chrono::steady_clock::now();
  worker.stop();
  const bool stopped = wait_for([&] { return ended.load(); }, 10s);
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0);
  std::cout << "udp worker: run() returned " << took.count() << " ms after stop()\n";
  REQUIRE(stopped);
  thread.join();
  // The loop closed its socket as it ended: nothing answers there any more.
  CHECK(ask_www(port, 300ms).empty());
}
