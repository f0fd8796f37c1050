// A primary zone's file written back with its dynamic updates (--zonefile-sync, nameserver(8)
// ZONE FILE SYNC): after the delay the file holds the updates (and loads with our parser and
// with named-checkzone), the journal is cut to its limits however many updates come, IXFR still
// answers from that history, a restart serves everything without replaying; a graceful stop
// writes the file, -1 never does; a file the operator edited is never overwritten; kill -9
// while files and journals are rewritten loses no acknowledged update.
#include <csignal>

#include "dnskit/zones/journal.hpp"
#include "dnskit/zones/loader.hpp"
#include "update_support.hpp"

using namespace nstest;
using namespace nstest::update;

namespace {

std::filesystem::path journal_of(const std::filesystem::path& zone_file) {
  return dnskit::zones::journal_path(zone_file);
}

// Sends `count` updates adding the pairs k<first>... k<first+count-1>, each acknowledged.
void send_updates(std::uint16_t port, int first, int count) {
  for (int n = first; n < first + count; ++n) {
    auto reply = test::udp_query({"127.0.0.1", port},
                                 add_pair(static_cast<std::uint16_t>(n), "k" + std::to_string(n)), 5s);
    INFO("update " << n);
    REQUIRE(reply.has_value());
    REQUIRE(reply->rcode() == rcode::noerror);
  }
}

std::string soa_of(std::uint16_t port) {
  const auto soa = answers(port, zone_origin, rr_type::soa);
  return soa.empty() ? std::string() : soa.front();
}

std::string serial_word(std::uint32_t serial) { return " " + std::to_string(serial) + " 7200 "; }

// The zone file as the server wrote it loads with our parser, at `serial`.
void check_loads(const std::filesystem::path& zone_file, std::uint32_t serial) {
  const auto loaded = dnskit::zones::load_zone(dns::name::from_text(zone_origin), zone_file);
  for (const auto& d : loaded.diagnostics) UNSCOPED_INFO(d.to_string());
  REQUIRE(loaded.ok());
  CHECK(loaded.zone->serial() == serial);
  // named-checkzone only with -i local (no lookups beyond the file).
  if (have_program("named-checkzone")) {
    const auto checked = test::run_command(
        {"named-checkzone", "-i", "local", std::string(zone_origin), zone_file.string()}, 30s);
    INFO(checked.out << checked.err);
    CHECK(checked.status == 0);
    CHECK(contains(checked.out, "loaded serial " + std::to_string(serial)));
  } else {
    WARN("named-checkzone not installed; the written file checked with our parser only");
  }
}

}  // namespace

TEST_CASE("zonefile-sync: the file gets the updates, the journal stays bounded, IXFR and restart",
          "[integration]") {
  temp_dir dir;
  const auto zone_file = dir / "upd.test.zone";
  write_file(zone_file, small_zone_text(zone_origin, 1));
  const std::vector<std::string> args = {"--zone", "upd.test.=" + zone_file.string(),
                                         "--allow-update", "127.0.0.1", "--zonefile-sync", "1",
                                         "--journal-max-changes", "20"};
  auto server = start_server(args);
  const auto port = server->port();

  // 500 updates in five bursts; after each, the file is written within the delay and the
  // journal cut back to 20 changes: its size does not grow with the updates.
  std::uintmax_t first_size = 0;
  for (int burst = 0; burst < 5; ++burst) {
    const auto lines = server->process().stderr_line_count();
    send_updates(port, burst * 100, 100);
    const std::uint32_t serial = 1 + 100 * static_cast<std::uint32_t>(burst + 1);
    INFO(server->stderr_text());
    REQUIRE(wait_log(*server, "written, serial " + std::to_string(serial), lines, 20s));
    REQUIRE(wait_log(*server, "cut to 20 change(s) ending at serial " + std::to_string(serial),
                     lines, 20s));
    const auto journal = dnskit::zones::read_journal(journal_of(zone_file));
    CHECK(journal.problem.empty());
    REQUIRE(journal.changes.size() == 20);
    CHECK(journal.changes.back().serial_to == serial);
    const auto size = std::filesystem::file_size(journal_of(zone_file));
    if (burst == 0) first_size = size;
    CHECK(size < 2 * first_size);
    CHECK(contains(read_file(zone_file), "k" + std::to_string(burst * 100 + 99) + ".upd.test."));
  }
  check_loads(zone_file, 501);
  const std::string text = read_file(zone_file);
  CHECK(contains(text, "k0.upd.test."));
  CHECK(contains(text, "www.upd.test."));  // the records of the original file stay

  // IXFR from a serial within the 20 changes kept: the differences (the old SOA is in them);
  // from an older one: the whole zone (AXFR-style, RFC 1995 §4), k0 included.
  if (have_program("dig")) {
    auto incremental = dig(port, {"+tcp", "upd.test.", "IXFR=490"});
    INFO(incremental.out);
    CHECK(contains(incremental.out, serial_word(490)));
    CHECK(contains(incremental.out, "k495.upd.test."));
    CHECK_FALSE(contains(incremental.out, "k0.upd.test."));
    auto whole = dig(port, {"+tcp", "upd.test.", "IXFR=100"});
    INFO(whole.out);
    CHECK_FALSE(contains(whole.out, serial_word(100)));
    CHECK(contains(whole.out, "k0.upd.test."));
    CHECK(contains(whole.out, "k499.upd.test."));
  } else {
    WARN("dig not installed; IXFR not checked");
  }

  // A restart reads the file (every update in it) and replays nothing.
  REQUIRE(server->stop() == 0);
  server = start_server(args);
  CHECK_FALSE(contains(server->stderr_text(), "replayed over the zone file"));
  CHECK(contains(soa_of(server->port()), serial_word(501)));
  for (int n = 0; n < 500; ++n) {
    INFO("update " << n);
    REQUIRE(answers(server->port(), "k" + std::to_string(n) + ".upd.test.", rr_type::a).size() == 1);
  }
  if (have_program("dig")) {
    auto incremental = dig(server->port(), {"+tcp", "upd.test.", "IXFR=490"});
    INFO(incremental.out);
    CHECK(contains(incremental.out, serial_word(490)));  // the history was read back
  }
}

