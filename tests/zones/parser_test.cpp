// The master file syntax of RFC 1035 §5 (and RFC 2308's $TTL), one rule per test case.
#include <catch2/catch.hpp>

#include <string>

#include "dnskit/dns/errc.hpp"
#include "dnskit/dns/rdata.hpp"
#include "parser_test_util.hpp"

using namespace dnskit;
using parser_test::options;
using parser_test::parse;
using Lines = std::vector<std::string>;

TEST_CASE("records with every field given", "[unit][parser]") {
  const auto p = parse("www.example. 300 IN A 192.0.2.1\n"
                       "www.example. 300 IN AAAA 2001:db8::1\n");
  REQUIRE(p.result.ok());
  CHECK(p.result.record_count == 2);
  CHECK(p.lines == Lines{"www.example. 300 IN A 192.0.2.1", "www.example. 300 IN AAAA 2001:db8::1"});
}

TEST_CASE("parentheses join lines and comments are dropped anywhere", "[unit][parser]") {
  const auto p = parse("$TTL 1h ; default TTL\n"
                       "@ IN SOA ns1 hostmaster ( ; the SOA\n"
                       "   2024010101 ; serial\n"
                       "   3h 1h ; refresh, retry\n"
                       "   1w\n"
                       "   300 ) ; minimum\n"
                       "; a comment line\n"
                       "\n"
                       "   NS ns1 ; blank owner\n");
  REQUIRE(p.result.ok());
  CHECK(p.lines == Lines{
                       "example. 3600 IN SOA ns1.example. hostmaster.example. 2024010101 10800 3600 604800 300",
                       "example. 3600 IN NS ns1.example.",
                   });
}

TEST_CASE("a blank owner is the previous record's owner", "[unit][parser]") {
  const auto p = parse("$TTL 60\nhost A 192.0.2.1\n\tAAAA 2001:db8::1\n  TXT \"x\"\nother A 192.0.2.2\n A 192.0.2.3\n");
  REQUIRE(p.result.ok());
  CHECK(p.lines == Lines{"host.example. 60 IN A 192.0.2.1", "host.example. 60 IN AAAA 2001:db8::1",
                         "host.example. 60 IN TXT \"x\"", "other.example. 60 IN A 192.0.2.2",
                         "other.example. 60 IN A 192.0.2.3"});
}

TEST_CASE("@, relative and absolute names, and $ORIGIN", "[unit][parser]") {
  const auto p = parse("$TTL 60\n"
                       "@ NS ns1\n"
                       "a CNAME b.other.\n"
                       "$ORIGIN sub\n"  // relative: completed with the current origin
                       "@ MX 10 mail\n"
                       "$ORIGIN other.test.\n"
                       "c PTR @\n");
  REQUIRE(p.result.ok());
  CHECK(p.lines == Lines{"example. 60 IN NS ns1.example.", "a.example. 60 IN CNAME b.other.",
                         "sub.example. 60 IN MX 10 mail.sub.example.",
                         "c.other.test. 60 IN PTR other.test."});
}

TEST_CASE("TTL units, case-insensitive, and TTL and class in either order", "[unit][parser]") {
  const auto p = parse("a 1w2d3h4m5s IN A 192.0.2.1\n"
                       "b IN 1H30M A 192.0.2.2\n"
                       "c 2D CH TXT \"chaos\"\n"
                       "d 90 A 192.0.2.3\n"
                       "e 1h30m A 192.0.2.4\n");
  REQUIRE(p.result.ok());
  CHECK(p.lines == Lines{"a.example. 788645 IN A 192.0.2.1", "b.example. 5400 IN A 192.0.2.2",
                         "c.example. 172800 CH TXT \"chaos\"", "d.example. 90 CH A 192.0.2.3",
                         "e.example. 5400 CH A 192.0.2.4"});
}

TEST_CASE("a number without a unit after one with a unit is no TTL, as in BIND", "[unit][parser]") {
  // named-checkzone -i local refuses "1h30" in the TTL column (unknown class/type), in $TTL
  // (bad ttl) and in an SOA timer (syntax error); it was read as 3630 s in the TTL column.
  CHECK_FALSE(parse("e 1h30 A 192.0.2.4\n").result.ok());
  CHECK_FALSE(parse("$TTL 1h30\ne A 192.0.2.4\n").result.ok());
  CHECK_FALSE(parse("@ 60 SOA ns1 host 1 1h30 3600 1209600 300\n").result.ok());
  const auto p = parse("$TTL 1h30m\ne A 192.0.2.4\n");
  REQUIRE(p.result.ok());
  CHECK(p.lines == Lines{"e.example. 5400 IN A 192.0.2.4"});
}

