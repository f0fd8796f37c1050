// BIND's $GENERATE: ranges with steps, `$`, `${offset,width,base}`, `\$`, and its bounds.
#include <catch2/catch.hpp>

#include <string>

#include "parser_test_util.hpp"

using namespace dnskit;
using parser_test::options;
using parser_test::parse;
using Lines = std::vector<std::string>;

TEST_CASE("$GENERATE: name servers numbered by the iterator", "[unit][parser][generate]") {
  const auto p = parse("$TTL 60\n$GENERATE 1-3 @ NS ns$.example.\n");
  REQUIRE(p.result.ok());
  CHECK(p.lines == Lines{"example. 60 IN NS ns1.example.", "example. 60 IN NS ns2.example.",
                         "example. 60 IN NS ns3.example."});
}

TEST_CASE("$GENERATE: classless reverse delegation CNAMEs (RFC 2317 style)", "[unit][parser][generate]") {
  const auto p = parse("$TTL 60\n$GENERATE 1-4/2 $ CNAME $.0-63\n", options("2.0.192.in-addr.arpa."));
  REQUIRE(p.result.ok());
  CHECK(p.lines == Lines{"1.2.0.192.in-addr.arpa. 60 IN CNAME 1.0-63.2.0.192.in-addr.arpa.",
                         "3.2.0.192.in-addr.arpa. 60 IN CNAME 3.0-63.2.0.192.in-addr.arpa."});
}

TEST_CASE("$GENERATE: offset, width and base", "[unit][parser][generate]") {
  const auto p = parse("$GENERATE 8-10 host${0,3,d} 300 IN A 10.0.0.$\n"
                       "$GENERATE 10-11 h${-10,2,x}-${5,4,X}-${0,0,o} TXT \"$\"\n");
  REQUIRE(p.result.ok());
  CHECK(p.lines == Lines{"host008.example. 300 IN A 10.0.0.8", "host009.example. 300 IN A 10.0.0.9",
                         "host010.example. 300 IN A 10.0.0.10",
                         "h00-000F-12.example. 300 IN TXT \"10\"", "h01-0010-13.example. 300 IN TXT \"11\""});
}

TEST_CASE("$GENERATE: reversed nibbles for ip6.arpa", "[unit][parser][generate]") {
  // Width counts characters, dots included, and pads with zero nibbles (as BIND).
  const auto p = parse("$TTL 1\n$GENERATE 26-27 ${0,3,n} PTR host$.example.\n$GENERATE 255-255 ${0,0,N} PTR x.\n"
                       "$GENERATE 1-1 ${0,3,n}.z PTR y.\n",
                       options("ip6.arpa."));
  REQUIRE(p.result.ok());
  CHECK(p.lines == Lines{"a.1.ip6.arpa. 1 IN PTR host26.example.", "b.1.ip6.arpa. 1 IN PTR host27.example.",
                         "F.F.ip6.arpa. 1 IN PTR x.", "1.0.z.ip6.arpa. 1 IN PTR y."});
}

TEST_CASE("$GENERATE: an escaped dollar (backslash, dollar) is a literal dollar",
          "[unit][parser][generate]") {
  const auto p = parse("$TTL 1\n$GENERATE 1-1 x$ TXT \"cost \\$$\"\n");
  REQUIRE(p.result.ok());
  // The quoted field is read again after expansion, as BIND does: two strings.
  CHECK(p.lines == Lines{"x1.example. 1 IN TXT \"cost\" \"$1\""});
}

TEST_CASE("$GENERATE: a quoted field is read again after expansion", "[unit][parser][generate]") {
  const auto p = parse("$TTL 1\n$GENERATE 1-2 m$ MX \"1$ mail$\"\n$GENERATE 7-7 t$ TXT \"a $\"\n");
  REQUIRE(p.result.ok());
  CHECK(p.lines == Lines{"m1.example. 1 IN MX 11 mail1.example.", "m2.example. 1 IN MX 12 mail2.example.",
                         "t7.example. 1 IN TXT \"a\" \"7\""});
}

TEST_CASE("$GENERATE does not change the previous owner", "[unit][parser][generate]") {
  const auto p = parse("$TTL 1\nkeep A 192.0.2.1\n$GENERATE 1-2 g$ A 192.0.2.$\n TXT \"k\"\n");
  REQUIRE(p.result.ok());
  CHECK(p.lines.back() == "keep.example. 1 IN TXT \"k\"");
}

TEST_CASE("$GENERATE errors", "[unit][parser][generate]") {
  const auto first = [](std::string_view text, const zones::parse_options& o = options()) {
    const auto p = parse(text, o);
    REQUIRE_FALSE(p.result.ok());
    return p.messages().front();
  };
  CHECK(first("$GENERATE 5-1 x A 1.2.3.4\n") == "t.zone:1:11: error: bad $GENERATE range '5-1'");
  CHECK(first("$GENERATE 1-2/0 x A 1.2.3.4\n") == "t.zone:1:11: error: bad $GENERATE range '1-2/0'");
  CHECK(first("$GENERATE x y A 1.2.3.4\n") == "t.zone:1:11: error: bad $GENERATE range 'x'");
  CHECK(first("$GENERATE 1-2 x${1 A 1.2.3.4\n") ==
        "t.zone:1:15: error: bad $GENERATE template 'x${1': '{' without '}'");
  CHECK(first("$GENERATE 1-2 x${1,2,q} A 1.2.3.4\n") ==
        "t.zone:1:15: error: bad $GENERATE template 'x${1,2,q}': bad base (one of d, o, x, X, n, N)");
  CHECK(first("$GENERATE 1-2 x A\n") == "t.zone:1:18: error: missing argument to $GENERATE (range lhs [ttl] [class] type rhs)");
  auto small = options();
  small.max_generate = 10;
  CHECK(first("$GENERATE 1-11 x$ A 1.2.3.4\n", small) ==
        "t.zone:1:11: error: $GENERATE range '1-11' makes more than 10 records");
  // A bad record stops the line after one error, not one per value.
  const auto p = parse("$TTL 1\n$GENERATE 1-100 x$ A 1.2.3.$00\n");
  CHECK(p.result.error_count == 1);
  CHECK(p.messages()[0].rfind("t.zone:2:22: error: bad A data '1.2.3.300'", 0) == 0);
  CHECK(p.result.record_count == 2);
}
