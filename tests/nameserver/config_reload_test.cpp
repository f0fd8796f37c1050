// SIGHUP re-reads the --config file: zones added are served, zones removed are REFUSED, a
// changed allow-transfer applies, a setting bound at start is logged as needing a restart, and
// a configuration with an error is refused whole (file:line:column in the log) while the
// running one keeps serving.
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>

#include <fmt/core.h>

#include "config_reload.hpp"
#include "integration_support.hpp"

using namespace nstest;
using dnskit::nameserver::keep_restart_settings;
using dnskit::nameserver::server_config;
using dns::rcode;
using dns::rr_type;

namespace {

std::string zone_table(std::string_view origin, std::string_view extra = "") {
  return fmt::format("\n[[zone]]\norigin = \"{}\"\nfile = \"{}zone\"\n{}", origin, origin, extra);
}

// Writes dir/ns.toml: one listener on a free port, one thread, `server` lines, then `zones`.
std::filesystem::path write_config(const temp_dir& dir, std::string_view server, std::string_view zones) {
  write_file(dir / "ns.toml",
             fmt::format("[server]\nlisten = [\"127.0.0.1:0\"]\nthreads = 1\n{}\n{}", server, zones));
  return dir / "ns.toml";
}

rcode rcode_of(const test::server_process& server, std::string_view name) {
  auto answer = test::udp_query(address_of(server), make_query(name, rr_type::soa));
  REQUIRE(answer.has_value());
  return answer->rcode();
}

rcode axfr_rcode(const test::server_process& server, std::string_view origin) {
  test::tcp_client client;
  REQUIRE(client.connect(address_of(server)));
  REQUIRE(client.send_message(dns::encode(make_query(origin, rr_type::axfr, false, 7))));
  auto raw = client.receive_message(5s);
  REQUIRE(raw.has_value());
  dns::message m;
  REQUIRE_FALSE(dns::decode(*raw, m));
  return m.rcode();
}

// SIGHUP, then waits for the line that ends the reload ("needle") after what was logged so far.
void reload_and_wait(test::server_process& server, std::string_view needle) {
  const auto from = server.process().stderr_line_count();
  REQUIRE(server.process().signal(SIGHUP));
  INFO(server.process().stderr_text());
  REQUIRE(wait_log(server, needle, from, 20s));
}

struct burst_answers {
  std::size_t full = 0;       // TC=0
  std::size_t truncated = 0;  // TC=1 (slipped)
};

// `count` identical queries at once from one socket; what comes back within 2 s.
burst_answers burst(const test::server_process& server, std::size_t count) {
  const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  REQUIRE(fd >= 0);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(server.port());
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::connect(fd, reinterpret_cast<const sockaddr*>(&to), sizeof to) == 0);
  const auto query = dns::encode(make_query("www.one.test.", rr_type::a));
  for (std::size_t i = 0; i < count; ++i) ::send(fd, query.data(), query.size(), 0);
  burst_answers out;
  const auto deadline = std::chrono::steady_clock::now() + 2s;
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    std::uint8_t buffer[2048];
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n < 12) continue;
    ++((buffer[2] & 0x02) != 0 ? out.truncated : out.full);
  }
  ::close(fd);
  return out;
}

}  // namespace

TEST_CASE("config reload: rate-limit and rate-limit-slip change at once, and 0 stops limiting",
          "[integration]") {
  temp_dir dir;
  write_file(dir / "one.test.zone", small_zone_text("one.test.", 1));
  const auto config = write_config(dir, "rate-limit = 1\nrate-limit-slip = 0", zone_table("one.test."));
  auto server = start_server({"--config", config.string()});
  // 1 answer/s, no slip: of 30 identical queries at once one or two (a second may turn) come
  // back.
  auto a = burst(*server, 30);
  CHECK(a.full <= 3);
  CHECK(a.truncated == 0);

  write_config(dir, "rate-limit = 1000\nrate-limit-slip = 0", zone_table("one.test."));
  reload_and_wait(*server, "zone one.test.: reloaded, serial 1 unchanged");
  CHECK(wait_log(*server, "rate limit: 1000 identical answers/s, slip 0"));
  a = burst(*server, 30);
  CHECK(a.full == 30);

  // Every limited answer slips (TC=1).
  write_config(dir, "rate-limit = 1\nrate-limit-slip = 1", zone_table("one.test."));
  reload_and_wait(*server, "zone one.test.: reloaded, serial 1 unchanged");
  a = burst(*server, 30);
  CHECK(a.full <= 3);
  CHECK(a.full + a.truncated == 30);

  // Off, then on again: both at once, without a restart.
  write_config(dir, "", zone_table("one.test."));
  reload_and_wait(*server, "rate limit: off");
  a = burst(*server, 30);
  CHECK(a.full == 30);
  write_config(dir, "rate-limit = 1\nrate-limit-slip = 0", zone_table("one.test."));
  reload_and_wait(*server, "rate limit: 1 identical answers/s, slip 0");
  a = burst(*server, 30);
  CHECK(a.full <= 3);
  CHECK_FALSE(contains(server->process().stderr_text(), "it needs a restart"));
  CHECK(server->stop() == 0);
}

