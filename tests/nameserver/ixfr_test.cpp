// IXFR out (RFC 1995) from the zone's journal: reloads with a higher serial append their
// differences to FILE.jnl; dig's IXFR gets the condensed differences from its serial, the
// AXFR form when the journal does not reach back, the SOA alone when it is current; over UDP
// the differences when they fit, else the SOA; the journal survives a restart; Knot DNS as a
// secondary follows the zone by incremental transfers, and so does BIND's named.
#include <algorithm>
#include <csignal>
#include <filesystem>
#include <string>
#include <vector>

#include "integration_support.hpp"
#include "peer_secondary.hpp"

using namespace nstest;
using dns::rr_type;

namespace {

// dig +noall +answer lines with tabs squeezed to single spaces.
std::vector<std::string> answer_lines(const test::command_result& r) {
  std::vector<std::string> out;
  std::istringstream in(r.out);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == ';') continue;
    std::string squeezed;
    for (char c : line) {
      const char d = c == '\t' ? ' ' : c;
      if (d == ' ' && !squeezed.empty() && squeezed.back() == ' ') continue;
      squeezed.push_back(d);
    }
    out.push_back(squeezed);
  }
  return out;
}

std::string soa(std::uint32_t serial) {
  return "ixfr.test. 300 IN SOA ns1.ixfr.test. hostmaster.ixfr.test. " + std::to_string(serial) +
         " 7200 3600 1209600 300";
}

test::command_result ixfr(std::uint16_t port, std::uint32_t serial, bool udp = false) {
  std::vector<std::string> args = {"+norec", "+noall", "+answer", "ixfr.test.",
                                   "IXFR=" + std::to_string(serial)};
  if (udp) args.push_back("+notcp");
  return dig(port, args);
}

}  // namespace

TEST_CASE("ixfr: reloads are journaled and dig gets the condensed differences", "[integration]") {
  if (!have_program("dig")) {
    WARN("dig not installed; skipped");
    return;
  }
  temp_dir dir;
  const auto zone_file = dir / "ixfr.test.zone";
  write_file(zone_file, small_zone_text("ixfr.test.", 1, "a IN A 192.0.2.1\nb IN A 192.0.2.2\n"));
  auto server = start_server({"--zone", "ixfr.test.=" + zone_file.string()});
  std::size_t from = server->process().stderr_line_count();
  const auto reload = [&](std::uint32_t serial, const std::string& extra, std::string_view line) {
    write_file(zone_file, small_zone_text("ixfr.test.", serial, extra));
    REQUIRE(server->process().signal(SIGHUP));
    INFO(server->stderr_text());
    REQUIRE(wait_log(*server, line, from));
    from = server->process().stderr_line_count();
  };
  reload(2, "b IN A 192.0.2.22\nc IN A 192.0.2.3\n",
         "the change from serial 1 to 2 appended, 2 removed, 2 added");
  reload(3, "b IN A 192.0.2.22\nc IN A 192.0.2.3\na IN A 192.0.2.1\n",
         "the change from serial 2 to 3 appended, 0 removed, 1 added");
  CHECK(std::filesystem::exists(dir / "ixfr.test.zone.jnl"));

  // From 1: a removed and added back cancel out; b changed; c added (RFC 1995 §4).
  CHECK(answer_lines(ixfr(server->port(), 1)) ==
        std::vector<std::string>{soa(3), soa(1), "b.ixfr.test. 300 IN A 192.0.2.2", soa(3),
                                 "b.ixfr.test. 300 IN A 192.0.2.22",
                                 "c.ixfr.test. 300 IN A 192.0.2.3", soa(3)});
  CHECK(answer_lines(ixfr(server->port(), 2)) ==
        std::vector<std::string>{soa(3), soa(2), soa(3), "a.ixfr.test. 300 IN A 192.0.2.1",
                                 soa(3)});
  // Over UDP the same differences, in one message (they fit).
  CHECK(answer_lines(ixfr(server->port(), 2, true)) == answer_lines(ixfr(server->port(), 2)));
  // Current or newer: the SOA alone (RFC 1995 §2).
  CHECK(answer_lines(ixfr(server->port(), 3)) == std::vector<std::string>{soa(3)});
  CHECK(answer_lines(ixfr(server->port(), 4)) == std::vector<std::string>{soa(3)});
  // Older than the journal: the whole zone in the AXFR form (7 records, the SOA twice).
  const auto whole = answer_lines(ixfr(server->port(), 0));
  CHECK(whole.size() == 8);
  CHECK(whole.front() == soa(3));
  CHECK(whole.back() == soa(3));

  // Data changed without a new serial: a warning, nothing journaled, IXFR unchanged.
  const auto journal_size = std::filesystem::file_size(dir / "ixfr.test.zone.jnl");
  reload(3, "b IN A 192.0.2.22\nc IN A 192.0.2.3\na IN A 192.0.2.1\nd IN A 192.0.2.4\n",
         "data changed but serial 3 did not");
  CHECK(std::filesystem::file_size(dir / "ixfr.test.zone.jnl") == journal_size);

  // A change too large for a UDP answer: over UDP the SOA alone, over TCP the differences.
  std::string big = "b IN A 192.0.2.22\nc IN A 192.0.2.3\na IN A 192.0.2.1\n";
  for (int i = 0; i < 60; ++i) big += "t" + std::to_string(i) + " IN TXT \"" + std::string(40, 'x') + "\"\n";
  reload(4, big, "serial 3 -> 4");
  CHECK(answer_lines(ixfr(server->port(), 3, true)) == std::vector<std::string>{soa(4)});
  CHECK(answer_lines(ixfr(server->port(), 3)).size() == 4 + 61);

  // A restart reads the journal back.
  server.reset();
  server = start_server({"--zone", "ixfr.test.=" + zone_file.string()});
  CHECK(wait_log(*server, "ixfr.test.zone.jnl: 3 change(s), serials 1 to 4"));
  CHECK(answer_lines(ixfr(server->port(), 2)).size() == 4 + 62);
}