TEST_CASE("the TTL column and dns::rdata_from_text's SOA timers read durations alike", "[unit][parser]") {
  const auto origin = dns::name::from_text("example.");
  for (const std::string text : {"0", "90", "4294967295", "4294967296", "1h30", "1h30m", "1H30M",
                                 "1w2d3h4m5s", "30m1h", "h", "1x", "1h30mm", "-1",
                                 "99999999999s", "4294967295s", "1d1"}) {
    INFO(text);
    const auto zone = parse("e " + text + " A 192.0.2.4\n");
    dns::rdata_bytes rdata;
    const auto ec = dns::rdata_from_text(dns::rr_type::soa, "ns1 host 1 " + text + " 3600 1209600 300",
                                         origin, rdata);
    const bool zone_ok = zone.result.ok() && zone.records.size() == 1;
    CHECK(zone_ok == !ec);
    if (zone_ok && !ec) {
      const auto soa = dns::soa(rdata);
      REQUIRE(soa);
      // RFC 2181 §8: a TTL with the top bit set counts as zero; an SOA timer keeps its value.
      CHECK(zone.records[0].ttl == (soa->refresh > 0x7fffffffu ? 0 : soa->refresh));
    }
  }
}

TEST_CASE("TTL inheritance: explicit, then $TTL, then the previous explicit TTL", "[unit][parser]") {
  SECTION("$TTL applies to records without a TTL, an explicit TTL does not change it") {
    const auto p = parse("$TTL 100\na A 192.0.2.1\nb 200 A 192.0.2.2\nc A 192.0.2.3\n$TTL 1m\nd A 192.0.2.4\n");
    REQUIRE(p.result.ok());
    CHECK(p.result.warning_count == 0);
    CHECK(p.lines == Lines{"a.example. 100 IN A 192.0.2.1", "b.example. 200 IN A 192.0.2.2",
                           "c.example. 100 IN A 192.0.2.3", "d.example. 60 IN A 192.0.2.4"});
  }
  SECTION("without $TTL the previous explicit TTL carries on (RFC 1035 §5.1)") {
    const auto p = parse("a 200 A 192.0.2.1\nb A 192.0.2.2\nc 300 A 192.0.2.3\nd A 192.0.2.4\n");
    REQUIRE(p.result.ok());
    CHECK(p.result.warning_count == 0);
    CHECK(p.lines == Lines{"a.example. 200 IN A 192.0.2.1", "b.example. 200 IN A 192.0.2.2",
                           "c.example. 300 IN A 192.0.2.3", "d.example. 300 IN A 192.0.2.4"});
  }
  SECTION("no TTL anywhere: an SOA takes its MINIMUM, with a warning, and so do later records") {
    const auto p = parse("@ SOA ns hm 1 2 3 4 500\n NS ns\n");
    REQUIRE(p.result.ok());
    REQUIRE(p.result.diagnostics.size() == 1);
    CHECK(p.messages()[0] == "t.zone:1:3: warning: no TTL and no $TTL: using the SOA MINIMUM 500");
    CHECK(p.lines[1] == "example. 500 IN NS ns.example.");
  }
  SECTION("no TTL anywhere and no SOA first: the configured default, with a warning") {
    auto o = options();
    o.default_ttl = 1234;
    const auto p = parse("a A 192.0.2.1\nb A 192.0.2.2\n", o);
    REQUIRE(p.result.ok());
    CHECK(p.result.warning_count == 1);
    CHECK(p.lines == Lines{"a.example. 1234 IN A 192.0.2.1", "b.example. 1234 IN A 192.0.2.2"});
  }
  SECTION("a TTL above 2^31-1 is used as 0 with a warning (RFC 2181 §8)") {
    const auto p = parse("a 4294967295 A 192.0.2.1\n");
    REQUIRE(p.result.ok());
    CHECK(p.result.warning_count == 1);
    CHECK(p.lines == Lines{"a.example. 0 IN A 192.0.2.1"});
  }
}

TEST_CASE("the class is inherited from the previous record", "[unit][parser]") {
  const auto p = parse("$TTL 1\na CH TXT \"x\"\nb TXT \"y\"\nc CLASS3 TXT \"z\"\nd IN A 192.0.2.1\ne A 192.0.2.2\n");
  REQUIRE(p.result.ok());
  CHECK(p.lines == Lines{"a.example. 1 CH TXT \"x\"", "b.example. 1 CH TXT \"y\"",
                         "c.example. 1 CH TXT \"z\"", "d.example. 1 IN A 192.0.2.1",
                         "e.example. 1 IN A 192.0.2.2"});
}

