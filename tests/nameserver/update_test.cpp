// Dynamic update (RFC 2136) through the real server: nsupdate and knsupdate add and delete
// records, each prerequisite failure comes back with its rcode, sources outside allow-update are
// REFUSED (by address, or admitted by a TSIG key), an update reaches a Knot secondary by IXFR,
// updates stay over SIGHUP (the zone file unchanged) and restart, allow-update is re-read, a
// full disk is answered SERVFAIL with nothing applied, and the journal makes every
// acknowledged update survive kill -9 (none half applied).
#include <csignal>

#include "peer_secondary.hpp"
#include "update_support.hpp"

using namespace nstest;
using namespace nstest::update;
using dns::rcode;
using dns::rr_type;


TEST_CASE("update: nsupdate and knsupdate add and delete, prerequisites, REFUSED", "[integration]") {
  if (!have_program("nsupdate")) {
    WARN("nsupdate not installed; skipped");
    return;
  }
  temp_dir dir;
  const auto zone_file = dir / "upd.test.zone";
  write_file(zone_file, small_zone_text(zone_origin, 1, "old IN A 192.0.2.5\n"));
  auto server = start_server({"--zone", "upd.test.=" + zone_file.string(), "--allow-update",
                              "127.0.0.1"});
  const auto port = server->port();
  auto ok = nsupdate(port, "update add new.upd.test. 60 A 192.0.2.9\nupdate delete old.upd.test. A\n", dir.path());
  INFO(ok.out << ok.err << server->stderr_text());
  REQUIRE(ok.status == 0);
  CHECK(answers(port, "new.upd.test.", rr_type::a) ==
        std::vector<std::string>{"new.upd.test. 60 IN A 192.0.2.9"});
  CHECK(answers(port, "old.upd.test.", rr_type::a).empty());
  CHECK(contains(answers(port, "upd.test.", rr_type::soa).at(0), " 2 7200 "));  // serial raised

  // Each prerequisite failure, with nsupdate's name for the rcode.
  const std::vector<std::pair<std::string, std::string>> failing = {
      {"prereq nxdomain new.upd.test.\n", "YXDOMAIN"},
      {"prereq nxrrset new.upd.test. A\n", "YXRRSET"},
      {"prereq yxdomain nothere.upd.test.\n", "NXDOMAIN"},
      {"prereq yxrrset new.upd.test. TXT\n", "NXRRSET"},
      {"prereq yxrrset new.upd.test. A 192.0.2.10\n", "NXRRSET"},
  };
  for (const auto& [prereq, code] : failing) {
    auto r = nsupdate(port, prereq + "update add never.upd.test. 60 A 192.0.2.1\n", dir.path());
    INFO(prereq << r.out << r.err);
    CHECK(r.status != 0);
    CHECK(contains(r.out + r.err, code));
  }
  CHECK(answers(port, "never.upd.test.", rr_type::a).empty());
  // A name outside the zone: NOTZONE.
  auto notzone = nsupdate(port, "update add x.other.test. 60 A 192.0.2.1\n", dir.path());
  CHECK(contains(notzone.out + notzone.err, "NOTZONE"));
  // Prerequisites that hold: the update is made.
  auto held = nsupdate(port, "prereq yxrrset new.upd.test. A 192.0.2.9\nprereq nxdomain b.upd.test.\n"
                             "update add b.upd.test. 60 TXT \"b\"\n", dir.path());
  CHECK(held.status == 0);
  CHECK(answers(port, "b.upd.test.", rr_type::txt).size() == 1);

  // The updates are in the zone's history: IXFR from serial 1 sends them as differences (the
  // old SOA and the deleted record appear, as in no AXFR-style answer).
  auto ixfr = dig(port, {"+tcp", "upd.test.", "IXFR=1"});
  INFO(ixfr.out);
  CHECK(contains(ixfr.out, " 1 7200 "));
  CHECK(contains(ixfr.out, "old.upd.test."));
  CHECK(contains(ixfr.out, "new.upd.test."));
  CHECK(contains(ixfr.out, "b.upd.test."));

  if (have_program("knsupdate")) {
    auto k = nsupdate(port, "update add knot.upd.test. 60 AAAA 2001:db8::1\n", dir.path(), {}, "knsupdate");
    INFO(k.out << k.err);
    CHECK(k.status == 0);
    CHECK(answers(port, "knot.upd.test.", rr_type::aaaa).size() == 1);
  }
}

