#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <string>
#include <unordered_set>
#include <vector>

#include "dnskit/dns/errc.hpp"
#include "dnskit/dns/name.hpp"

using dnskit::dns::errc;
using dnskit::dns::name;

namespace {

using bytes = std::vector<std::uint8_t>;

name parse(std::string_view text) { return name::from_text(text); }

std::error_code parse_error(std::string_view text, const name& origin = name{}) {
  std::error_code ec;
  (void)name::from_text(text, origin, ec);
  return ec;
}

bytes wire_of(const name& n) { return bytes(n.wire().begin(), n.wire().end()); }

// Reads a name at `offset` of `msg`; returns the error (and the name/offset through out params).
std::error_code read_at(const bytes& msg, std::size_t offset, name* out = nullptr, std::size_t* end = nullptr) {
  std::error_code ec;
  name n = name::read(msg, offset, ec);
  if (out) *out = n;
  if (end) *end = offset;
  return ec;
}

bytes label_bytes(std::size_t len, std::uint8_t fill = 'a') {
  bytes b{static_cast<std::uint8_t>(len)};
  b.insert(b.end(), len, fill);
  return b;
}

}  // namespace

TEST_CASE("name: presentation parse and print", "[unit]") {
  CHECK(name{}.to_text() == ".");
  CHECK(parse(".").is_root());
  CHECK(parse("www.Example.COM.").to_text() == "www.Example.COM.");
  CHECK(wire_of(parse("a.bc.")) == bytes{1, 'a', 2, 'b', 'c', 0});
  CHECK(parse("www.example.").label_count() == 2);
  CHECK(parse("www.example.").label(1) == "example");
  CHECK(parse(".").label_count() == 0);
}

TEST_CASE("name: escapes round-trip", "[unit]") {
  name n = parse("a\\.b.c\\\\d.\\032\\009x.");
  REQUIRE(n.label_count() == 3);
  CHECK(n.label(0) == "a.b");
  CHECK(n.label(1) == "c\\d");
  CHECK(n.label(2) == std::string(" \tx"));
  CHECK(n.to_text() == "a\\.b.c\\\\d.\\032\\009x.");
  // Master-file specials are escaped as BIND prints them; other bytes as \DDD.
  CHECK(parse("\\\"\\(\\)\\;\\@\\$.").to_text() == "\\\"\\(\\)\\;\\@\\$.");
  CHECK(parse("\\255\\127.").to_text() == "\\255\\127.");
  CHECK(parse("\\065.").to_text() == "A.");
  CHECK(parse_error("a\\25.") == errc::bad_escape);
  CHECK(parse_error("a\\256.") == errc::bad_escape);
  CHECK(parse_error("a\\") == errc::bad_escape);
}

TEST_CASE("name: relative names and @ use the origin", "[unit]") {
  name origin = parse("example.com.");
  std::error_code ec;
  CHECK(name::from_text("www", origin, ec).to_text() == "www.example.com.");
  CHECK_FALSE(ec);
  CHECK(name::from_text("@", origin, ec) == origin);
  CHECK(name::from_text("a.b.", origin, ec).to_text() == "a.b.");
  CHECK(name::from_text("x", name{}, ec).to_text() == "x.");
}

TEST_CASE("name: presentation errors", "[unit]") {
  CHECK(parse_error("") == errc::empty_label);
  CHECK(parse_error("a..b") == errc::empty_label);
  CHECK(parse_error(".a") == errc::empty_label);
  CHECK(parse_error("..") == errc::empty_label);
  CHECK(parse_error(std::string(63, 'a') + ".") == std::error_code{});
  CHECK(parse_error(std::string(64, 'a') + ".") == errc::label_too_long);
  // 4 labels of 63 + 3 octets = 4*64 + 1 = 257 > 255
  std::string long_name;
  for (int i = 0; i < 4; ++i) long_name += std::string(63, 'a') + ".";
  CHECK(parse_error(long_name) == errc::name_too_long);
  // Exactly 255 octets: 3*64 + 62 (1+61) + 1
  std::string max_name = std::string(63, 'a') + "." + std::string(63, 'b') + "." + std::string(63, 'c') + "." +
                         std::string(61, 'd') + ".";
  std::error_code ec;
  name m = name::from_text(max_name, ec);
  CHECK_FALSE(ec);
  CHECK(m.wire_size() == 255);
  CHECK(parse_error(std::string(62, 'e') + "." + max_name) == errc::name_too_long);
  // Relative name too long once the origin is appended.
  CHECK(parse_error("xx", m) == errc::name_too_long);
  CHECK_THROWS_AS(name::from_text("a..b"), std::system_error);
}