TEST_CASE("quoted strings keep spaces, semicolons and parentheses, escapes work", "[unit][parser]") {
  const auto p = parse("$TTL 1\n"
                       "t TXT \"a b; (c)\" plain \"q\\\"uote\" \"\\065\\066\" \"\"\n"
                       "e\\.dot TXT x\\ y\n"
                       "\\065bc A 192.0.2.1\n");
  REQUIRE(p.result.ok());
  REQUIRE(p.records.size() == 3);
  const auto strings = dns::txt_strings(p.records[0].rdata);
  REQUIRE(strings);
  CHECK(*strings == std::vector<std::string>{"a b; (c)", "plain", "q\"uote", "AB", ""});
  CHECK(p.records[1].owner.label_count() == 2);
  CHECK(p.records[1].owner.label(0) == "e.dot");
  CHECK(*dns::txt_strings(p.records[1].rdata) == std::vector<std::string>{"x y"});
  CHECK(p.records[2].owner.label(0) == "Abc");
}

TEST_CASE("RFC 3597 generic types and classes", "[unit][parser]") {
  const auto p = parse("$TTL 1\n"
                       "a TYPE65280 \\# 4 0A000001\n"
                       "b CLASS1 TYPE1 \\# 4 C0000201\n"
                       "c A \\# 4 C0000202\n"
                       "d TYPE65281 \\# 0\n");
  REQUIRE(p.result.ok());
  CHECK(p.lines == Lines{"a.example. 1 IN TYPE65280 \\# 4 0A000001", "b.example. 1 IN A 192.0.2.1",
                         "c.example. 1 IN A 192.0.2.2", "d.example. 1 IN TYPE65281 \\# 0"});
}

TEST_CASE("the fast paths give the same rdata as dns::rdata_from_text", "[unit][parser]") {
  const std::pair<const char*, const char*> cases[] = {
      {"A", "192.0.2.1"},       {"A", "0.0.0.0"},        {"A", "255.255.255.255"},
      {"AAAA", "2001:db8::1"},  {"AAAA", "::"},          {"AAAA", "::ffff:192.0.2.1"},
      {"AAAA", "FE80::A:b:C"},  {"NS", "ns1"},           {"NS", "ns1.other."},
      {"CNAME", "@"},           {"CNAME", "a.b.c"},      {"PTR", "."},
      {"DNAME", "x.y."},        {"MX", "0 ."},           {"MX", "65535 mail"},
      {"TXT", "\"a b\" c \"\""}, {"TXT", "plain"},       {"SPF", "\"v=spf1 -all\""},
  };
  for (const auto& [type, text] : cases) {
    INFO(type << " " << text);
    const auto p = parse(std::string("x 1 IN ") + type + " " + text + "\n");
    REQUIRE(p.result.ok());
    REQUIRE(p.records.size() == 1);
    dns::rdata_bytes expected;
    REQUIRE_FALSE(dns::rdata_from_text(*dns::rr_type_from_string(type), text,
                                       dns::name::from_text("example."), expected));
    CHECK(p.records[0].rdata == expected);
  }
}

TEST_CASE("every type dns/ knows goes through", "[unit][parser]") {
  const auto p = parse("$TTL 1\n"
                       "_sip._tcp SRV 0 5 5060 sip\n"
                       "n NAPTR 100 10 \"U\" \"E2U+sip\" \"!^.*$!sip:info@example.com!\" .\n"
                       "c CAA 0 issue \"ca.example\"\n"
                       "h HINFO \"PC\" \"Linux\"\n"
                       "s SSHFP 2 1 123456789abcdef67890123456789abcdef67890\n"
                       "d DS 60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118\n");
  INFO(p.messages().size());
  REQUIRE(p.result.ok());
  CHECK(p.result.record_count == 6);
}