TEST_CASE("update: REFUSED by default and from outside allow-update, a TSIG key admits",
          "[integration]") {
  if (!have_program("nsupdate")) {
    WARN("nsupdate not installed; skipped");
    return;
  }
  temp_dir dir;
  const auto zone_file = dir / "upd.test.zone";
  write_file(zone_file, small_zone_text(zone_origin, 1));
  {
    auto server = start_server({"--zone", "upd.test.=" + zone_file.string()});
    auto r = nsupdate(server->port(), "update add a.upd.test. 60 A 192.0.2.1\n", dir.path());
    CHECK(contains(r.out + r.err, "REFUSED"));
  }
  const std::string secret = "GrUgzjJEuxUoCcn9eckXe/DyCu28wkhXMtH5efMCDv8=";
  auto server = start_server({"--zone", "upd.test.=" + zone_file.string(), "--tsig-key",
                              "upd:" + secret, "--allow-update", "10.0.0.0/8", "--allow-update",
                              "key:upd"});
  auto unsigned_update = nsupdate(server->port(), "update add a.upd.test. 60 A 192.0.2.1\n", dir.path());
  CHECK(contains(unsigned_update.out + unsigned_update.err, "REFUSED"));
  CHECK(answers(server->port(), "a.upd.test.", rr_type::a).empty());
  auto signed_update = nsupdate(server->port(), "update add a.upd.test. 60 A 192.0.2.1\n", dir.path(),
                                {"-y", "hmac-sha256:upd:" + secret});
  INFO(signed_update.out << signed_update.err);
  CHECK(signed_update.status == 0);
  CHECK(answers(server->port(), "a.upd.test.", rr_type::a).size() == 1);
}

namespace {

std::string serial_text(std::uint16_t port) {
  const auto soa = answers(port, zone_origin, rr_type::soa);
  return soa.empty() ? std::string() : soa.front();
}

// zonefile-sync = -1: the zone file is never written back, so the updates live in the journal
// alone and the rules for replay and reload are what is tested (zonefile_sync_test.cpp tests
// the write-back).
void write_config(const std::filesystem::path& path, const std::string& allow_update) {
  write_file(path, "[server]\nlisten = [\"127.0.0.1:0\"]\nthreads = 1\nzonefile-sync = -1\n"
                   "allow-update = [" + allow_update + "]\n\n[[zone]]\norigin = \"upd.test.\"\n"
                   "file = \"upd.test.zone\"\n");
}

}  // namespace

