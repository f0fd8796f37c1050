#include <catch2/catch.hpp>

#include <array>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "dnskit/dns/errc.hpp"
#include "dnskit/dns/name.hpp"
#include "dnskit/dns/rdata.hpp"
#include "dnskit/dns/rr_type.hpp"
#include "dnskit/dns/wire.hpp"

using namespace dnskit::dns;

namespace {

using bytes = rdata_bytes;  // rdata, and the messages that carry it

std::vector<std::string> split_tabs(const std::string& line) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (;;) {
    std::size_t tab = line.find('\t', start);
    out.push_back(line.substr(start, tab == std::string::npos ? std::string::npos : tab - start));
    if (tab == std::string::npos) return out;
    start = tab + 1;
  }
}

std::vector<std::vector<std::string>> read_table(const std::string& file, std::size_t columns) {
  std::ifstream in(std::string(DNSKIT_TEST_DATA_DIR) + "/" + file);
  REQUIRE(in.good());
  std::vector<std::vector<std::string>> rows;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    auto row = split_tabs(line);
    REQUIRE(row.size() == columns);
    rows.push_back(row);
  }
  return rows;
}

bytes from_hex(const std::string& hex) {
  bytes out;
  if (hex == "-") return out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) out.push_back(static_cast<std::uint8_t>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  return out;
}

std::string to_hex(std::span<const std::uint8_t> b) {
  static const char* digits = "0123456789abcdef";
  std::string s;
  for (auto c : b) {
    s.push_back(digits[c >> 4]);
    s.push_back(digits[c & 15]);
  }
  return s.empty() ? "-" : s;
}

const name& origin() {
  static const name o = name::from_text("example.");
  return o;
}

rr_type type_of(const std::string& text) {
  auto t = rr_type_from_string(text);
  REQUIRE(t);
  return *t;
}

std::error_code parse(rr_type type, std::string_view text, bytes& out, std::size_t* bad = nullptr) {
  std::vector<text_token> tokens;
  if (auto ec = tokenize(text, tokens)) return ec;
  return rdata_from_text(type, tokens, origin(), out, bad);
}

const std::map<std::string, errc> errc_names = {
    {"bad_field", errc::bad_field},       {"bad_number", errc::bad_number},
    {"bad_address", errc::bad_address},   {"bad_base64", errc::bad_base64},
    {"bad_hex", errc::bad_hex},           {"bad_escape", errc::bad_escape},
    {"bad_string", errc::bad_string},     {"missing_field", errc::missing_field},
    {"extra_field", errc::extra_field},   {"empty_label", errc::empty_label},
    {"unknown_type", errc::unknown_type}, {"bad_rdata", errc::bad_rdata},
};

// Wraps rdata in a message-like buffer (some leading bytes) and reads it back with the decoder.
std::error_code reread(rr_type type, const bytes& rdata, bytes& out) {
  bytes msg(12, 0);
  msg.insert(msg.end(), rdata.begin(), rdata.end());
  wire_reader r(msg, 12);
  auto ec = rdata_from_wire(type, r, rdata.size(), out);
  if (!ec && !r.at_end()) return errc::trailing_data;
  return ec;
}

}  // namespace