TEST_CASE("errors carry file:line:column and the offending token", "[unit][parser]") {
  const auto one = [](std::string_view text) {
    const auto p = parse(text);
    REQUIRE_FALSE(p.result.ok());
    return p.messages().front();
  };
  CHECK(one("$TTL 1\nx AAA 192.0.2.1\n") == "t.zone:2:3: error: unknown type 'AAA'");
  CHECK(one("x 1x A 192.0.2.1\n") == "t.zone:1:3: error: bad TTL '1x'");
  CHECK(one("$TTL 1\nx IN\n") == "t.zone:2:5: error: missing record type");
  CHECK(one("$TTL 1\nx A 192.0.2.256\n") ==
        "t.zone:2:5: error: bad A data '192.0.2.256': " + make_error_code(dns::errc::bad_address).message());
  CHECK(one("$TTL 1\nx MX 10\n").rfind("t.zone:2:", 0) == 0);
  CHECK(one("$TTL 1\nx TXT \"open\n") == "t.zone:2:7: error: unterminated quoted string");
  CHECK(one("$TTL 1\nx SOA ns hm (\n 1 2 3 4\n") ==
        "t.zone:2:13: error: '(' not closed before the end of the file");
  CHECK(one("x 1 A ( ( 192.0.2.1 ) )\n") == "t.zone:1:9: error: nested '('");
  CHECK(one("x 1 A 192.0.2.1 )\n") == "t.zone:1:17: error: ')' without '('");
  CHECK(one("  A 192.0.2.1\n") ==
        "t.zone:1:3: error: no owner name, and no previous record to take it from");
  CHECK(one("$TTL 1\n$FOO bar\n") == "t.zone:2:1: error: unknown directive '$FOO'");
  CHECK(one("$ORIGIN\n") == "t.zone:1:8: error: missing argument to $ORIGIN");
  CHECK(one("$TTL 1 2\n") == "t.zone:1:8: error: unexpected '2' after $TTL");
  CHECK(one("$TTL forever\n") == "t.zone:1:6: error: bad $TTL 'forever'");
  CHECK(one("$INCLUDE other.zone\n") == "t.zone:1:1: error: $INCLUDE is not allowed here");
  CHECK(one("a..b 1 A 192.0.2.1\n").rfind("t.zone:1:1: error: bad owner name 'a..b'", 0) == 0);
  CHECK(one("x 1 ANY \\# 0\n") == "t.zone:1:5: error: type 'ANY' cannot appear in zone data");
  CHECK(one("$TTL 1\nx 1 \"A\" 192.0.2.1\n") == "t.zone:2:5: error: unknown type 'A'");
  CHECK(one("\"x\" 1 A 192.0.2.1\n") == "t.zone:1:1: error: an owner name cannot be quoted");
}

TEST_CASE("unprintable bytes in messages are escaped and long tokens cut", "[unit][parser]") {
  const auto p = parse(std::string("$TTL 1\nx 1 A\x01\xff 1\n") + "y 1 " + std::string(100, 'Z') + " 1\n");
  REQUIRE(p.result.error_count == 2);
  CHECK(p.messages()[0] == "t.zone:2:5: error: unknown type 'A\\001\\255'");
  // At most 32 bytes of a token are quoted: it may come from a file that holds secrets.
  CHECK(p.messages()[1] == "t.zone:3:5: error: unknown type '" + std::string(32, 'Z') + "...'");
}

TEST_CASE("the parser keeps going after an error, up to max_errors", "[unit][parser]") {
  SECTION("bad records are skipped, good ones kept") {
    const auto p = parse("$TTL 1\na A 192.0.2.1\nb AAA x\nc A 192.0.2.3\nd A (\n bad\n)\ne A 192.0.2.5\n");
    CHECK(p.result.error_count == 2);
    CHECK(p.lines == Lines{"a.example. 1 IN A 192.0.2.1", "c.example. 1 IN A 192.0.2.3",
                           "e.example. 1 IN A 192.0.2.5"});
    CHECK(p.messages()[1].rfind("t.zone:6:2: error: bad A data 'bad'", 0) == 0);
  }
  SECTION("stops after max_errors with a final note") {
    auto o = options();
    o.max_errors = 3;
    std::string text = "$TTL 1\n";
    for (int i = 0; i < 10; ++i) text += "x 1 BOGUS 1\n";
    text += "y 1 A 192.0.2.1\n";
    const auto p = parse(text, o);
    CHECK(p.result.error_count == 4);
    REQUIRE(p.result.diagnostics.size() == 4);
    CHECK(p.messages().back() == "t.zone:4:5: error: too many errors, stopped reading");
    CHECK(p.result.record_count == 0);
  }
}

TEST_CASE("directive names are case-insensitive and CRLF line ends work", "[unit][parser]") {
  const auto p = parse("$ttl 5\r\n$origin test.\r\na A 192.0.2.1\r\n\tTXT \"x\"\r\n");
  REQUIRE(p.result.ok());
  CHECK(p.lines == Lines{"a.test. 5 IN A 192.0.2.1", "a.test. 5 IN TXT \"x\""});
}

