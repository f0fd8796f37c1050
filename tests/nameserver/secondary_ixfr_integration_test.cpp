// `nameserver` as a secondary following its primary by IXFR (RFC 1995): another `nameserver`,
// Knot DNS (zonefile-load: difference) and BIND (ixfr-from-differences yes), each on loopback.
// The first transfer is an AXFR (no copy yet); each NOTIFY-driven update after it comes by IXFR
// and says so in the log; the copy then equals the primary's zone (AXFR output compared,
// sorted); the secondary's own history answers `dig IXFR=N` with the differences, and still
// does after a restart (FILE.jnl). Skipped without dig, or without knotd / named for theirs.
#include <algorithm>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "integration_support.hpp"
#include "peer_primary.hpp"
#include "secondary_scenario.hpp"

using namespace nstest;

namespace {

std::string zone_text(std::uint32_t serial, std::string_view body) {
  return "$ORIGIN sec.test.\n$TTL 300\n@ IN SOA ns1 hostmaster " + std::to_string(serial) +
         " 3600 600 86400 300\n@ IN NS ns1\nns1 IN A 192.0.2.1\n" + std::string(body);
}

constexpr std::string_view body_1 = "www IN A 192.0.2.80\nmail IN MX 10 www\nold IN TXT \"old\"\n";
constexpr std::string_view body_2 = "www IN A 192.0.2.81\nmail IN MX 10 www\nnew IN TXT \"new\"\n";
constexpr std::string_view more = "more IN A 192.0.2.3\n";

std::string soa_line(std::uint32_t serial) {
  return "sec.test. 300 IN SOA ns1.sec.test. hostmaster.sec.test. " + std::to_string(serial) +
         " 3600 600 86400 300";
}

// dig +noall +answer lines, tabs squeezed to single spaces.
std::vector<std::string> dig_lines(std::uint16_t port, const std::string& type) {
  const auto r = dig(port, {"+norec", "+noall", "+answer", "sec.test.", type});
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

std::vector<std::string> sorted_axfr(std::uint16_t port) {
  auto lines = dig_lines(port, "AXFR");
  std::sort(lines.begin(), lines.end());
  return lines;
}

std::vector<std::string> sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

// An IXFR answer of one change: SOA(to), SOA(from), removed, SOA(to), added, SOA(to).
void check_one_change(const std::vector<std::string>& lines, std::uint32_t from, std::uint32_t to,
                      const std::vector<std::string>& removed, const std::vector<std::string>& added) {
  INFO("IXFR=" << from << " answer:\n" << [&] {
    std::string all;
    for (const auto& l : lines) all += l + "\n";
    return all;
  }());
  REQUIRE(lines.size() == removed.size() + added.size() + 4);
  CHECK(lines.front() == soa_line(to));
  CHECK(lines[1] == soa_line(from));
  const auto at = lines.begin() + 2;
  CHECK(sorted({at, at + static_cast<std::ptrdiff_t>(removed.size())}) == sorted(removed));
  CHECK(lines[2 + removed.size()] == soa_line(to));
  const auto added_at = at + static_cast<std::ptrdiff_t>(removed.size()) + 1;
  CHECK(sorted({added_at, added_at + static_cast<std::ptrdiff_t>(added.size())}) == sorted(added));
  CHECK(lines.back() == soa_line(to));
}

// The life of the secondary against `primary`; `change_3` makes serial 3 (adding `more`) at the
// primary (default: the zone file rewritten and reloaded).
void ixfr_scenario(primary_peer& primary, const std::filesystem::path& dir,
                   std::uint16_t secondary_port, const std::function<void()>& change_3 = {}) {
  write_file(primary.zone_file(), zone_text(1, body_1));
  primary.start();
  const auto copy = dir / "secondary" / "sec.test.zone";
  std::filesystem::create_directories(copy.parent_path());
  const std::string from = "from 127.0.0.1:" + std::to_string(primary.port());
  const std::vector<std::string> args = {
      "--listen", "127.0.0.1:" + std::to_string(secondary_port), "--secondary",
      "sec.test.=" + copy.string() + ",primary=127.0.0.1:" + std::to_string(primary.port())};
  auto secondary = start_server(args);
  const test::server_address at{"127.0.0.1", secondary_port};
  const auto logs = [&] {
    return "primary's log:\n" + primary.log() + "\nsecondary's log:\n" + secondary->stderr_text();
  };

  // 1. No copy yet: the whole zone.
  if (!time_until_serial(at, 1, 20s)) FAIL("no first transfer\n" << logs());
  CHECK(wait_log(*secondary, "zone sec.test.: transferred serial 1 " + from + " by AXFR (no copy yet)"));

  // 2. The primary's reload: its NOTIFY, then the difference by IXFR.
  write_file(primary.zone_file(), zone_text(2, body_2));
  primary.reload();
  if (!time_until_serial(at, 2, 20s)) FAIL("serial 2 never came\n" << logs());
  if (!wait_log(*secondary, "zone sec.test.: transferred serial 2 " + from +
                                " by IXFR, serial 1 -> 2: 1 change(s)")) {
    FAIL("not by IXFR\n" << logs());
  }
  CHECK(sorted_axfr(secondary_port) == sorted_axfr(primary.port()));
  CHECK(sorted_axfr(secondary_port).size() == 7);  // six records, the SOA twice
  // Its own history answers IXFR with that difference (RFC 1995 §4).
  check_one_change(dig_lines(secondary_port, "IXFR=1"), 1, 2,
                   {"old.sec.test. 300 IN TXT \"old\"", "www.sec.test. 300 IN A 192.0.2.80"},
                   {"new.sec.test. 300 IN TXT \"new\"", "www.sec.test. 300 IN A 192.0.2.81"});

  // 3. One more change: the history grows; IXFR=1 gets both condensed.
  if (change_3) {
    change_3();
  } else {
    write_file(primary.zone_file(), zone_text(3, std::string(body_2) + std::string(more)));
    primary.reload();
  }
  if (!time_until_serial(at, 3, 20s)) FAIL("serial 3 never came\n" << logs());
  if (!wait_log(*secondary, "zone sec.test.: transferred serial 3 " + from +
                                " by IXFR, serial 2 -> 3: 1 change(s)")) {
    FAIL("not by IXFR\n" << logs());
  }
  CHECK(sorted_axfr(secondary_port) == sorted_axfr(primary.port()));
  check_one_change(dig_lines(secondary_port, "IXFR=2"), 2, 3, {},
                   {"more.sec.test. 300 IN A 192.0.2.3"});
  check_one_change(dig_lines(secondary_port, "IXFR=1"), 1, 3,
                   {"old.sec.test. 300 IN TXT \"old\"", "www.sec.test. 300 IN A 192.0.2.80"},
                   {"new.sec.test. 300 IN TXT \"new\"", "www.sec.test. 300 IN A 192.0.2.81",
                    "more.sec.test. 300 IN A 192.0.2.3"});
  // FILE is the new version too (written just after it is served).
  bool written = false;
  for (int i = 0; i < 50 && !written; ++i) {
    written = contains(read_file(copy), "more.sec.test. 300 IN A 192.0.2.3");
    if (!written) std::this_thread::sleep_for(100ms);
  }
  CHECK(written);

  // 4. A restart reads FILE.jnl back: the history still answers IXFR.
  CHECK(secondary->stop() == 0);
  secondary = start_server(args);
  CHECK(wait_log(*secondary, "sec.test.zone.jnl: 2 change(s), serials 1 to 3"));
  check_one_change(dig_lines(secondary_port, "IXFR=2"), 2, 3, {},
                   {"more.sec.test. 300 IN A 192.0.2.3"});
  CHECK(secondary->stop() == 0);
  primary.stop();
}

}  // namespace

TEST_CASE("secondary ixfr: nameserver follows nameserver by IXFR, a reload and an UPDATE",
          "[integration]") {
  const auto nsupdate = test::find_program("nsupdate");
  if (!have_program("dig") || !nsupdate) {
    WARN("dig or nsupdate not installed; skipped");
    return;
  }
  temp_dir dir;
  const std::uint16_t secondary_port = free_port();
  REQUIRE(secondary_port != 0);
  nameserver_primary primary(dir / "primary", "sec.test.", secondary_port);
  primary.extra_args = {"--allow-update", "127.0.0.1/32"};
  // Serial 3 by a dynamic update (RFC 2136): the primary raises the serial itself.
  const auto update = [&] {
    const auto script = dir / "update.txt";
    write_file(script, "server 127.0.0.1 " + std::to_string(primary.port()) +
                           "\nzone sec.test.\nupdate add more.sec.test. 300 IN A 192.0.2.3\nsend\n");
    const auto r = test::run_command({nsupdate->string(), "-t", "5", script.string()}, 20s);
    INFO(r.out << r.err);
    REQUIRE(r.status == 0);
  };
  ixfr_scenario(primary, dir.path(), secondary_port, update);
}

TEST_CASE("interop: nameserver follows Knot DNS by IXFR", "[interop]") {
  const auto knotd = test::find_program("knotd");
  if (!knotd || !test::find_program("knotc") || !have_program("dig")) {
    WARN("knotd, knotc or dig not installed; skipped");
    return;
  }
  temp_dir dir;
  const std::uint16_t secondary_port = free_port();
  REQUIRE(secondary_port != 0);
  knot_primary primary(*knotd, dir / "knot", "sec.test.", secondary_port);
  primary.keep_differences();
  ixfr_scenario(primary, dir.path(), secondary_port);
}

TEST_CASE("interop: nameserver follows BIND by IXFR", "[interop]") {
  const auto named = test::find_program("named");
  if (!named || !have_program("dig")) {
    WARN("named or dig not installed; skipped");
    return;
  }
  temp_dir dir;
  const std::uint16_t secondary_port = free_port();
  REQUIRE(secondary_port != 0);
  bind_primary primary(*named, dir / "bind", "sec.test.", secondary_port);
  primary.keep_differences();
  ixfr_scenario(primary, dir.path(), secondary_port);
}