TEST_CASE("rdata: every vector round-trips presentation -> wire -> presentation", "[unit]") {
  auto rows = read_table("rdata_vectors.txt", 4);
  CHECK(rows.size() >= 90);
  for (const auto& row : rows) {
    INFO(row[0] << " " << row[1]);
    rr_type type = type_of(row[0]);
    bytes wire;
    std::size_t bad = 999;
    auto ec = parse(type, row[1], wire, &bad);
    INFO("error " << ec.message() << " at token " << bad);
    REQUIRE_FALSE(ec);
    CHECK(to_hex(wire) == to_hex(from_hex(row[2])));
    CHECK_FALSE(validate_rdata(type, wire));
    std::string text = rdata_to_text(type, wire);
    CHECK(text == row[3]);
    // The printed form parses back to the same bytes (lossless).
    bytes again;
    REQUIRE_FALSE(parse(type, text, again));
    CHECK(again == wire);
    // The generic form of the same data is accepted for every type (RFC 3597 §5).
    std::string generic = "\\# " + std::to_string(wire.size()) + (wire.empty() ? "" : " " + to_hex(wire));
    REQUIRE_FALSE(parse(type, generic, again));
    CHECK(again == wire);
    // Message decode of the canonical form gives the canonical form back.
    REQUIRE_FALSE(reread(type, wire, again));
    CHECK(again == wire);
    // write_rdata (compressing only RFC 1035 types) and reading back gives the canonical form.
    std::array<std::uint8_t, 2048> buf{};
    wire_writer w(buf);
    w.write_rdata(type, wire);
    REQUIRE_FALSE(w.overflow());
    std::size_t rdlength = std::size_t{buf[0]} << 8 | buf[1];
    REQUIRE(rdlength == w.size() - 2);
    if (!rdata_names_compressible(type)) CHECK(bytes(w.data().begin() + 2, w.data().end()) == wire);
    wire_reader r(w.data(), 2);
    REQUIRE_FALSE(rdata_from_wire(type, r, rdlength, again));
    CHECK(again == wire);
  }
}

TEST_CASE("rdata: bad presentation is rejected with the error and token index", "[unit]") {
  auto rows = read_table("rdata_vectors_bad.txt", 4);
  CHECK(rows.size() >= 60);
  for (const auto& row : rows) {
    INFO(row[0] << " " << row[1]);
    bytes wire;
    std::size_t bad = 999;
    auto ec = parse(type_of(row[0]), row[1], wire, &bad);
    INFO("got " << ec.message());
    REQUIRE(errc_names.count(row[2]) == 1);
    CHECK(ec == errc_names.at(row[2]));
    CHECK(bad == std::stoul(row[3]));
    CHECK(wire.empty());
  }
}

TEST_CASE("rdata: character-strings over 255 octets are rejected", "[unit]") {
  bytes wire;
  CHECK_FALSE(parse(rr_type::txt, "\"" + std::string(255, 'x') + "\"", wire));
  CHECK(wire.size() == 256);
  CHECK(parse(rr_type::txt, "\"" + std::string(256, 'x') + "\"", wire) == errc::bad_string);
  CHECK(parse(rr_type::txt, "\"unterminated", wire) == errc::bad_string);
}

TEST_CASE("rdata: presentation tokens", "[unit]") {
  std::vector<text_token> t;
  REQUIRE_FALSE(tokenize("  a \"b c\"\tkey=\"x y\" d\\ e ; comment \"x", t));
  REQUIRE(t.size() == 4);
  CHECK(t[0].text == "a");
  CHECK_FALSE(t[0].quoted);
  CHECK(t[1].text == "b c");
  CHECK(t[1].quoted);
  CHECK(t[2].text == "key=\"x y\"");
  CHECK(t[3].text == "d\\ e");
  t.clear();
  REQUIRE_FALSE(tokenize("\"a\\\"b\" \"\"", t));
  REQUIRE(t.size() == 2);
  CHECK(t[0].text == "a\\\"b");
  CHECK(t[1].text.empty());
  CHECK(t[1].quoted);
  t.clear();
  CHECK(tokenize("\"abc", t) == errc::bad_string);
}

TEST_CASE("rdata: quoted SvcParam values may come as separate tokens", "[unit]") {
  // A zone lexer that splits `alpn="h2,h3"` into `alpn=` and a quoted token gets the same rdata.
  std::vector<text_token> tokens = {{"1", false}, {"foo.example.", false}, {"alpn=", false}, {"h2,h3", true}};
  bytes a, b;
  REQUIRE_FALSE(rdata_from_text(rr_type::svcb, tokens, origin(), a));
  REQUIRE_FALSE(parse(rr_type::svcb, "1 foo.example. alpn=\"h2,h3\"", b));
  CHECK(a == b);
  CHECK(rdata_to_text(rr_type::svcb, a) == "1 foo.example. alpn=\"h2,h3\"");
  // dohpath/ohttp are accepted by name and printed as BIND 9.18 prints them.
  REQUIRE_FALSE(parse(rr_type::https, "1 . dohpath=/q{?dns} ohttp", a));
  CHECK(rdata_to_text(rr_type::https, a) == "1 . key7=\"/q{?dns}\" key8");
}

