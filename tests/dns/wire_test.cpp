#include <catch2/catch.hpp>

#include <array>
#include <vector>

#include "dnskit/dns/errc.hpp"
#include "dnskit/dns/rdata.hpp"
#include "dnskit/dns/wire.hpp"

using namespace dnskit::dns;

namespace {
using bytes = std::vector<std::uint8_t>;
name n(std::string_view text) { return name::from_text(text); }
bytes data_of(const wire_writer& w) { return bytes(w.data().begin(), w.data().end()); }
}  // namespace

TEST_CASE("wire_reader: reads big-endian fields and keeps the first error", "[unit]") {
  bytes msg = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07};
  wire_reader r(msg);
  CHECK(r.u8() == 0x01);
  CHECK(r.u16() == 0x0203);
  CHECK(r.u32() == 0x04050607u);
  CHECK(r.at_end());
  CHECK_FALSE(r.error());
  CHECK(r.u8() == 0);
  CHECK(r.error() == errc::short_read);
  r.fail(errc::bad_rdata);  // sticky: the first error stays
  CHECK(r.error() == errc::short_read);
  CHECK(r.remaining() == 0);

  wire_reader r2(msg, 5);
  CHECK(r2.u32() == 0);  // only 2 bytes left
  CHECK(r2.error() == errc::short_read);
  CHECK(r2.u8() == 0);  // later reads return zeros even though a byte is there
  CHECK(r2.offset() == 5);
}

TEST_CASE("wire_reader: sub-readers are bounded and advance the parent", "[unit]") {
  bytes msg = {0xAA, 0x00, 0x02, 0x11, 0x22, 0xBB};
  wire_reader r(msg, 1);
  auto len = r.u16();
  wire_reader sub = r.sub(len);
  CHECK(r.offset() == 5);
  CHECK(sub.u16() == 0x1122);
  CHECK(sub.at_end());
  CHECK(sub.u8() == 0);
  CHECK(sub.error() == errc::short_read);
  CHECK_FALSE(r.error());  // the parent is unaffected
  CHECK(r.u8() == 0xBB);
  wire_reader too_long = r.sub(1);
  CHECK(too_long.error() == errc::short_read);
  CHECK(r.error() == errc::short_read);
  // A reader whose end lies past the message fails at once.
  wire_reader bad(msg, 0, 100);
  CHECK(bad.error() == errc::short_read);
}

TEST_CASE("wire_reader: names stay inside the reader's bounds", "[unit]") {
  bytes msg = {1, 'a', 0, 3, 'w', 'w', 'w', 0xC0, 0};
  wire_reader r(msg, 3);
  CHECK(r.read_name().to_text() == "www.a.");
  CHECK(r.at_end());
  wire_reader limited(msg, 3, 7);  // the pointer lies beyond the end
  (void)limited.read_name();
  CHECK(limited.error() == errc::short_read);
  bytes self = {0xC0, 0};
  wire_reader looping(self, 0);
  (void)looping.read_name();
  CHECK(looping.error() == errc::bad_pointer);
}

TEST_CASE("wire_writer: RFC 1035 §4.1.4 compression layout", "[unit]") {
  std::array<std::uint8_t, 512> buf{};
  wire_writer w(buf);
  for (int i = 0; i < 20; ++i) w.u8(0xEE);  // stands for the header and question before offset 20
  w.write_name(n("F.ISI.ARPA."));
  for (int i = 0; i < 8; ++i) w.u8(0xEE);  // 32..39
  w.write_name(n("FOO.F.ISI.ARPA."));
  for (int i = 0; i < 18; ++i) w.u8(0xEE);  // 46..63
  w.write_name(n("ARPA."));
  w.write_name(name{});  // the root is a single zero octet, never a pointer
  bytes out = data_of(w);
  REQUIRE(out.size() == 67);
  CHECK(bytes(out.begin() + 20, out.begin() + 32) == bytes{1, 'F', 3, 'I', 'S', 'I', 4, 'A', 'R', 'P', 'A', 0});
  CHECK(bytes(out.begin() + 40, out.begin() + 46) == bytes{3, 'F', 'O', 'O', 0xC0, 20});
  CHECK(bytes(out.begin() + 64, out.begin() + 66) == bytes{0xC0, 26});
  CHECK(out[66] == 0);
  // Decoding gives the names back.
  std::error_code ec;
  std::size_t off = 40;
  CHECK(name::read(out, off, ec).to_text() == "FOO.F.ISI.ARPA.");
}

TEST_CASE("wire_writer: compression ignores case, keeps each name's own case", "[unit]") {
  std::array<std::uint8_t, 512> buf{};
  wire_writer w(buf);
  w.write_name(n("Example.COM."));
  w.write_name(n("www.example.com."));
  w.write_name(n("WWW.EXAMPLE.COM."));
  w.write_name(n("other.net."), false);  // not compressed...
  w.write_name(n("a.other.net."));       // ...but still a target for later names
  bytes out = data_of(w);
  CHECK(out == bytes{7, 'E', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'C', 'O', 'M', 0,  // 0
                     3, 'w', 'w', 'w', 0xC0, 0,                                    // 13
                     0xC0, 13,                                                     // 19
                     5, 'o', 't', 'h', 'e', 'r', 3, 'n', 'e', 't', 0,              // 21
                     1, 'a', 0xC0, 21});
}

