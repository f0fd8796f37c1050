// $INCLUDE (RFC 1035 §5.1): relative paths from the including file, the origin argument, the
// origin restored afterwards, loops and nesting depth bounded, and off unless allowed.
#include <catch2/catch.hpp>

#include <string>

#include "parser_test_util.hpp"

using namespace dnskit;
using parser_test::options;
using Lines = std::vector<std::string>;

namespace {

const std::string data_dir = std::string(DNSKIT_TEST_DATA_DIR) + "/parser/";

parser_test::parsed parse_file(const std::string& name, zones::parse_options o) {
  parser_test::parsed p;
  p.result = zones::parse_file(data_dir + name, o, [&](const dns::record& r) {
    p.records.push_back(r);
    p.lines.push_back(r.to_text());
  });
  return p;
}

zones::parse_options with_include() {
  auto o = options();
  o.allow_include = true;
  return o;
}

}  // namespace

TEST_CASE("$INCLUDE with an origin, nested, relative to the including file", "[unit][parser]") {
  const auto p = parse_file("include_main.zone", with_include());
  INFO(p.messages().size());
  REQUIRE(p.result.ok());
  CHECK(p.lines == Lines{
                       "main.example. 300 IN A 192.0.2.1",
                       "child.example. 300 IN A 192.0.2.10",
                       "www.child.example. 60 IN CNAME child.example.",
                       "gc.child.example. 300 IN A 192.0.2.11",
                       "main.example. 300 IN TXT \"blank owner after the include\"",
                       "after.example. 300 IN A 192.0.2.2",
                       "example. 300 IN NS ns.example.",
                   });
}

TEST_CASE("$INCLUDE nesting is bounded", "[unit][parser]") {
  auto o = with_include();
  o.max_include_depth = 1;
  const auto p = parse_file("include_main.zone", o);
  REQUIRE(p.result.error_count == 1);
  CHECK(p.messages()[0] == data_dir + "sub/child.zone:3:10: error: $INCLUDE nested deeper than 1 files");
  CHECK(p.result.record_count == 6);
}

TEST_CASE("$INCLUDE loops are detected", "[unit][parser]") {
  const auto p = parse_file("loop_a.zone", with_include());
  REQUIRE(p.result.error_count == 1);
  CHECK(p.errors()[0] == data_dir + "loop_b.zone:2:10: error: $INCLUDE loop: '" + data_dir +
                               "loop_a.zone' is already being read");
  CHECK(p.lines == Lines{"b.example. 3600 IN A 192.0.2.1"});
}

TEST_CASE("$INCLUDE of a missing file is an error at the directive", "[unit][parser]") {
  const auto p = parse_file("include_missing.zone", with_include());
  REQUIRE(p.result.error_count == 1);
  CHECK(p.errors()[0].rfind(data_dir + "include_missing.zone:2:10: error: cannot read $INCLUDE file '", 0) == 0);
  CHECK(p.result.record_count == 1);
}

TEST_CASE("$INCLUDE is refused unless allowed", "[unit][parser]") {
  const auto p = parse_file("include_main.zone", options());
  REQUIRE(p.result.error_count == 1);
  CHECK(p.messages()[0] == data_dir + "include_main.zone:5:1: error: $INCLUDE is not allowed here");
}

TEST_CASE("parse_file reports a file it cannot read", "[unit][parser]") {
  const auto p = parse_file("no-such-file.zone", options());
  REQUIRE(p.result.diagnostics.size() == 1);
  CHECK(p.result.diagnostics[0].line == 0);
  CHECK(p.messages()[0].rfind(data_dir + "no-such-file.zone: error: cannot read: ", 0) == 0);
}