TEST_CASE("rdata: SVCB wire vectors of RFC 9460 Appendix D", "[unit]") {
  // Figure 2-9: the wire forms printed in the RFC, byte for byte.
  struct vec {
    const char* text;
    const char* hex;
  } vectors[] = {
      {"0 foo.example.com.", "000003666f6f076578616d706c6503636f6d00"},
      {"1 .", "000100"},
      {"16 foo.example.com. port=53", "001003666f6f076578616d706c6503636f6d00000300020035"},
      {"1 foo.example.com. key667=hello", "000103666f6f076578616d706c6503636f6d00029b000568656c6c6f"},
      {"1 foo.example.com. key667=\"hello\\210qoo\"",
       "000103666f6f076578616d706c6503636f6d00029b000968656c6c6fd2716f6f"},
      {"1 foo.example.com. ipv6hint=\"2001:db8::1,2001:db8::53:1\"",
       "000103666f6f076578616d706c6503636f6d000006002020010db800000000000000000000000120010db8000000000000000000530001"},
      {"1 example.com. ipv6hint=\"2001:db8:122:344::192.0.2.33\"",
       "0001076578616d706c6503636f6d000006001020010db80122034400000000c0000221"},
      {"16 foo.example.org. (alpn=h2,h3-19 mandatory=ipv4hint,alpn ipv4hint=192.0.2.1)", nullptr},
      {"16 foo.example.org. alpn=h2,h3-19 mandatory=ipv4hint,alpn ipv4hint=192.0.2.1",
       "001003666f6f076578616d706c65036f7267000000000400010004000100090268320568332d313900040004c0000201"},
      {"16 foo.example.org. alpn=\"f\\\\\\\\oo\\\\,bar,h2\"",
       "001003666f6f076578616d706c65036f7267000001000c08665c6f6f2c626172026832"},
      {"16 foo.example.org. alpn=f\\\\\\092oo\\092,bar,h2",
       "001003666f6f076578616d706c65036f7267000001000c08665c6f6f2c626172026832"},
  };
  for (const auto& v : vectors) {
    if (v.hex == nullptr) continue;  // parentheses belong to the zone parser
    INFO(v.text);
    bytes wire;
    REQUIRE_FALSE(parse(rr_type::svcb, v.text, wire));
    CHECK(to_hex(wire) == v.hex);
  }
}

