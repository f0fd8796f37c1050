// SIGHUP re-reads the --config file: zones added are served, zones removed are REFUSED, a
// changed allow-transfer applies, a setting bound at start is logged as needing a restart, and
// a configuration with an error is refused whole (file:line:column in the log) while the
// running one keeps serving.
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

}  // namespace

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
  running.zones.push_back({"a.test.", "a.zone", std::nullopt, std::nullopt, std::nullopt, "", ""});

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
  fresh.zones.push_back({"b.test.", "b.zone", std::nullopt, std::nullopt, std::nullopt, "", ""});
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
                           "127.0.0.1:5301", ""});
  server_config moved = running;
  moved.zones.back().primary = "127.0.0.1:5302";
  moved.zones.push_back({"c.test.", "c.zone", std::nullopt, std::nullopt, std::nullopt, "", ""});
  CHECK(keep_restart_settings(running, moved) == std::vector<std::string>{"secondary zones"});
  REQUIRE(moved.zones.size() == 3);
  CHECK(moved.zones[0].origin == "a.test.");
  CHECK(moved.zones[1].origin == "c.test.");
  CHECK(moved.zones[2].primary == "127.0.0.1:5301");
}
