#pragma once
// Helpers of the dynamic update (RFC 2136) tests: nsupdate against the server, answers read
// back, an update that adds a pair of records (a half-applied update shows), and the kill -9
// durability loop.
#include <atomic>
#include <functional>
#include <random>
#include <set>
#include <thread>

#include "dnskit/dns/rdata.hpp"
#include "integration_support.hpp"

namespace nstest::update {

using dns::rcode;
using dns::rr_type;

constexpr std::string_view zone_origin = "upd.test.";

// Runs nsupdate (or knsupdate) with `commands` after a `server` line naming the server.
inline test::command_result nsupdate(std::uint16_t port, const std::string& commands,
                              const std::filesystem::path& dir, std::vector<std::string> extra = {},
                              std::string_view program = "nsupdate") {
  const auto script = dir / "update.txt";
  write_file(script, "server 127.0.0.1 " + std::to_string(port) + "\nzone " +
                         std::string(zone_origin) + "\n" + commands + "send\n");
  std::vector<std::string> argv = {std::string(program)};
  argv.insert(argv.end(), extra.begin(), extra.end());
  argv.push_back(script.string());
  return test::run_command(argv, 20s);
}

inline std::vector<std::string> answers(std::uint16_t port, std::string_view qname, rr_type type) {
  std::vector<std::string> out;
  auto a = test::udp_query({"127.0.0.1", port}, make_query(qname, type));
  if (a) {
    for (const auto& r : a->answer) out.push_back(r.to_text());
  }
  return out;
}

// An UPDATE message adding `name` TXT and A in one update (the pair shows a half-applied one).
inline dns::message add_pair(std::uint16_t id, const std::string& label) {
  dns::message m;
  m.hdr.id = id;
  m.hdr.op = dns::opcode::update;
  m.questions.push_back({dns::name::from_text(zone_origin), rr_type::soa, dns::rr_class::in});
  dns::record txt;
  txt.owner = dns::name::from_text(label + "." + std::string(zone_origin));
  txt.type = rr_type::txt;
  txt.ttl = 60;
  std::error_code ec;
  ec = dns::rdata_from_text(rr_type::txt, "\"" + label + "\"", dns::name::from_text("."), txt.rdata);
  REQUIRE_FALSE(ec);
  dns::record a = txt;
  a.type = rr_type::a;
  a.rdata.clear();
  ec = dns::rdata_from_text(rr_type::a, "192.0.2.77", dns::name::from_text("."), a.rdata);
  REQUIRE_FALSE(ec);
  m.authority = {txt, a};
  return m;
}

// Updates in a stream, the server killed (SIGKILL) at random moments and started again: every
// update answered NOERROR is there after the restart, each update is there whole or not at all,
// and nothing is there that was never sent.
inline void kill_and_restart(int kills, const std::vector<std::string>& extra = {},
                             const std::function<void(test::server_process&, const std::filesystem::path&)>&
                                 check_after = {}) {
  temp_dir dir;
  const auto zone_file = dir / "upd.test.zone";
  write_file(zone_file, small_zone_text(zone_origin, 1));
  std::vector<std::string> args = {"--zone", "upd.test.=" + zone_file.string(),
                                   "--allow-update", "127.0.0.1"};
  args.insert(args.end(), extra.begin(), extra.end());
  std::mt19937 random(12345);
  std::set<int> acknowledged;
  int sent = 0;
  for (int round = 0; round < kills; ++round) {
    auto server = start_server(args);
    const test::server_address at = address_of(*server);
    std::atomic<bool> stop{false};
    std::vector<int> acked_now;
    std::thread sender([&] {
      while (!stop.load()) {
        const int n = sent++;
        auto reply = test::udp_query(at, add_pair(static_cast<std::uint16_t>(n), "k" + std::to_string(n)),
                                     1000ms);
        if (!reply) break;  // killed
        if (reply->rcode() == rcode::noerror) acked_now.push_back(n);
      }
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(std::uniform_int_distribution<>(5, 150)(random)));
    server->process().signal(SIGKILL);
    REQUIRE(server->process().wait_exit(10s).has_value());
    stop.store(true);
    sender.join();
    acknowledged.insert(acked_now.begin(), acked_now.end());
  }
  auto server = start_server(args);
  INFO(server->stderr_text());
  const auto port = server->port();
  for (int n = 0; n < sent; ++n) {
    const std::string owner = "k" + std::to_string(n) + "." + std::string(zone_origin);
    const bool has_txt = !answers(port, owner, rr_type::txt).empty();
    const bool has_a = !answers(port, owner, rr_type::a).empty();
    INFO("update " << n);
    CHECK(has_txt == has_a);  // never half applied
    if (acknowledged.contains(n)) CHECK(has_txt);
  }
  // Nothing beyond what was sent: the zone holds the base records and the pairs only.
  auto soa = answers(port, zone_origin, rr_type::soa);
  REQUIRE(soa.size() == 1);
  CHECK(acknowledged.size() > 0);
  if (check_after) check_after(*server, zone_file);
}

}  // namespace nstest::update