TEST_CASE("rdata: wire decoding checks layouts", "[unit]") {
  bytes out;
  auto check = [&](rr_type type, const std::string& hex) { return reread(type, from_hex(hex), out); };
  CHECK(check(rr_type::a, "0a0000") == errc::bad_rdata);
  CHECK(check(rr_type::a, "0a00000101") == errc::bad_rdata);
  CHECK(check(rr_type::aaaa, "00") == errc::bad_rdata);
  CHECK(check(rr_type::mx, "000a") == errc::bad_rdata);
  CHECK(check(rr_type::mx, "000a0161") == errc::bad_rdata);      // name runs past the rdata
  CHECK(check(rr_type::mx, "000a01610000") == errc::bad_rdata);  // a byte after the name
  CHECK(check(rr_type::txt, "") == errc::bad_rdata);             // TXT needs one string
  CHECK(check(rr_type::txt, "0361") == errc::bad_rdata);
  CHECK(check(rr_type::soa, "0000") == errc::bad_rdata);
  CHECK(check(rr_type::caa, "0005697373") == errc::bad_rdata);  // tag longer than the data
  CHECK(check(rr_type::caa, "0002692d") == errc::bad_rdata);    // tag with '-'
  CHECK(check(rr_type::caa, "0000") == errc::bad_rdata);        // empty tag
  CHECK(check(rr_type::nsec3, "0101000c04aabbccdd00") == errc::bad_rdata);  // empty hash
  // NSEC type bitmaps (RFC 4034 §4.1.2).
  CHECK_FALSE(check(rr_type::nsec, "00000140"));
  CHECK(check(rr_type::nsec, "0000014000") == errc::bad_rdata);        // trailing bytes
  CHECK(check(rr_type::nsec, "00000200") == errc::bad_rdata);          // trailing zero octet
  CHECK(check(rr_type::nsec, "000000") == errc::bad_rdata);            // zero length
  CHECK(check(rr_type::nsec, "0001400000") == errc::bad_rdata);        // length 0
  CHECK(check(rr_type::nsec, "000101400001010140") == errc::bad_rdata);  // window repeated
  CHECK(check(rr_type::nsec, "0001014000014000") == errc::bad_rdata);     // windows not increasing
  CHECK(check(rr_type::nsec, "000021" + std::string(64, '1') + "01") == errc::bad_rdata);  // 33 octets
  // SvcParams (RFC 9460 §2.2).
  CHECK_FALSE(check(rr_type::svcb, "000100000300020035"));
  CHECK(check(rr_type::svcb, "00010000030003003500") == errc::bad_rdata);      // port of 3 octets
  CHECK(check(rr_type::svcb, "0001000003000200350001000302683200") == errc::bad_rdata);  // keys out of order
  CHECK(check(rr_type::svcb, "00010000030002003500030002003500") == errc::bad_rdata);  // key repeated
  CHECK(check(rr_type::svcb, "00010000000003000300000300020035") == errc::bad_rdata);  // odd length
  CHECK(check(rr_type::svcb, "000100000000020004") == errc::bad_rdata);  // mandatory key missing
  CHECK(check(rr_type::svcb, "0001000001000100") == errc::bad_rdata);    // empty alpn id
  CHECK(check(rr_type::svcb, "00010000020001ff") == errc::bad_rdata);    // no-default-alpn with value
  CHECK(check(rr_type::svcb, "000100ffff0000") == errc::bad_rdata);      // key65535
  CHECK(check(rr_type::svcb, "0001000003000200") == errc::bad_rdata);    // value past the end
  // LOC (RFC 1876): version 0 is exactly 16 octets within range; other versions stay opaque.
  CHECK_FALSE(check(rr_type::loc, "000016138b3cf018810cbce0009895b8"));
  CHECK(check(rr_type::loc, "000016138b3cf018810cbce0009895") == errc::bad_rdata);
  CHECK(check(rr_type::loc, "00a016138b3cf018810cbce0009895b8") == errc::bad_rdata);  // mantissa 10
  CHECK(check(rr_type::loc, "00001613934fd90180000000009895b8") == errc::bad_rdata);  // past 90 N
  CHECK_FALSE(check(rr_type::loc, "01ff"));
  CHECK(rdata_to_text(rr_type::loc, from_hex("01ff")) == "\\# 2 01FF");
  // APL items of other address families are kept but printed in the generic form.
  CHECK_FALSE(check(rr_type::apl, "000308010a"));
  CHECK(rdata_to_text(rr_type::apl, from_hex("000308010a")) == "\\# 5 000308010A");
  // Names in IPSECKEY and HIP are never compressed (RFC 4025 §2.5, RFC 8005 §5).
  CHECK(check(rr_type::ipseckey, "0a0302c00c01") == errc::bad_pointer);
  CHECK(check(rr_type::hip, "01020001aabbc00c") == errc::bad_pointer);
  CHECK(check(rr_type::hip, "01020001aabb0161") == errc::bad_rdata);  // rendezvous name cut off
  // Unknown types keep any bytes.
  CHECK_FALSE(check(static_cast<rr_type>(65280), "ffee"));
  CHECK(out == bytes{0xff, 0xee});
}

TEST_CASE("rdata: invalid rdata prints in the generic form", "[unit]") {
  CHECK(rdata_to_text(rr_type::a, from_hex("0a0000")) == "\\# 3 0A0000");
  CHECK(rdata_to_text(rr_type::txt, {}) == "\\# 0");
  CHECK(rdata_to_text(rr_type::ds, from_hex("00010203")) == "\\# 4 00010203");  // empty digest
  // 60 hex digits: a chunk of 56, a space, the last 4 (as dig prints long fields).
  std::string chunk;
  for (int i = 0; i < 28; ++i) chunk += "AB";
  CHECK(rdata_to_text(static_cast<rr_type>(65280), bytes(30, 0xab)) == "\\# 30 " + chunk + " ABAB");
}