TEST_CASE("config reload: rate limiting turned on needs a restart when it started off",
          "[integration]") {
  temp_dir dir;
  write_file(dir / "one.test.zone", small_zone_text("one.test.", 1));
  const auto config = write_config(dir, "", zone_table("one.test."));
  auto server = start_server({"--config", config.string()});
  write_config(dir, "rate-limit = 1\nrate-limit-slip = 0", zone_table("one.test."));
  reload_and_wait(*server, "zone one.test.: reloaded, serial 1 unchanged");
  CHECK(contains(server->process().stderr_text(),
                 "reload: rate-limit changed in the configuration; it needs a restart"));
  CHECK(burst(*server, 30).full == 30);
  CHECK(server->stop() == 0);
}

TEST_CASE("config reload: SIGHUP adds and removes zones from the --config file", "[integration]") {
  temp_dir dir;
  write_file(dir / "one.test.zone", small_zone_text("one.test.", 1));
  write_file(dir / "two.test.zone", small_zone_text("two.test.", 7));
  const auto config = write_config(dir, "", zone_table("one.test."));
  auto server = start_server({"--config", config.string()});
  CHECK(rcode_of(*server, "one.test.") == rcode::noerror);
  CHECK(rcode_of(*server, "two.test.") == rcode::refused);

  write_config(dir, "", zone_table("one.test.") + zone_table("two.test."));
  reload_and_wait(*server, "zone two.test.: loaded, serial 7");
  CHECK(rcode_of(*server, "two.test.") == rcode::noerror);
  CHECK(rcode_of(*server, "one.test.") == rcode::noerror);

  write_config(dir, "", zone_table("two.test."));
  reload_and_wait(*server, "zone one.test.: not in the configuration any more, no longer served");
  CHECK(rcode_of(*server, "one.test.") == rcode::refused);
  CHECK(rcode_of(*server, "two.test.") == rcode::noerror);
}

TEST_CASE("config reload: a broken config is refused whole, with file:line:column, and the old "
          "one keeps serving", "[integration]") {
  temp_dir dir;
  write_file(dir / "one.test.zone", small_zone_text("one.test.", 1));
  write_file(dir / "two.test.zone", small_zone_text("two.test.", 2));
  const auto config = write_config(dir, "", zone_table("one.test."));
  auto server = start_server({"--config", config.string()});
  REQUIRE(rcode_of(*server, "one.test.") == rcode::noerror);

  SECTION("a TOML syntax error") {
    // two.test. is added and one.test. removed, but line 4 is broken: nothing of it applies.
    write_config(dir, "log-level = \"info\" junk", zone_table("two.test."));
    reload_and_wait(*server, "reload: configuration refused");
    CHECK(contains(server->process().stderr_text(), config.string() + ":4:"));
  }
  SECTION("a value that does not check") {
    write_config(dir, "allow-transfer = [\"10.0.0.0/33\"]", zone_table("two.test."));
    reload_and_wait(*server, "reload: configuration refused");
    CHECK(contains(server->process().stderr_text(), "10.0.0.0/33"));
  }
  SECTION("an unknown TSIG key named in a list") {
    write_config(dir, "allow-transfer = [\"key:nosuch\"]", zone_table("two.test."));
    reload_and_wait(*server, "reload: configuration refused");
  }
  CHECK(rcode_of(*server, "one.test.") == rcode::noerror);
  CHECK(rcode_of(*server, "two.test.") == rcode::refused);

  // Once fixed, the next SIGHUP applies it.
  write_config(dir, "", zone_table("two.test."));
  reload_and_wait(*server, "zone two.test.: loaded, serial 2");
  CHECK(rcode_of(*server, "two.test.") == rcode::noerror);
  CHECK(rcode_of(*server, "one.test.") == rcode::refused);
}