TEST_CASE("zonefile-sync: a graceful stop writes the file, -1 never touches it", "[integration]") {
  temp_dir dir;
  const auto zone_file = dir / "upd.test.zone";
  const std::string original = small_zone_text(zone_origin, 1);

  SECTION("SIGTERM writes the file before the delay") {
    write_file(zone_file, original);
    const std::vector<std::string> args = {"--zone", "upd.test.=" + zone_file.string(),
                                           "--allow-update", "127.0.0.1", "--zonefile-sync",
                                           "3600"};
    auto server = start_server(args);
    send_updates(server->port(), 0, 3);
    CHECK(read_file(zone_file) == original);  // an hour to go
    REQUIRE(server->stop(SIGTERM) == 0);
    INFO(server->stderr_text());
    CHECK(contains(server->stderr_text(), "written, serial 4"));
    CHECK(contains(read_file(zone_file), "k2.upd.test."));
    check_loads(zone_file, 4);
    server = start_server(args);
    CHECK_FALSE(contains(server->stderr_text(), "replayed over the zone file"));
    CHECK(answers(server->port(), "k2.upd.test.", rr_type::txt).size() == 1);
  }
  SECTION("-1: the file stays as written, the journal keeps the updates") {
    write_file(zone_file, original);
    const auto before = std::filesystem::last_write_time(zone_file);
    const std::vector<std::string> args = {"--zone", "upd.test.=" + zone_file.string(),
                                           "--allow-update", "127.0.0.1", "--zonefile-sync", "-1",
                                           "--journal-max-changes", "2"};
    auto server = start_server(args);
    send_updates(server->port(), 0, 5);
    std::this_thread::sleep_for(1500ms);
    REQUIRE(server->stop(SIGTERM) == 0);
    INFO(server->stderr_text());
    CHECK_FALSE(contains(server->stderr_text(), "written, serial"));
    CHECK(read_file(zone_file) == original);
    CHECK(std::filesystem::last_write_time(zone_file) == before);
    CHECK(dnskit::zones::read_journal(journal_of(zone_file)).changes.size() == 5);
    server = start_server(args);
    CHECK(contains(server->stderr_text(), "replayed over the zone file"));
    CHECK(answers(server->port(), "k4.upd.test.", rr_type::txt).size() == 1);
  }
}

TEST_CASE("zonefile-sync: a file the operator edited is not overwritten", "[integration]") {
  temp_dir dir;
  const auto zone_file = dir / "upd.test.zone";
  write_file(zone_file, small_zone_text(zone_origin, 1));
  auto server = start_server({"--zone", "upd.test.=" + zone_file.string(), "--allow-update",
                              "127.0.0.1", "--zonefile-sync", "1"});
  const auto port = server->port();

  // Edited after the load, before any write-back: the update is served but the file is left.
  const std::string edited = small_zone_text(zone_origin, 1, "hand IN A 192.0.2.50\n");
  write_file(zone_file, edited);
  auto lines = server->process().stderr_line_count();
  send_updates(port, 0, 1);
  INFO(server->stderr_text());
  CHECK(wait_log(*server, "changed on disk since it was loaded or written: not overwritten",
                 lines, 20s));
  CHECK(read_file(zone_file) == edited);
  CHECK(answers(port, "k0.upd.test.", rr_type::txt).size() == 1);

  // Also an edit whose serial does not pass the served one stays protected after SIGHUP (the
  // served version stays, so the file was not taken).
  lines = server->process().stderr_line_count();
  REQUIRE(server->process().signal(SIGHUP));
  REQUIRE(wait_log(*server, "reloaded, serial 2 unchanged", lines));
  lines = server->process().stderr_line_count();
  send_updates(port, 1, 1);
  REQUIRE(wait_log(*server, "not overwritten", lines, 20s));
  CHECK(read_file(zone_file) == edited);

  // The operator's file with a serial above the served one is loaded; from then on it is the
  // file the server writes back.
  write_file(zone_file, small_zone_text(zone_origin, 10, "hand IN A 192.0.2.50\n"));
  lines = server->process().stderr_line_count();
  REQUIRE(server->process().signal(SIGHUP));
  REQUIRE(wait_log(*server, "serial 3 -> 10", lines));
  lines = server->process().stderr_line_count();
  send_updates(port, 2, 1);
  REQUIRE(wait_log(*server, "written, serial 11", lines, 20s));
  const std::string text = read_file(zone_file);
  CHECK(contains(text, "hand.upd.test."));
  CHECK(contains(text, "k2.upd.test."));
  check_loads(zone_file, 11);
}

TEST_CASE("zonefile-sync: kill -9 while files and journals are rewritten loses no update",
          "[abuse]") {
  // Written back after every update and the journal cut to 5 changes each time: the kills fall
  // in the middle of writes of the file and of the journal.
  kill_and_restart(10, {"--zonefile-sync", "0", "--journal-max-changes", "5"},
                   [](test::server_process& server, const std::filesystem::path& zone_file) {
                     INFO(server.stderr_text());
                     // The loop did write the file (so the kills met the write-back).
                     CHECK(contains(read_file(zone_file), "written by nameserver"));
                   });
}