TEST_CASE("update: kept over SIGHUP and restart, allow-update re-read, a newer file wins",
          "[integration]") {
  if (!have_program("nsupdate")) {
    WARN("nsupdate not installed; skipped");
    return;
  }
  temp_dir dir;
  const auto zone_file = dir / "upd.test.zone";
  const auto config = dir / "nameserver.toml";
  write_file(zone_file, small_zone_text(zone_origin, 1, "old IN A 192.0.2.5\n"));
  write_config(config, "\"127.0.0.1\"");
  auto server = start_server({"--config", config.string()});
  REQUIRE(nsupdate(server->port(), "update add kept.upd.test. 60 A 192.0.2.7\n", dir.path()).status == 0);
  REQUIRE(contains(serial_text(server->port()), " 2 7200 "));

  // The zone file did not move (serial 1): the updated version (serial 2) stays served.
  auto lines = server->process().stderr_line_count();
  REQUIRE(server->process().signal(SIGHUP));
  REQUIRE(wait_log(*server, "reloaded, serial 2 unchanged", lines));
  CHECK(contains(server->stderr_text(), "holds dynamic updates"));
  CHECK(answers(server->port(), "kept.upd.test.", rr_type::a).size() == 1);
  CHECK(contains(serial_text(server->port()), " 2 7200 "));

  // A restart replays the journal over the file.
  REQUIRE(server->stop() == 0);
  server = start_server({"--config", config.string()});
  CHECK(contains(server->stderr_text(), "replayed over the zone file"));
  CHECK(answers(server->port(), "kept.upd.test.", rr_type::a).size() == 1);
  CHECK(contains(serial_text(server->port()), " 2 7200 "));
  // ...and a SIGHUP after the restart still keeps it.
  lines = server->process().stderr_line_count();
  REQUIRE(server->process().signal(SIGHUP));
  REQUIRE(wait_log(*server, "reloaded, serial 2 unchanged", lines));
  CHECK(answers(server->port(), "kept.upd.test.", rr_type::a).size() == 1);

  // allow-update is re-read with the configuration: emptied, updates are refused.
  write_config(config, "");
  lines = server->process().stderr_line_count();
  REQUIRE(server->process().signal(SIGHUP));
  REQUIRE(wait_log(*server, "reloaded, serial 2 unchanged", lines));
  auto refused = nsupdate(server->port(), "update add late.upd.test. 60 A 192.0.2.8\n", dir.path());
  CHECK(contains(refused.out + refused.err, "REFUSED"));
  CHECK(answers(server->port(), "late.upd.test.", rr_type::a).empty());

  // A file whose serial passes the served one is the operator's new version: it is loaded.
  write_file(zone_file, small_zone_text(zone_origin, 10, "edited IN A 192.0.2.10\n"));
  lines = server->process().stderr_line_count();
  REQUIRE(server->process().signal(SIGHUP));
  REQUIRE(wait_log(*server, "serial 2 -> 10", lines));
  CHECK(answers(server->port(), "edited.upd.test.", rr_type::a).size() == 1);
  CHECK(answers(server->port(), "kept.upd.test.", rr_type::a).empty());
}