TEST_CASE("config reload: a zone's allow-transfer changes at run time, listen and threads need a "
          "restart", "[integration]") {
  temp_dir dir;
  write_file(dir / "one.test.zone", small_zone_text("one.test.", 1));
  const auto config = write_config(dir, "", zone_table("one.test."));
  auto server = start_server({"--config", config.string()});
  CHECK(axfr_rcode(*server, "one.test.") == rcode::noerror);  // default: loopback

  write_config(dir, "", zone_table("one.test.", "allow-transfer = []\n"));
  reload_and_wait(*server, "zone one.test.: reloaded, serial 1 unchanged");
  CHECK(axfr_rcode(*server, "one.test.") == rcode::refused);

  // listen and threads changed: the warning, and the server keeps its port and answers.
  write_file(dir / "ns.toml", "[server]\nlisten = [\"127.0.0.1:1\"]\nthreads = 3\n" +
                                  zone_table("one.test."));
  reload_and_wait(*server, "zone one.test.: reloaded, serial 1 unchanged");
  const std::string log = server->process().stderr_text();
  CHECK(contains(log, "reload: listen changed in the configuration; it needs a restart"));
  CHECK(contains(log, "reload: threads changed in the configuration; it needs a restart"));
  CHECK(rcode_of(*server, "one.test.") == rcode::noerror);
  CHECK(axfr_rcode(*server, "one.test.") == rcode::noerror);  // the zone's list is gone again
}

TEST_CASE("config reload: without --config, SIGHUP reloads the zones given by flags",
          "[integration]") {
  temp_dir dir;
  write_file(dir / "one.test.zone", small_zone_text("one.test.", 1));
  auto server = start_server({"--zone", (dir / "one.test.zone").string()});
  write_file(dir / "one.test.zone", small_zone_text("one.test.", 2));
  reload_and_wait(*server, "zone one.test.: reloaded, serial 1 -> 2");
  CHECK_FALSE(contains(server->process().stderr_text(), "reloading the configuration"));
}

TEST_CASE("config reload: which settings need a restart (keep_restart_settings)", "[unit]") {
  server_config running;
  running.listen = {"127.0.0.1:5300"};
  running.threads = 2;
  running.zones.push_back({"a.test.", "a.zone", std::nullopt, std::nullopt, std::nullopt, "", "", std::nullopt, std::nullopt});

  server_config fresh = running;
  CHECK(keep_restart_settings(running, fresh).empty());

  // Bound at start: named, and set back to the running value.
  fresh.listen = {"127.0.0.1:5301"};
  fresh.threads = 4;
  fresh.user = "nobody";
  fresh.http = "127.0.0.1:8053";
  fresh.query_log = true;
  fresh.query_log_file = "q.log";
  fresh.rate_limit = 10;
  fresh.tcp_max_connections = 5;
  // Changed at run time: kept as the file says.
  fresh.zones.push_back({"b.test.", "b.zone", std::nullopt, std::nullopt, std::nullopt, "", "", std::nullopt, std::nullopt});
  fresh.allow_transfer = std::vector<std::string>{};
  fresh.tsig_keys = {"k:c2VjcmV0"};
  fresh.log_level = "debug";
  fresh.identity_text = "ns2";
  const auto changed = keep_restart_settings(running, fresh);
  CHECK(changed == std::vector<std::string>{"listen", "threads", "user", "http", "query-log",
                                            "tcp-max-connections", "rate-limit"});
  CHECK(fresh.listen == running.listen);
  CHECK(fresh.threads == 2);
  CHECK(fresh.user.empty());
  CHECK(fresh.http.empty());
  CHECK_FALSE(fresh.query_log);
  CHECK(fresh.query_log_file.empty());
  CHECK(fresh.rate_limit == 0);
  CHECK(fresh.tcp_max_connections == running.tcp_max_connections);
  CHECK(fresh.zones.size() == 2);
  CHECK(fresh.allow_transfer == std::vector<std::string>{});
  CHECK(fresh.tsig_keys.size() == 1);
  CHECK(fresh.log_level == "debug");
  CHECK(fresh.identity_text == "ns2");

  // Secondary zones run their own timers and transfers: one added, changed or removed by the
  // file is named, and the running ones stay beside the file's primary zones.
  running.zones.push_back({"s.test.", "s.zone", std::nullopt, std::nullopt, std::nullopt,
                           "127.0.0.1:5301", "", std::nullopt, std::nullopt});
  server_config moved = running;
  moved.zones.back().primary = "127.0.0.1:5302";
  moved.zones.push_back({"c.test.", "c.zone", std::nullopt, std::nullopt, std::nullopt, "", "", std::nullopt, std::nullopt});
  CHECK(keep_restart_settings(running, moved) == std::vector<std::string>{"secondary zones"});
  REQUIRE(moved.zones.size() == 3);
  CHECK(moved.zones[0].origin == "a.test.");
  CHECK(moved.zones[1].origin == "c.test.");
  CHECK(moved.zones[2].primary == "127.0.0.1:5301");
}