TEST_CASE("rdata: names are decompressed only where RFC 3597 allows", "[unit]") {
  // "example." at 12, then rdata whose name ends in a pointer to it.
  bytes msg(12, 0);
  bytes ex = {7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0};
  msg.insert(msg.end(), ex.begin(), ex.end());
  std::size_t rdata_at = msg.size();
  bytes rdata = {0, 10, 4, 'm', 'a', 'i', 'l', 0xC0, 12};
  msg.insert(msg.end(), rdata.begin(), rdata.end());
  auto read = [&](rr_type type, bytes& out) {
    wire_reader r(msg, rdata_at);
    return rdata_from_wire(type, r, rdata.size(), out);
  };
  bytes out;
  REQUIRE_FALSE(read(rr_type::mx, out));  // RFC 1035 type
  CHECK(rdata_to_text(rr_type::mx, out) == "10 mail.example.");
  REQUIRE_FALSE(read(rr_type::afsdb, out));  // RFC 3597 §4 "SHOULD decompress" list
  CHECK(rdata_to_text(rr_type::afsdb, out) == "10 mail.example.");
  REQUIRE_FALSE(read(rr_type::rt, out));
  CHECK(read(rr_type::kx, out) == errc::bad_pointer);  // never compressed
  // RRSIG signer and NSEC next name: RFC 4034 §3.1.7/§4.1.1 forbid compression.
  msg.resize(rdata_at);
  bytes nsec = {4, 'm', 'a', 'i', 'l', 0xC0, 12, 0, 1, 0x40};
  msg.insert(msg.end(), nsec.begin(), nsec.end());
  wire_reader r(msg, rdata_at);
  CHECK(rdata_from_wire(rr_type::nsec, r, nsec.size(), out) == errc::bad_pointer);
}

TEST_CASE("rdata: any rdata that decodes prints and parses back to the same bytes", "[unit]") {
  // Mutations of the vectors (deterministic): whatever the decoder accepts must survive
  // presentation and back unchanged, and whatever it rejects must print in the generic form.
  auto rows = read_table("rdata_vectors.txt", 4);
  std::uint64_t state = 0x9E3779B97F4A7C15ULL;
  auto next = [&state] {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  };
  std::size_t accepted = 0, rejected = 0;
  for (const auto& row : rows) {
    rr_type type = type_of(row[0]);
    bytes base = from_hex(row[2]);
    for (int round = 0; round < 150; ++round) {
      bytes wire = base;
      int edits = 1 + static_cast<int>(next() % 3);
      for (int e = 0; e < edits; ++e) {
        std::uint64_t r = next();
        switch (r % 4) {
          case 0:
            if (!wire.empty()) wire[(r >> 8) % wire.size()] = static_cast<std::uint8_t>(r >> 32);
            break;
          case 1:
            if (!wire.empty()) wire.resize((r >> 8) % wire.size());
            break;
          case 2: wire.push_back(static_cast<std::uint8_t>(r >> 16)); break;
          default:
            if (!wire.empty()) wire[(r >> 8) % wire.size()] ^= static_cast<std::uint8_t>(1u << ((r >> 40) % 8));
            break;
        }
      }
      bytes decoded;
      std::string text = rdata_to_text(type, wire);
      if (reread(type, wire, decoded)) {
        ++rejected;
        CHECK(text.rfind("\\# ", 0) == 0);
        continue;
      }
      ++accepted;
      INFO(row[0] << " " << to_hex(wire) << " -> " << text);
      bytes again;
      std::size_t bad = 0;
      auto ec = parse(type, text, again, &bad);
      INFO(ec.message() << " at " << bad);
      REQUIRE_FALSE(ec);
      REQUIRE(again == wire);
    }
  }
  CHECK(accepted > 1000);
  CHECK(rejected > 1000);
}