TEST_CASE("name: text with and without escapes meets the same limits", "[unit]") {
  // Plain text (no backslash, under 255 characters) takes a shorter path than escaped text;
  // "\097" is 'a' and "\." a dot inside a label, so each pair must give the same outcome.
  const std::string a63(63, 'a'), a62(62, 'a');
  const std::string e63 = "\\097" + a62;  // 63 octets, escaped
  CHECK(parse_error(a63) == std::error_code{});
  CHECK(parse_error(e63) == std::error_code{});
  CHECK(parse_error(a63 + "a") == errc::label_too_long);   // last label of a relative name
  CHECK(parse_error(e63 + "a") == errc::label_too_long);
  CHECK(parse_error("b." + a63 + "a") == errc::label_too_long);
  CHECK(parse_error("b." + a63 + "a.") == errc::label_too_long);
  CHECK(parse_error("b." + e63 + "a.") == errc::label_too_long);
  CHECK(parse_error("a.") == std::error_code{});
  CHECK(parse_error("a\\..") == std::error_code{});
  CHECK(parse_error("a.b..") == errc::empty_label);
  CHECK(parse_error("a\\.b..") == errc::empty_label);
  CHECK(name::from_text("Host1.Example.") == name::from_text("\\072ost1.Example."));
  CHECK(name::from_text("a\\.b.c.").label_count() == 2);
  // 254 characters (the longest plain text) and 255 characters (escaped path).
  const std::string l254 = a63 + "." + a63 + "." + a63 + "." + std::string(62, 'a');
  REQUIRE(l254.size() == 254);
  CHECK(parse_error(l254) == errc::name_too_long);  // relative: 255 octets + the root
  CHECK(parse_error(l254.substr(0, 253) + ".") == std::error_code{});  // 255 octets
  CHECK(parse_error(l254 + ".") == errc::name_too_long);  // 255 characters: 256 octets
}

TEST_CASE("name: from_wire is strict", "[unit]") {
  std::error_code ec;
  CHECK(name::from_wire(bytes{1, 'a', 0}, ec).to_text() == "a.");
  CHECK_FALSE(ec);
  (void)name::from_wire(bytes{1, 'a'}, ec);
  CHECK(ec == errc::short_read);
  (void)name::from_wire(bytes{1, 'a', 0, 0}, ec);
  CHECK(ec == errc::trailing_data);
  (void)name::from_wire(bytes{0xC0, 0}, ec);
  CHECK(ec == errc::bad_pointer);
  (void)name::from_wire(bytes{0x80, 0}, ec);
  CHECK(ec == errc::bad_label_type);
}

TEST_CASE("name: compressed read follows backward pointers", "[unit]") {
  // RFC 1035 §4.1.4: F.ISI.ARPA at 20, FOO.F.ISI.ARPA at 40, ARPA at 64 (pointer to 26).
  bytes msg(20, 0xEE);
  bytes f_isi_arpa = {1, 'F', 3, 'I', 'S', 'I', 4, 'A', 'R', 'P', 'A', 0};
  msg.insert(msg.end(), f_isi_arpa.begin(), f_isi_arpa.end());
  msg.resize(40, 0xEE);
  bytes foo = {3, 'F', 'O', 'O', 0xC0, 20};
  msg.insert(msg.end(), foo.begin(), foo.end());
  msg.resize(64, 0xEE);
  msg.push_back(0xC0);
  msg.push_back(26);
  name n;
  std::size_t end = 0;
  REQUIRE_FALSE(read_at(msg, 40, &n, &end));
  CHECK(n.to_text() == "FOO.F.ISI.ARPA.");
  CHECK(end == 46);
  REQUIRE_FALSE(read_at(msg, 64, &n, &end));
  CHECK(n.to_text() == "ARPA.");
  CHECK(end == 66);
  REQUIRE_FALSE(read_at(msg, 20, &n, &end));
  CHECK(n.to_text() == "F.ISI.ARPA.");
  CHECK(end == 32);
}