TEST_CASE("update: a full disk answers SERVFAIL, applies nothing, and the server goes on",
          "[integration]") {
  const auto prlimit = test::find_program("prlimit");
  if (!prlimit) {
    WARN("prlimit not installed; skipped");
    return;
  }
  temp_dir dir;
  const auto zone_file = dir / "upd.test.zone";
  write_file(zone_file, small_zone_text(zone_origin, 1));
  const std::vector<std::string> args = {"--listen", "127.0.0.1:0", "--threads", "1", "--zone",
                                         "upd.test.=" + zone_file.string(), "--allow-update",
                                         "127.0.0.1"};
  // The journal may not grow past 2 KiB (the soft RLIMIT_FSIZE: its writes fail with EFBIG),
  // a disk that fills after a few updates; the hard limit stays open, so space can come back.
  std::vector<std::string> limited = {"--fsize=2048:unlimited", binary().string()};
  limited.insert(limited.end(), args.begin(), args.end());
  std::string error;
  auto server = test::server_process::start(*prlimit, limited, error);
  INFO(error);
  REQUIRE(server != nullptr);
  const test::server_address at = address_of(*server);
  std::vector<int> acknowledged;
  int failed = -1;
  for (int n = 0; n < 200 && failed < 0; ++n) {
    auto reply = test::udp_query(at, add_pair(static_cast<std::uint16_t>(n), "k" + std::to_string(n)), 5s);
    REQUIRE(reply.has_value());
    if (reply->rcode() == rcode::servfail) failed = n;
    else if (reply->rcode() == rcode::noerror) acknowledged.push_back(n);
  }
  INFO(server->stderr_text());
  REQUIRE(failed > 0);
  // The server logs before it answers, but the test reads its stderr on a thread of its own:
  // wait for the line rather than look once.
  CHECK(wait_log(*server, "update not made"));
  auto port = server->port();
  CHECK(answers(port, "k" + std::to_string(failed) + ".upd.test.", rr_type::txt).empty());
  CHECK(answers(port, "k" + std::to_string(failed) + ".upd.test.", rr_type::a).empty());
  CHECK(answers(port, "k0.upd.test.", rr_type::txt).size() == 1);  // still serving
  // Still full: refused again.
  auto again = test::udp_query(at, add_pair(500, "again"), 5s);
  REQUIRE(again.has_value());
  CHECK(again->rcode() == rcode::servfail);

  // Space comes back: the next update is made.
  const auto raised = test::run_command(
      {prlimit->string(), "--pid", std::to_string(server->process().pid()), "--fsize=unlimited:unlimited"}, 10s);
  REQUIRE(raised.status == 0);
  auto after = test::udp_query(at, add_pair(501, "after"), 5s);
  REQUIRE(after.has_value());
  CHECK(after->rcode() == rcode::noerror);
  CHECK(answers(port, "after.upd.test.", rr_type::txt).size() == 1);

  // Nothing acknowledged is lost, nothing refused appears, across kill -9.
  server->process().signal(SIGKILL);
  REQUIRE(server->process().wait_exit(10s).has_value());
  server = start_server(args);
  port = server->port();
  for (int n : acknowledged) {
    INFO("update " << n);
    CHECK(answers(port, "k" + std::to_string(n) + ".upd.test.", rr_type::a).size() == 1);
  }
  CHECK(answers(port, "k" + std::to_string(failed) + ".upd.test.", rr_type::a).empty());
  CHECK(answers(port, "again.upd.test.", rr_type::a).empty());
  CHECK(answers(port, "after.upd.test.", rr_type::a).size() == 1);
}

TEST_CASE("interop: an update reaches a Knot DNS secondary by IXFR", "[interop]") {
  const auto knotd = test::find_program("knotd");
  if (!knotd || !have_program("nsupdate")) {
    WARN("knotd or nsupdate not installed; skipped");
    return;
  }
  temp_dir dir;
  const auto zone_file = dir / "upd.test.zone";
  write_file(zone_file, small_zone_text(zone_origin, 1));
  const std::uint16_t knot_port = free_port();
  REQUIRE(knot_port != 0);
  auto primary = start_server({"--zone", "upd.test.=" + zone_file.string(), "--allow-update",
                               "127.0.0.1", "--notify", "127.0.0.1:" + std::to_string(knot_port)});
  auto knot = start_knot_secondary(*knotd, dir / "knot", knot_port, address_of(*primary),
                                   zone_origin);
  INFO(knot.process->stderr_text());
  REQUIRE(wait_secondary_serial(knot.address, zone_origin, " 1 ", 100));
  REQUIRE(nsupdate(primary->port(), "update add fresh.upd.test. 60 A 192.0.2.42\n", dir.path()).status == 0);
  REQUIRE(wait_secondary_serial(knot.address, zone_origin, " 2 ", 100));
  CHECK(answers(knot_port, "fresh.upd.test.", rr_type::a) ==
        std::vector<std::string>{"fresh.upd.test. 60 IN A 192.0.2.42"});
  CHECK(knot.process->wait_for_line("IXFR, incoming", 10s).has_value());
  CHECK_FALSE(contains(knot.process->stderr_text(), "AXFR-style"));
  knot.process->signal(SIGTERM);
  CHECK(knot.process->wait_exit(10s).has_value());
}


TEST_CASE("update: every acknowledged update survives kill -9 (20 kills)", "[abuse]") {
  kill_and_restart(20);
}

TEST_CASE("update: every acknowledged update survives kill -9 (200 kills)", "[abuse][long]") {
  kill_and_restart(200);
}
