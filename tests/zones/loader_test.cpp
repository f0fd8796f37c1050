// Loading zone files and the --check entry point.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "zone_test_util.hpp"

using namespace zone_test;

namespace {

std::filesystem::path write_temp(const std::string& file, std::string_view content) {
  const auto dir = std::filesystem::temp_directory_path() / "dnskit-loader-test";
  const auto path = dir / file;
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path) << content;
  return path;
}

}  // namespace

TEST_CASE("loader: a file loads, parse errors come back with their place", "[unit]") {
  const auto good = write_temp("good.zone", "$TTL 60\n@ SOA ns h 1 2 3 4 5\n@ NS ns\nns A 192.0.2.1\n");
  const auto r = zones::load_zone(name::from_text("good.test."), good);
  REQUIRE(r.ok());
  CHECK(r.diagnostics.empty());
  CHECK(r.zone->record_count() == 3);

  const auto bad = write_temp("bad.zone", "$TTL 60\n@ SOA ns h 1 2 3 4 5\n@ NS ns\nns A 192.0.2.300\n");
  const auto e = zones::load_zone(name::from_text("bad.test."), bad);
  CHECK_FALSE(e.ok());
  REQUIRE_FALSE(e.diagnostics.empty());
  CHECK(e.diagnostics.front().is_error);
  CHECK(e.diagnostics.front().line == 4);

  const auto missing = zones::load_zone(name::from_text("x.test."), "/nonexistent/x.zone");
  CHECK_FALSE(missing.ok());
  CHECK_FALSE(missing.diagnostics.empty());
}

TEST_CASE("loader: check errors reject the zone, warnings do not", "[unit]") {
  const auto r = zones::load_zone_text(name::from_text("w.test."),
                                       "$TTL 60\n@ SOA ns h 1 2 3 4 5\n@ NS ns\nns A 192.0.2.1\n"
                                       "t 10 A 192.0.2.2\nt 20 A 192.0.2.3\n",
                                       "w.zone");
  REQUIRE(r.ok());
  REQUIRE(r.diagnostics.size() == 1);
  CHECK_FALSE(r.diagnostics[0].is_error);
  const auto e = zones::load_zone_text(name::from_text("e.test."), "$TTL 60\n@ NS ns\nns A 192.0.2.1\n", "e.zone");
  CHECK_FALSE(e.ok());
}

TEST_CASE("loader: zone specs", "[unit]") {
  std::error_code ec;
  auto s = zones::parse_zone_spec("example.test=zones/x.zone", ec);
  REQUIRE(s);
  CHECK(s->origin == name::from_text("example.test."));
  CHECK(s->file == "zones/x.zone");
  s = zones::parse_zone_spec("dir/example.test.zone", ec);
  REQUIRE(s);
  CHECK(s->origin == name::from_text("example.test."));
  s = zones::parse_zone_spec("2.0.192.in-addr.arpa.db", ec);
  REQUIRE(s);
  CHECK(s->origin == name::from_text("2.0.192.in-addr.arpa."));
  CHECK_FALSE(zones::parse_zone_spec("example.test=", ec));
  CHECK(ec);
  CHECK_FALSE(zones::parse_zone_spec("a..b=x.zone", ec));
  CHECK(ec);
}

TEST_CASE("loader: check_zones prints diagnostics and a summary per zone", "[unit]") {
  const auto good = write_temp("ok.test.zone", "$TTL 60\n@ SOA ns h 7 2 3 4 5\n@ NS ns\nns A 192.0.2.1\n");
  const auto bad = write_temp("bad.test.zone", "$TTL 60\n@ SOA ns h 7 2 3 4 5\nns A 192.0.2.1\n");
  std::error_code ec;
  const std::vector<zones::zone_spec> both{*zones::parse_zone_spec(good.string(), ec),
                                           *zones::parse_zone_spec(bad.string(), ec)};
  std::ostringstream out;
  CHECK_FALSE(zones::check_zones(both, out));
  const std::string text = out.str();
  CHECK(text == "zone ok.test/IN: loaded serial 7 (3 records)\n" + bad.string() +
                     ":2:1: error: zone bad.test/IN: has no NS records\n"
                     "zone bad.test/IN: not loaded due to errors.\n");
  std::ostringstream out2;
  CHECK(zones::check_zones(std::span(both).first(1), out2));
}

TEST_CASE("loader: check diagnostics from files say file:line:column, $INCLUDE files too", "[unit]") {
  const auto part = write_temp("inc/part.zone",
                               "; records kept in a second file\n"
                               "alias CNAME ns\n"
                               "      A 192.0.2.7\n");
  const auto main = write_temp("chk.test.zone",
                               "$TTL 60\n"
                               "@ SOA ns h 1 2 3 4 5\n"
                               "  NS ns\n"
                               "ns A 192.0.2.1\n"
                               "c CNAME ns\n"
                               "c TXT \"x\"\n"
                               "sub NS ns.sub\n"
                               "www.example.org. A 192.0.2.9\n"
                               "$INCLUDE inc/part.zone\n"
                               "after A 192.0.2.8\n");
  const auto r = zones::load_zone(name::from_text("chk.test."), main);
  CHECK_FALSE(r.ok());
  const std::string m = main.string();
  const std::string p = part.string();
  CHECK(messages(r.diagnostics) ==
        strings{m + ":8:1: warning: out-of-zone data (www.example.org)",
                m + ":6:1: error: c.chk.test: CNAME and other data",
                m + ":7:1: warning: sub.chk.test/NS 'ns.sub.chk.test' has no REQUIRED GLUE "
                    "address records (A or AAAA)",
                p + ":3:7: error: alias.chk.test: CNAME and other data"});

  // A message about the whole zone names the zone's own file, even when every record it has
  // comes from an $INCLUDE file.
  const auto ns_only = write_temp("inc/ns.zone", "@ NS ns\nns A 192.0.2.1\n");
  const auto no_soa = write_temp("nosoa.test.zone", "$TTL 60\n$INCLUDE inc/ns.zone\n");
  const auto e = zones::load_zone(name::from_text("nosoa.test."), no_soa);
  CHECK(messages(e.diagnostics) ==
        strings{no_soa.string() + ": error: zone nosoa.test/IN: has no SOA record at the apex"});
}
