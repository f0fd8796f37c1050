#include <catch2/catch.hpp>

#include <array>
#include <vector>

#include "dnskit/dns/errc.hpp"
#include "dnskit/dns/record.hpp"

using namespace dnskit::dns;

namespace {
record make(std::string_view owner, rr_type type, std::uint32_t ttl, std::string_view rdata) {
  record r;
  r.owner = name::from_text(owner);
  r.type = type;
  r.ttl = ttl;
  REQUIRE_FALSE(rdata_from_text(type, rdata, name{}, r.rdata));
  return r;
}
}  // namespace

TEST_CASE("record: presentation line", "[unit]") {
  CHECK(make("www.example.", rr_type::a, 300, "192.0.2.1").to_text() == "www.example. 300 IN A 192.0.2.1");
  CHECK(make("example.", rr_type::mx, 0, "10 mx.example.").to_text() == "example. 0 IN MX 10 mx.example.");
  record r = make("x.", static_cast<rr_type>(65280), 1, "\\# 2 ABCD");
  r.klass = static_cast<rr_class>(42);
  CHECK(r.to_text() == "x. 1 CLASS42 TYPE65280 \\# 2 ABCD");
}

TEST_CASE("record: write then read gives the same record", "[unit]") {
  std::vector<record> records = {
      make("example.", rr_type::soa, 3600, "ns.example. hostmaster.example. 1 7200 900 1209600 300"),
      make("example.", rr_type::ns, 3600, "ns.example."),
      make("example.", rr_type::mx, 3600, "10 Mail.example."),
      make("_sip._udp.example.", rr_type::srv, 60, "0 5 5060 sip.example."),
      make("example.", rr_type::txt, 60, "\"v=spf1 -all\" \"x\""),
      make("example.", rr_type::https, 60, "1 . alpn=h2 port=443"),
  };
  std::array<std::uint8_t, 1024> buf{};
  wire_writer w(buf);
  for (const auto& r : records) write_record(w, r);
  REQUIRE_FALSE(w.overflow());
  wire_reader reader(w.data());
  for (const auto& expected : records) {
    record got;
    REQUIRE_FALSE(read_record(reader, got));
    CHECK(got == expected);
    CHECK(got.owner.identical(expected.owner));
  }
  CHECK(reader.at_end());
  // A cut anywhere inside the last record is a clean error.
  for (std::size_t cut = 0; cut < w.size(); ++cut) {
    wire_reader r(w.data().first(cut));
    record got;
    std::error_code ec;
    while (!ec && !r.at_end()) ec = read_record(r, got);
    if (cut != 0) {
      // Every proper prefix ends in the middle of something, except record boundaries.
      CHECK((ec || r.at_end()));
    }
  }
}

TEST_CASE("record: compression is case-insensitive, the earlier name's case wins", "[unit]") {
  // Like BIND and Knot: a suffix matches whatever its case, so a compressed rdata name reads back
  // with the case of the name it points to (harmless: RFC 4034 §6.2 lowercases these names).
  std::array<std::uint8_t, 256> buf{};
  wire_writer w(buf);
  write_record(w, make("example.", rr_type::mx, 1, "10 Mail.EXAMPLE."));
  wire_reader reader(w.data());
  record got;
  REQUIRE_FALSE(read_record(reader, got));
  CHECK(rdata_to_text(got.type, got.rdata) == "10 Mail.example.");
}

TEST_CASE("record: rdlength beyond the data is a short read", "[unit]") {
  std::vector<std::uint8_t> wire = {0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 4, 192, 0, 2};
  wire_reader r(wire);
  record got;
  CHECK(read_record(r, got) == errc::short_read);
}

TEST_CASE("record: UPDATE prerequisites carry no rdata", "[unit]") {
  // RFC 2136 §2.4.1: class ANY, rdlength 0 for an A RRset "exists" prerequisite.
  std::vector<std::uint8_t> wire = {0, 0, 1, 0, 0xFF, 0, 0, 0, 0, 0, 0};
  wire_reader r(wire);
  record got;
  REQUIRE_FALSE(read_record(r, got));
  CHECK(got.klass == rr_class::any);
  CHECK(got.rdata.empty());
  // In class IN an empty A is malformed.
  wire[4] = 1;
  wire_reader r2(wire);
  CHECK(read_record(r2, got) == errc::bad_rdata);
}