TEST_CASE("wire_writer: overflow, rollback and limit", "[unit]") {
  std::array<std::uint8_t, 16> buf{};
  wire_writer w(buf);
  w.write_name(n("abc.example."));  // 13 bytes
  std::size_t mark = w.size();
  w.u32(1);
  CHECK(w.overflow());
  CHECK(w.size() == mark);  // nothing partial written
  w.rollback(mark);
  CHECK_FALSE(w.overflow());
  w.u16(0x1234);
  CHECK(w.size() == 15);
  w.patch_u16(0, 0xBEEF);
  CHECK(buf[0] == 0xBE);
  w.patch_u16(14, 1);  // past what is written: ignored
  CHECK(buf[14] == 0x34);

  // Rollback removes compression targets written after the mark.
  std::array<std::uint8_t, 128> big{};
  wire_writer w2(big);
  w2.u16(0);
  std::size_t before = w2.size();
  w2.write_name(n("gone.example."));
  w2.rollback(before);
  w2.write_name(n("x.example."));
  CHECK(data_of(w2) == bytes{0, 0, 1, 'x', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0});

  // limit() shrinks the usable space, never grows it.
  wire_writer w3(big);
  w3.limit(4);
  w3.u32(7);
  CHECK_FALSE(w3.overflow());
  w3.u8(1);
  CHECK(w3.overflow());
  w3.limit(1000);
  CHECK(w3.capacity() == 4);
}

TEST_CASE("wire_writer: the target table is bounded", "[unit]") {
  // 300 distinct names: the later ones are written whole once the table is full, and every name
  // still decodes correctly.
  std::vector<std::uint8_t> buf(16384);
  wire_writer w(buf);
  std::vector<std::size_t> starts;
  for (int i = 0; i < 300; ++i) {
    starts.push_back(w.size());
    w.write_name(n("n" + std::to_string(i) + ".zone" + std::to_string(i % 7) + "."));
  }
  REQUIRE_FALSE(w.overflow());
  auto out = w.data();
  for (int i = 0; i < 300; ++i) {
    std::error_code ec;
    std::size_t off = starts[static_cast<std::size_t>(i)];
    CHECK(name::read(out, off, ec).to_text() == "n" + std::to_string(i) + ".zone" + std::to_string(i % 7) + ".");
    CHECK_FALSE(ec);
  }
}

TEST_CASE("wire_writer: write_rdata compresses only the RFC 1035 types", "[unit]") {
  std::array<std::uint8_t, 512> buf{};
  auto write = [&](rr_type type, std::string_view text) {
    wire_writer w(buf);
    w.write_name(n("example.com."));  // offset 0, a target
    rdata_bytes rdata;
    REQUIRE_FALSE(rdata_from_text(type, text, name{}, rdata));
    w.write_rdata(type, rdata);
    return bytes(w.data().begin() + 13, w.data().end());
  };
  CHECK(write(rr_type::mx, "10 mail.example.com.") == bytes{0, 9, 0, 10, 4, 'm', 'a', 'i', 'l', 0xC0, 0});
  CHECK(write(rr_type::cname, "example.com.") == bytes{0, 2, 0xC0, 0});
  CHECK(write(rr_type::soa, "ns.example.com. h.example.com. 1 2 3 4 5") ==
        bytes{0, 29, 2, 'n', 's', 0xC0, 0, 1, 'h', 0xC0, 0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0, 5});
  // Names in SRV, DNAME, RRSIG, NSEC, SVCB and unknown types go out whole.
  CHECK(write(rr_type::srv, "0 0 1 example.com.").size() == 2 + 6 + 13);
  CHECK(write(rr_type::dname, "example.com.").size() == 2 + 13);
  CHECK(write(rr_type::nsec, "example.com. A").size() == 2 + 13 + 3);
  CHECK(write(rr_type::svcb, "1 example.com.").size() == 2 + 2 + 13);
  CHECK(write(rr_type::rp, "example.com. example.com.").size() == 2 + 26);
  CHECK(write(static_cast<rr_type>(65280), "\\# 13 076578616d706c6503636f6d00").size() == 2 + 13);
  // A too-small buffer reports overflow instead of writing a partial record.
  std::array<std::uint8_t, 5> tiny{};
  wire_writer w(tiny);
  rdata_bytes rdata;
  REQUIRE_FALSE(rdata_from_text(rr_type::a, "192.0.2.1", name{}, rdata));
  w.write_rdata(rr_type::a, rdata);
  CHECK(w.overflow());
}

TEST_CASE("wire_writer: limit never cuts what is written", "[unit]") {
  std::array<std::uint8_t, 64> buf{};
  wire_writer w(buf);
  w.u32(1);
  w.u32(2);
  w.limit(3);
  CHECK(w.size() == 8);
  CHECK(w.capacity() == 8);
  CHECK_FALSE(w.overflow());
  w.u8(0);
  CHECK(w.overflow());
}