TEST_CASE("ixfr: the journal keeps at most --journal-max-changes changes", "[integration]") {
  if (!have_program("dig")) {
    WARN("dig not installed; skipped");
    return;
  }
  temp_dir dir;
  const auto zone_file = dir / "ixfr.test.zone";
  write_file(zone_file, small_zone_text("ixfr.test.", 1));
  auto server = start_server({"--zone", "ixfr.test.=" + zone_file.string(),
                              "--journal-max-changes", "2"});
  for (std::uint32_t serial = 2; serial <= 4; ++serial) {
    const std::size_t from = server->process().stderr_line_count();
    write_file(zone_file, small_zone_text("ixfr.test.", serial,
                                          "v" + std::to_string(serial) + " IN A 192.0.2.9\n"));
    REQUIRE(server->process().signal(SIGHUP));
    REQUIRE(wait_log(*server, "reloaded, serial " + std::to_string(serial - 1), from));
  }
  // Changes 2->3 and 3->4 are kept; from 1 only the whole zone.
  CHECK(answer_lines(ixfr(server->port(), 2)).size() == 6);
  CHECK(answer_lines(ixfr(server->port(), 1)).front() == soa(4));
  CHECK(answer_lines(ixfr(server->port(), 1)).size() == 6);  // AXFR form: 5 records + SOA
  server.reset();
  server = start_server({"--zone", "ixfr.test.=" + zone_file.string()});
  CHECK(wait_log(*server, "2 change(s), serials 2 to 4"));
}

TEST_CASE("interop: Knot DNS as a secondary follows reloads by incremental transfers",
          "[interop]") {
  const auto knotd = test::find_program("knotd");
  if (!knotd) {
    WARN("knotd not installed; skipped");
    return;
  }
  temp_dir dir;
  const auto zone_file = dir / "ixfr.test.zone";
  write_file(zone_file, small_zone_text("ixfr.test.", 1, "a IN A 192.0.2.1\n"));
  const std::uint16_t knot_port = free_port();
  REQUIRE(knot_port != 0);
  auto primary = start_server({"--zone", "ixfr.test.=" + zone_file.string(), "--notify",
                               "127.0.0.1:" + std::to_string(knot_port)});
  const auto ours = address_of(*primary);
  auto knot = start_knot_secondary(*knotd, dir / "knot", knot_port, ours, "ixfr.test.");
  INFO(knot.process->stderr_text());
  REQUIRE(wait_secondary_serial(knot.address, "ixfr.test.", " 1 ", 100));

  for (std::uint32_t serial = 2; serial <= 3; ++serial) {
    std::string extra = "a IN A 192.0.2." + std::to_string(serial) + "\n";
    extra += "n" + std::to_string(serial) + " IN TXT \"serial " + std::to_string(serial) + "\"\n";
    write_file(zone_file, small_zone_text("ixfr.test.", serial, extra));
    REQUIRE(primary->process().signal(SIGHUP));
    REQUIRE(wait_secondary_serial(knot.address, "ixfr.test.", " " + std::to_string(serial) + " ",
                                  100));
  }
  // Knot says how it transferred: incrementally, from 1 to 2 and from 2 to 3.
  CHECK(knot.process->wait_for_line("IXFR, incoming", 10s).has_value());
  const std::string log = knot.process->stderr_text();
  CHECK(contains(log, "serial 1 -> 2"));
  CHECK(contains(log, "serial 2 -> 3"));
  CHECK_FALSE(contains(log, "fallback to AXFR"));
  CHECK_FALSE(contains(log, "AXFR-style"));
  const std::vector<std::pair<std::string, rr_type>> questions = {
      {"ixfr.test.", rr_type::soa}, {"a.ixfr.test.", rr_type::a},
      {"n2.ixfr.test.", rr_type::txt}, {"n3.ixfr.test.", rr_type::txt},
      {"www.ixfr.test.", rr_type::a}};
  check_secondary_answers_as_primary(ours, knot.address, questions, false);

  knot.process->signal(SIGTERM);
  CHECK(knot.process->wait_exit(10s).has_value());
}