TEST_CASE("name: adversarial wire names are rejected with specific errors", "[unit]") {
  SECTION("self pointer") {
    bytes msg = {0xC0, 0};
    CHECK(read_at(msg, 0) == errc::bad_pointer);
  }
  SECTION("forward pointer") {
    bytes msg = {0xC0, 2, 1, 'a', 0};
    CHECK(read_at(msg, 0) == errc::bad_pointer);
  }
  SECTION("pointer loop") {
    // Name at 2 points back to 0, whose pointer leads forward to 2 again.
    bytes msg = {0xC0, 2, 1, 'a', 0xC0, 0};
    CHECK(read_at(msg, 2) == errc::bad_pointer);
  }
  SECTION("pointer into the same name's labels") {
    bytes msg = {1, 'a', 1, 'b', 0xC0, 2};
    CHECK(read_at(msg, 0) == errc::bad_pointer);
  }
  SECTION("pointer after a jump must go further back") {
    // 0: "x" root; 3: label "a" + pointer to 0 is fine; 7: pointer to 3 fine.
    bytes msg = {1, 'x', 0, 1, 'a', 0xC0, 0, 0xC0, 3};
    name n;
    REQUIRE_FALSE(read_at(msg, 7, &n));
    CHECK(n.to_text() == "a.x.");
    // 0: pointer to 2 (forward relative to the jump target 0).
    bytes bad = {0xC0, 2, 1, 'a', 0, 0xC0, 0};
    CHECK(read_at(bad, 5) == errc::bad_pointer);
  }
  SECTION("too many hops") {
    // A chain of backward pointers, each pointing to the previous pointer.
    bytes msg = {0};
    for (int i = 0; i < 200; ++i) {
      std::size_t target = i == 0 ? 0 : msg.size() - 2;
      msg.push_back(static_cast<std::uint8_t>(0xC0 | (target >> 8)));
      msg.push_back(static_cast<std::uint8_t>(target));
    }
    CHECK(read_at(msg, msg.size() - 2) == errc::too_many_pointers);
    // 100 hops are still fine.
    CHECK_FALSE(read_at(msg, 1 + 2 * 99));
  }
  SECTION("64-octet label") {
    bytes msg = label_bytes(64);
    msg.push_back(0);
    CHECK(read_at(msg, 0) == errc::label_too_long);
  }
  SECTION("label type 10") {
    bytes msg = {0x80, 0};
    CHECK(read_at(msg, 0) == errc::bad_label_type);
  }
  SECTION("256-octet name") {
    bytes msg;
    for (int i = 0; i < 3; ++i) {
      bytes l = label_bytes(63);
      msg.insert(msg.end(), l.begin(), l.end());
    }
    bytes l = label_bytes(62);  // 3*64 + 63 = 255 octets of labels + root = 256
    msg.insert(msg.end(), l.begin(), l.end());
    msg.push_back(0);
    CHECK(read_at(msg, 0) == errc::name_too_long);
    // One octet less is the 255-octet maximum.
    bytes ok(msg.begin(), msg.begin() + 192);
    bytes l61 = label_bytes(61);
    ok.insert(ok.end(), l61.begin(), l61.end());
    ok.push_back(0);
    name n;
    REQUIRE_FALSE(read_at(ok, 0, &n));
    CHECK(n.wire_size() == 255);
  }
  SECTION("256-octet name through pointers") {
    bytes msg;
    for (int i = 0; i < 2; ++i) {
      bytes l = label_bytes(63);
      msg.insert(msg.end(), l.begin(), l.end());
    }
    msg.push_back(0);  // 129 octets at 0
    std::size_t second = msg.size();
    for (int i = 0; i < 2; ++i) {
      bytes l = label_bytes(63, 'b');
      msg.insert(msg.end(), l.begin(), l.end());
    }
    msg.push_back(0xC0);
    msg.push_back(0);
    CHECK(read_at(msg, second) == errc::name_too_long);
  }
  SECTION("truncated") {
    CHECK(read_at(bytes{3, 'a', 'b'}, 0) == errc::short_read);
    CHECK(read_at(bytes{1, 'a'}, 0) == errc::short_read);
    CHECK(read_at(bytes{0xC0}, 0) == errc::short_read);
    CHECK(read_at(bytes{}, 0) == errc::short_read);
  }
}