TEST_CASE("hostile bytes end in errors, never a crash or a hang", "[unit][parser]") {
  const std::string inputs[] = {
      std::string("a\0b 1 A 1.2.3.4\n\0\0\0", 20),
      "\\",
      "(",
      ")",
      "\"",
      "x 1 TXT \"\\",
      "x 1 A \\",
      "$GENERATE 1-2",
      "$GENERATE 1-5 ${ A 1.2.3.4",
      "$GENERATE 5-1 x A 1.2.3.4",
      "$GENERATE 0-4294967295 x A 1.2.3.4",
      std::string(1 << 20, 'a'),
      std::string(1 << 16, '(') + "\n",
      "x 1 TXT " + std::string(200000, 'b') + "\n",
      "x 1 TXT " + [] { std::string s; for (int i = 0; i < 80000; ++i) s += "a "; return s; }() + "\n",
      "$ORIGIN " + std::string(300, 'a') + "\n",
  };
  for (const auto& text : inputs) {
    const auto p = parse(text);
    CHECK_FALSE(p.result.ok());
  }
}

TEST_CASE("diagnostic::to_string", "[unit][parser]") {
  zones::diagnostic d{"f.zone", 3, 7, "unknown type 'AAA'", true};
  CHECK(d.to_string() == "f.zone:3:7: error: unknown type 'AAA'");
  d.is_error = false;
  d.column = 0;
  CHECK(d.to_string() == "f.zone:3: warning: unknown type 'AAA'");
  d.line = 0;
  CHECK(d.to_string() == "f.zone: warning: unknown type 'AAA'");
}

namespace {

// Each record handed on as "owner TYPE @ file:line:column".
struct placed {
  zones::parse_result result;
  Lines places;
};

std::string place_of(const dns::record& r, const zones::record_position& at) {
  return r.owner.to_text() + " " + dns::to_string(r.type) + " @ " + std::string(at.file) + ":" +
         std::to_string(at.line) + ":" + std::to_string(at.column);
}

}  // namespace

TEST_CASE("each record comes with the place its entry starts", "[unit][parser]") {
  placed p;
  p.result = zones::parse_text("$TTL 60\n"
                               "www A 192.0.2.1\n"
                               "\tAAAA 2001:db8::1\n"       // blank owner: the first field
                               "  60 IN TXT \"x\"\n"
                               "\n"
                               "; a comment\n"
                               "mx (\n"                     // parentheses: where the entry starts
                               "  MX 10 mail )\n"
                               "bad A 192.0.2.300\n"        // not handed on
                               "$GENERATE 1-2 h$ A 192.0.2.$\n"
                               "last A 192.0.2.9",          // no final newline
                               "t.zone", options(),
                               [&](const dns::record& r, const zones::record_position& at) {
                                 p.places.push_back(place_of(r, at));
                               });
  CHECK(p.result.error_count == 1);
  CHECK(p.places == Lines{"www.example. A @ t.zone:2:1", "www.example. AAAA @ t.zone:3:2",
                          "www.example. TXT @ t.zone:4:3", "mx.example. MX @ t.zone:7:1",
                          "h1.example. A @ t.zone:10:1", "h2.example. A @ t.zone:10:1",
                          "last.example. A @ t.zone:11:1"});
}

TEST_CASE("records from an $INCLUDE file carry that file's name", "[unit][parser]") {
  const std::string dir = std::string(DNSKIT_TEST_DATA_DIR) + "/parser/";
  auto o = options();
  o.allow_include = true;
  placed p;
  p.result = zones::parse_file(dir + "include_main.zone", o,
                               [&](const dns::record& r, const zones::record_position& at) {
                                 p.places.push_back(place_of(r, at));
                               });
  REQUIRE(p.result.ok());
  const std::string main = dir + "include_main.zone";
  const std::string child = dir + "sub/child.zone";
  const std::string grandchild = dir + "sub/grandchild.zone";
  CHECK(p.places == Lines{"main.example. A @ " + main + ":4:1",
                          "child.example. A @ " + child + ":1:1",
                          "www.child.example. CNAME @ " + child + ":2:1",
                          "gc.child.example. A @ " + grandchild + ":1:1",
                          "main.example. TXT @ " + main + ":6:3",
                          "after.example. A @ " + main + ":7:1",
                          "example. NS @ " + main + ":8:1"});
}

TEST_CASE("a sink without the place still gets every record", "[unit][parser]") {
  std::size_t n = 0;
  const auto r = zones::parse_text("a 60 A 192.0.2.1\nb 60 A 192.0.2.2\n", "t.zone", options(),
                                   [&](const dns::record&) { ++n; });
  CHECK(r.ok());
  CHECK(r.record_count == 2);
  CHECK(n == 2);
}