TEST_CASE("interop: BIND's named as a secondary follows a reload by an incremental transfer",
          "[interop]") {
  const std::filesystem::path named = "/usr/sbin/named";
  if (!std::filesystem::exists(named)) {
    WARN("named not installed; skipped");
    return;
  }
  temp_dir dir;
  const auto zone_file = dir / "ixfr.test.zone";
  write_file(zone_file, small_zone_text("ixfr.test.", 1, "a IN A 192.0.2.1\n"));
  const std::uint16_t named_port = free_port();
  REQUIRE(named_port != 0);
  auto primary = start_server({"--zone", "ixfr.test.=" + zone_file.string(), "--notify",
                               "127.0.0.1:" + std::to_string(named_port)});
  const auto ours = address_of(*primary);
  const std::string d = (dir / "named").string();
  std::filesystem::create_directories(d);
  write_file(dir / "named" / "named.conf",
             "options {\n  directory \"" + d + "\";\n  listen-on port " +
                 std::to_string(named_port) + " { 127.0.0.1; };\n  listen-on-v6 { none; };\n"
                 "  pid-file \"" + d + "/named.pid\";\n  session-keyfile \"" + d +
                 "/session.key\";\n  managed-keys-directory \"" + d + "\";\n"
                 "  recursion no;\n  dnssec-validation no;\n  notify no;\n};\n"
                 "controls { };\n"
                 "zone \"ixfr.test\" {\n  type secondary;\n  primaries { 127.0.0.1 port " +
                 std::to_string(ours.port) + "; };\n  file \"" + d + "/secondary.db\";\n"
                 "  masterfile-format text;\n  allow-notify { 127.0.0.1; };\n};\n");
  std::string error;
  auto process = test::child_process::start(named, {"-g", "-c", d + "/named.conf"}, error);
  INFO(error);
  REQUIRE(process != nullptr);
  const test::server_address secondary{"127.0.0.1", named_port};
  INFO(process->stderr_text());
  REQUIRE(wait_secondary_serial(secondary, "ixfr.test.", " 1 ", 100));

  write_file(zone_file, small_zone_text("ixfr.test.", 2, "a IN A 192.0.2.2\nb IN A 192.0.2.3\n"));
  REQUIRE(primary->process().signal(SIGHUP));
  REQUIRE(wait_secondary_serial(secondary, "ixfr.test.", " 2 ", 100));
  // The incremental answer: SOA 2, SOA 1, old a, SOA 2, new a, b, SOA 2. The whole zone would
  // be 8 records. BIND keeps a journal of what it received incrementally.
  CHECK(process->wait_for_line("Transfer completed: 1 messages, 7 records", 10s).has_value());
  CHECK(std::filesystem::exists(dir / "named" / "secondary.db.jnl"));
  const std::vector<std::pair<std::string, rr_type>> questions = {
      {"ixfr.test.", rr_type::soa}, {"ixfr.test.", rr_type::ns}, {"a.ixfr.test.", rr_type::a},
      {"b.ixfr.test.", rr_type::a}, {"www.ixfr.test.", rr_type::a}};
  check_secondary_answers_as_primary(ours, secondary, questions, false);
  if (have_program("dig")) {  // the whole zone, record for record
    auto whole = [](std::uint16_t port) {
      auto lines = answer_lines(dig(port, {"+noall", "+answer", "ixfr.test.", "AXFR"}));
      std::sort(lines.begin(), lines.end());
      return lines;
    };
    CHECK(whole(named_port) == whole(ours.port));
    CHECK(whole(ours.port).size() == 7);
  }

  process->signal(SIGTERM);
  CHECK(process->wait_exit(10s).has_value());
}