TEST_CASE("name: case-insensitive equality and hash keep the original case", "[unit]") {
  name a = parse("WWW.Example.COM.");
  name b = parse("www.example.com.");
  CHECK(a == b);
  CHECK(a.hash() == b.hash());
  CHECK(std::hash<name>{}(a) == std::hash<name>{}(b));
  CHECK_FALSE(a.identical(b));
  CHECK(a.to_text() == "WWW.Example.COM.");
  CHECK(a != parse("www.example.org."));
  CHECK(parse("a.b.") != parse("ab."));
  // Non-ASCII bytes are not folded (RFC 4343 §3).
  CHECK(parse("\\196.") != parse("\\228."));
  // Long names exercise the 8-byte folding path.
  name l1 = parse("ABCDEFGHIJKLMNOPQRSTUVWXYZ.Example-Long-Label-Here.");
  name l2 = parse("abcdefghijklmnopqrstuvwxyz.example-long-label-here.");
  CHECK(l1 == l2);
  CHECK(l1.hash() == l2.hash());
  CHECK(parse("@ZZ[.") != parse("`zz{."));  // the characters around A-Z are not folded
  std::unordered_set<name> set{a};
  CHECK(set.count(b) == 1);
  CHECK(a.lowercase().identical(b));
}

TEST_CASE("name: canonical order of RFC 4034 §6.1", "[unit]") {
  std::vector<std::string> expected = {
      "example.",          "a.example.",      "yljkjljk.a.example.", "Z.a.example.",
      "zABC.a.EXAMPLE.",   "z.example.",      "\\001.z.example.",    "*.z.example.",
      "\\200.z.example.",
  };
  std::vector<name> names;
  for (const auto& t : expected) names.push_back(parse(t));
  std::vector<name> shuffled(names.rbegin(), names.rend());
  std::swap(shuffled[1], shuffled[5]);
  std::sort(shuffled.begin(), shuffled.end());
  std::vector<std::string> got;
  for (const auto& n : shuffled) got.push_back(n.to_text());
  CHECK(got == expected);
  CHECK((parse("A.example.") <=> parse("a.EXAMPLE.")) == std::strong_ordering::equal);
  CHECK(parse(".") < parse("a."));
}

TEST_CASE("name: hierarchy helpers", "[unit]") {
  name n = parse("www.Example.com.");
  CHECK(n.is_subdomain_of(parse("example.COM.")));
  CHECK(n.is_subdomain_of(n));
  CHECK(n.is_subdomain_of(name{}));
  CHECK_FALSE(n.is_subdomain_of(parse("ample.com.")));
  CHECK_FALSE(parse("example.com.").is_subdomain_of(n));
  CHECK(n.parent().to_text() == "Example.com.");
  CHECK(n.strip_left(3).is_root());
  CHECK(n.strip_left(10).is_root());
  CHECK(parse("*.example.").is_wildcard());
  CHECK_FALSE(parse("a*.example.").is_wildcard());
  std::error_code ec;
  CHECK(n.prepend("x", ec).to_text() == "x.www.Example.com.");
  (void)n.prepend(std::string(64, 'x'), ec);
  CHECK(ec == errc::label_too_long);
  name rel = parse("a.b.");
  CHECK(rel.concat(parse("c.")  , ec).to_text() == "a.b.c.");
  CHECK_FALSE(ec);
}

TEST_CASE("name: any wire name prints and parses back identically", "[unit]") {
  std::uint64_t state = 12345;
  auto next = [&state] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return state >> 33;
  };
  for (int round = 0; round < 2000; ++round) {
    bytes wire;
    std::size_t labels = next() % 6;
    for (std::size_t i = 0; i < labels; ++i) {
      std::size_t len = 1 + next() % 63;
      if (wire.size() + 1 + len + 1 > name::max_wire_size) break;
      wire.push_back(static_cast<std::uint8_t>(len));
      for (std::size_t k = 0; k < len; ++k) {
        // Mostly the interesting bytes: specials, dots, backslashes, spaces, high octets.
        static const char specials[] = ".\\\"()@$; \t*-_Aa";
        wire.push_back(next() % 2 ? static_cast<std::uint8_t>(next() % 256)
                                  : static_cast<std::uint8_t>(specials[next() % (sizeof specials - 1)]));
      }
    }
    wire.push_back(0);
    std::error_code ec;
    name n = name::from_wire(wire, ec);
    REQUIRE_FALSE(ec);
    std::string text = n.to_text();
    name back = name::from_text(text, ec);
    INFO(text);
    REQUIRE_FALSE(ec);
    CHECK(back.identical(n));
    CHECK(back == n.lowercase());
    CHECK(back.hash() == n.lowercase().hash());
  }
}
