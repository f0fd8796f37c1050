// dns::message: strict decode, encode with compression and truncation, EDNS (RFC 1035 §4.1,
// RFC 6891).
#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "dnskit/dns/errc.hpp"
#include "dnskit/dns/message.hpp"
#include "dnskit/dns/name.hpp"
#include "dnskit/dns/rdata.hpp"

using namespace dnskit::dns;

namespace {

using bytes = std::vector<std::uint8_t>;

// Builds packets byte by byte, so the adversarial cases say exactly what is on the wire.
struct packet {
  bytes b;
  packet& u8(unsigned v) {
    b.push_back(static_cast<std::uint8_t>(v));
    return *this;
  }
  packet& u16(unsigned v) { return u8(v >> 8).u8(v & 0xff); }
  packet& u32(std::uint32_t v) { return u16(v >> 16).u16(v & 0xffff); }
  packet& raw(const bytes& v) {
    b.insert(b.end(), v.begin(), v.end());
    return *this;
  }
  // Uncompressed name from dotted text ("" or "." is the root).
  packet& name(std::string_view text) {
    std::size_t start = 0;
    while (start < text.size()) {
      std::size_t dot = text.find('.', start);
      if (dot == std::string_view::npos) dot = text.size();
      if (dot > start) {
        u8(static_cast<unsigned>(dot - start));
        for (std::size_t i = start; i < dot; ++i) u8(static_cast<unsigned char>(text[i]));
      }
      start = dot + 1;
    }
    return u8(0);
  }
  packet& header(unsigned id, unsigned flags, unsigned qd, unsigned an, unsigned ns, unsigned ar) {
    return u16(id).u16(flags).u16(qd).u16(an).u16(ns).u16(ar);
  }
  packet& question(std::string_view n, unsigned type = 1, unsigned klass = 1) {
    return name(n).u16(type).u16(klass);
  }
  // Record with an uncompressed owner; the caller gives type, class, ttl and rdata.
  packet& rr(std::string_view owner, unsigned type, unsigned klass, std::uint32_t ttl,
             const bytes& rdata) {
    return name(owner).u16(type).u16(klass).u32(ttl).u16(static_cast<unsigned>(rdata.size())).raw(rdata);
  }
  packet& opt(unsigned udp = 1232, std::uint32_t ttl = 0, const bytes& rdata = {}) {
    return rr(".", 41, udp, ttl, rdata);
  }
};

record make_record(std::string_view owner, rr_type type, std::uint32_t ttl, std::string_view rdata) {
  record r;
  r.owner = name::from_text(owner);
  r.type = type;
  r.ttl = ttl;
  const auto ec = rdata_from_text(type, rdata, name{}, r.rdata);
  INFO(std::string(rdata) << ": " << ec.message());
  REQUIRE_FALSE(ec);
  return r;
}

// A typical referral-with-answer response: A answer, NS authority, glue, EDNS with an option.
message typical_response() {
  message m;
  m.hdr.id = 0xbeef;
  m.hdr.qr = true;
  m.hdr.aa = true;
  m.hdr.rd = true;
  m.questions.push_back({name::from_text("www.example.com."), rr_type::a, rr_class::in});
  m.answer.push_back(make_record("www.example.com.", rr_type::a, 3600, "192.0.2.10"));
  m.answer.push_back(make_record("www.example.com.", rr_type::a, 3600, "192.0.2.11"));
  m.authority.push_back(make_record("example.com.", rr_type::ns, 86400, "ns1.example.com."));
  m.authority.push_back(make_record("example.com.", rr_type::ns, 86400, "ns2.example.com."));
  m.additional.push_back(make_record("ns1.example.com.", rr_type::a, 86400, "192.0.2.53"));
  m.additional.push_back(make_record("ns2.example.com.", rr_type::aaaa, 86400, "2001:db8::53"));
  edns e;
  e.udp_payload_size = 1232;
  e.dnssec_ok = true;
  e.options.push_back({3, {'n', 's', '1'}});  // NSID
  m.opt = e;
  return m;
}

std::error_code decode_bytes(const bytes& wire, message& m) { return decode(wire, m); }

std::error_code decode_error(const bytes& wire) {
  message m;
  return decode(wire, m);
}

}  // namespace

TEST_CASE("decode_header reads every field and rejects short input", "[unit][message]") {
  header h;
  CHECK(decode_header(bytes(11, 0), h) == errc::short_read);
  CHECK(decode_header({}, h) == errc::short_read);

  // id 0x1234; QR, opcode NOTIFY (4), AA, TC, RD; RA, Z, AD, CD, rcode 5; counts 1 2 3 4.
  const auto p = packet{}.header(0x1234, 0x8000 | (4u << 11) | 0x0400 | 0x0200 | 0x0100 | 0x80 |
                                             0x40 | 0x20 | 0x10 | 5,
                                 1, 2, 3, 4);
  REQUIRE_FALSE(decode_header(p.b, h));
  CHECK(h.id == 0x1234);
  CHECK(h.qr);
  CHECK(h.op == opcode::notify);
  CHECK(h.aa);
  CHECK(h.tc);
  CHECK(h.rd);
  CHECK(h.ra);
  CHECK(h.z);
  CHECK(h.ad);
  CHECK(h.cd);
  CHECK(h.rcode_low == 5);

  REQUIRE_FALSE(decode_header(packet{}.header(7, 0, 0, 0, 0, 0).b, h));
  CHECK(h == header{.id = 7});
}

TEST_CASE("each header flag round-trips on its own bit", "[unit][message]") {
  struct flag_case {
    bool header::*flag;
    std::uint16_t bit;
  };
  const flag_case cases[] = {{&header::qr, 0x8000}, {&header::aa, 0x0400}, {&header::tc, 0x0200},
                             {&header::rd, 0x0100}, {&header::ra, 0x0080}, {&header::z, 0x0040},
                             {&header::ad, 0x0020}, {&header::cd, 0x0010}};
  for (const auto& c : cases) {
    message m;
    m.hdr.*c.flag = true;
    const auto wire = encode(m);
    REQUIRE(wire.size() == header::size);
    CHECK(((wire[2] << 8) | wire[3]) == c.bit);
    message back;
    REQUIRE_FALSE(decode(wire, back));
    CHECK(back.hdr == m.hdr);
  }
  message m;
  m.hdr.op = opcode::update;
  m.hdr.rcode_low = 0x0f;
  const auto wire = encode(m);
  CHECK(wire[2] == (5 << 3));
  CHECK(wire[3] == 0x0f);
}

TEST_CASE("a realistic response round-trips through encode and decode", "[unit][message]") {
  const message m = typical_response();
  bool truncated = true;
  const auto wire = encode(m, 65535, &truncated);
  CHECK_FALSE(truncated);

  message back;
  REQUIRE_FALSE(decode(wire, back));
  CHECK(back == m);
  REQUIRE(back.opt);
  CHECK(back.opt->dnssec_ok);
  CHECK(back.opt->udp_payload_size == 1232);
  REQUIRE(back.opt->options.size() == 1);
  CHECK(back.opt->options[0].code == 3);
  // The counts on the wire include the OPT record.
  CHECK(wire[4] == 0);
  CHECK(wire[5] == 1);
  CHECK(wire[7] == 2);
  CHECK(wire[9] == 2);
  CHECK(wire[11] == 3);
  // Encoding the decoded message gives the same bytes again.
  CHECK(encode(back) == wire);
}

TEST_CASE("many record types round-trip inside a message", "[unit][message]") {
  message m;
  m.hdr.id = 1;
  m.hdr.qr = true;
  m.questions.push_back({name::from_text("example.test."), rr_type::any, rr_class::in});
  m.answer = {
      make_record("example.test.", rr_type::soa, 3600,
                  "ns1.example.test. hostmaster.example.test. 2024010101 7200 3600 1209600 300"),
      make_record("example.test.", rr_type::mx, 3600, "10 mail.example.test."),
      make_record("example.test.", rr_type::txt, 3600, "\"v=spf1 -all\" \"second\""),
      make_record("www.example.test.", rr_type::cname, 3600, "example.test."),
      make_record("_sip._udp.example.test.", rr_type::srv, 3600, "10 60 5060 sip.example.test."),
      make_record("1.2.0.192.in-addr.arpa.", rr_type::ptr, 3600, "host.example.test."),
      make_record("example.test.", rr_type::caa, 3600, "0 issue \"ca.example.net\""),
      make_record("unk.example.test.", static_cast<rr_type>(65280), 3600, "\\# 4 deadbeef"),
  };
  const auto wire = encode(m);
  message back;
  REQUIRE_FALSE(decode(wire, back));
  CHECK(back == m);
  CHECK_FALSE(back.opt);
  CHECK(encode(back) == wire);
}

TEST_CASE("names keep their case through decode and encode", "[unit][message]") {
  const auto p = packet{}.header(1, 0x0100, 1, 0, 0, 0).question("WwW.ExAmPlE.cOm");
  message m;
  REQUIRE_FALSE(decode_bytes(p.b, m));
  REQUIRE(m.questions.size() == 1);
  CHECK(m.questions[0].qname.identical(name::from_text("WwW.ExAmPlE.cOm.")));
  CHECK(encode(m) == p.b);
}

TEST_CASE("names are compressed as in RFC 1035 4.1.4", "[unit][message]") {
  // Question example.com, answer for example.com (pointer to offset 12), then an NS whose
  // owner is example.com and whose target ns1.example.com compresses to "ns1" + pointer.
  message m;
  m.hdr.id = 0x0102;
  m.questions.push_back({name::from_text("example.com."), rr_type::ns, rr_class::in});
  m.answer.push_back(make_record("example.com.", rr_type::ns, 60, "ns1.example.com."));
  m.answer.push_back(make_record("www.example.com.", rr_type::cname, 60, "ns1.example.com."));
  const auto wire = encode(m);

  const auto expected = packet{}
                            .header(0x0102, 0, 1, 2, 0, 0)
                            .question("example.com", 2)        // offset 12, ends at 29
                            .u16(0xc00c)                       // owner -> example.com (29)
                            .u16(2).u16(1).u32(60).u16(6)      // NS, IN, 60, rdlength 6 (41)
                            .u8(3).raw({'n', 's', '1'}).u16(0xc00c)  // ns1 at 41 + pointer
                            .u8(3).raw({'w', 'w', 'w'}).u16(0xc00c)  // www.example.com (47)
                            .u16(5).u16(1).u32(60).u16(2)      // CNAME, rdlength 2
                            .u16(0xc000 | 41);                 // -> ns1.example.com at 41
  CHECK(wire == expected.b);
  message back;
  REQUIRE_FALSE(decode(wire, back));
  CHECK(back == m);
}

TEST_CASE("names inside unknown types are never compressed", "[unit][message]") {
  message m;
  m.questions.push_back({name::from_text("example.com."), rr_type::a, rr_class::in});
  record r;
  r.owner = name::from_text("example.com.");
  r.type = static_cast<rr_type>(65280);
  const name target = name::from_text("example.com.");
  const auto name_wire = target.wire();
  r.rdata.assign(name_wire.begin(), name_wire.end());
  m.answer.push_back(r);
  const auto wire = encode(m);
  // The rdata is the last 13 bytes, verbatim.
  REQUIRE(wire.size() > 13);
  CHECK(bytes(wire.end() - 13, wire.end()) == bytes(name_wire.begin(), name_wire.end()));
}

TEST_CASE("encode stops at a byte limit with TC and the counts of what fits", "[unit][message]") {
  message m;
  m.hdr.id = 9;
  m.hdr.qr = true;
  m.questions.push_back({name::from_text("many.example."), rr_type::a, rr_class::in});
  for (unsigned i = 0; i < 20; ++i) {
    m.answer.push_back(make_record("many.example.", rr_type::a, 60, "192.0.2." + std::to_string(i)));
  }
  m.additional.push_back(make_record("ns.example.", rr_type::a, 60, "192.0.2.53"));
  edns e;
  e.udp_payload_size = 512;
  m.opt = e;

  // header 12 + question 18 + each answer 16 (pointer owner) + additional 19 ("ns" + pointer
  // to "example.") + OPT 11.
  const std::size_t additional_size = 19;
  const std::size_t full = 12 + 18 + 20 * 16 + additional_size + 11;
  std::vector<std::uint8_t> buffer(4096);
  const auto whole = encode(m, buffer);
  CHECK(whole.size == full);
  CHECK_FALSE(whole.truncated);
  CHECK(encode(m, buffer, full).truncated == false);

  SECTION("one byte short drops the last non-OPT record") {
    const auto r = encode(m, buffer, full - 1);
    CHECK(r.truncated);
    CHECK(r.size == full - additional_size);
    message back;
    REQUIRE_FALSE(decode(std::span(buffer).first(r.size), back));
    CHECK(back.hdr.tc);
    CHECK(back.answer.size() == 20);
    CHECK(back.additional.empty());
    CHECK(back.opt);  // the OPT is never the one dropped
  }
  SECTION("a limit inside the answers keeps whole records only") {
    const std::size_t limit = 12 + 18 + 7 * 16 + 11 + 10;  // room for 7 answers and part of one
    const auto r = encode(m, buffer, limit);
    CHECK(r.truncated);
    CHECK(r.size == 12 + 18 + 7 * 16 + 11);
    CHECK(buffer[2] & 0x02);  // TC
    CHECK(((buffer[6] << 8) | buffer[7]) == 7);
    CHECK(((buffer[8] << 8) | buffer[9]) == 0);
    CHECK(((buffer[10] << 8) | buffer[11]) == 1);  // the OPT
    message back;
    REQUIRE_FALSE(decode(std::span(buffer).first(r.size), back));
    CHECK(back.answer.size() == 7);
    CHECK(back.answer[6] == m.answer[6]);
    REQUIRE(back.opt);
    CHECK(back.opt->udp_payload_size == 512);
  }
  SECTION("the buffer's size limits like max_size") {
    std::vector<std::uint8_t> small(100);
    const auto r = encode(m, small);
    CHECK(r.truncated);
    CHECK(r.size <= 100);
    message back;
    REQUIRE_FALSE(decode(std::span(small).first(r.size), back));
    CHECK(back.hdr.tc);
    CHECK(back.answer.size() == (100 - 12 - 18 - 11) / 16);
  }
  SECTION("room for the header only: no question, no OPT, TC") {
    const auto r = encode(m, buffer, 20);
    CHECK(r.truncated);
    CHECK(r.size == 12);
    message back;
    REQUIRE_FALSE(decode(std::span(buffer).first(r.size), back));
    CHECK(back.hdr.tc);
    CHECK(back.questions.empty());
    CHECK_FALSE(back.opt);
  }
  SECTION("less than a header writes nothing") {
    const auto r = encode(m, buffer, 11);
    CHECK(r.truncated);
    CHECK(r.size == 0);
  }
  SECTION("the vector form reports truncation") {
    bool truncated = false;
    const auto wire = encode(m, 200, &truncated);
    CHECK(truncated);
    CHECK(wire.size() <= 200);
    CHECK((wire[2] & 0x02) != 0);
  }
}

TEST_CASE("EDNS fields and options are decoded (RFC 6891 6.1.3)", "[unit][message][edns]") {
  // TTL: extended rcode 1, version 0, DO + one MBZ bit; two options.
  const auto p = packet{}
                     .header(5, 0x8000 | 0x0000, 0, 0, 0, 1)
                     .opt(4096, (1u << 24) | (0u << 16) | 0x8001,
                          {0, 3, 0, 2, 'h', 'i', 0xfd, 0xe9, 0, 0});
  message m;
  REQUIRE_FALSE(decode_bytes(p.b, m));
  REQUIRE(m.opt);
  CHECK(m.opt->udp_payload_size == 4096);
  CHECK(m.opt->extended_rcode == 1);
  CHECK(m.opt->version == 0);
  CHECK(m.opt->dnssec_ok);
  CHECK(m.opt->z == 1);
  REQUIRE(m.opt->options.size() == 2);
  CHECK(m.opt->options[0] == edns_option{3, {'h', 'i'}});
  CHECK(m.opt->options[1] == edns_option{0xfde9, {}});
  CHECK(m.additional.empty());
  CHECK(m.rcode() == rcode::badvers);  // 1 << 4 | 0
  CHECK(encode(m) == p.b);
}

TEST_CASE("rcode() and set_rcode() split the 12-bit rcode", "[unit][message][edns]") {
  message m;
  m.set_rcode(rcode::nxdomain);
  CHECK(m.hdr.rcode_low == 3);
  CHECK(m.rcode() == rcode::nxdomain);

  m.opt = edns{};
  m.set_rcode(rcode::badvers);
  CHECK(m.hdr.rcode_low == 0);
  CHECK(m.opt->extended_rcode == 1);
  CHECK(m.rcode() == rcode::badvers);
  m.set_rcode(static_cast<rcode>(0xabc));
  CHECK(m.hdr.rcode_low == 0xc);
  CHECK(m.opt->extended_rcode == 0xab);
  CHECK(static_cast<unsigned>(m.rcode()) == 0xabc);

  message plain;
  plain.set_rcode(rcode::badvers);  // no OPT to carry the upper bits
  CHECK_FALSE(plain.opt);
  CHECK(plain.rcode() == rcode::noerror);

  const auto wire = encode(m);
  message back;
  REQUIRE_FALSE(decode(wire, back));
  CHECK(static_cast<unsigned>(back.rcode()) == 0xabc);
}

TEST_CASE("make_query builds an RD query with EDNS", "[unit][message]") {
  const message q = make_query(0x4242, name::from_text("example.org."), rr_type::aaaa);
  const auto wire = encode(q);
  const auto expected = packet{}
                            .header(0x4242, 0x0100, 1, 0, 0, 1)
                            .question("example.org", 28)
                            .opt(1232);
  CHECK(wire == expected.b);

  edns e;
  e.udp_payload_size = 4096;
  e.dnssec_ok = true;
  const message q2 = make_query(1, name::from_text("example.org."), rr_type::mx, rr_class::ch,
                                false, e);
  CHECK_FALSE(q2.hdr.rd);
  CHECK(q2.questions[0].qclass == rr_class::ch);
  CHECK(q2.opt == e);
  const message q3 = make_query(1, name{}, rr_type::ns, rr_class::in, true, std::nullopt);
  CHECK(encode(q3).size() == 12 + 5);
}

TEST_CASE("decode accepts a message with every count zero and nothing else", "[unit][message]") {
  message m;
  REQUIRE_FALSE(decode_bytes(packet{}.header(0, 0, 0, 0, 0, 0).b, m));
  CHECK(m.questions.empty());
}

TEST_CASE("adversarial packets are rejected with their specific error", "[unit][message][adversarial]") {
  SECTION("truncated header") {
    CHECK(decode_error(bytes{0x12, 0x34, 0x01}) == errc::short_read);
    CHECK(decode_error(bytes(11, 0)) == errc::short_read);
  }
  SECTION("counts beyond the data") {
    CHECK(decode_error(packet{}.header(1, 0, 1, 0, 0, 0).b) == errc::short_read);
    CHECK(decode_error(packet{}.header(1, 0, 0, 0xffff, 0, 0).b) == errc::short_read);
    auto p = packet{}.header(1, 0, 1, 3, 0, 0).question("a.example");
    p.rr("a.example", 1, 1, 60, {192, 0, 2, 1});
    CHECK(decode_error(p.b) == errc::short_read);
    // Question cut inside its type/class.
    auto q = packet{}.header(1, 0, 1, 0, 0, 0).name("a.example").u16(1);
    CHECK(decode_error(q.b) == errc::short_read);
  }
  SECTION("a counted record limit") {
    auto p = packet{}.header(1, 0, 1, 2, 0, 0).question("a");
    p.rr("a", 1, 1, 0, {1, 2, 3, 4}).rr("a", 1, 1, 0, {1, 2, 3, 5});
    message m;
    CHECK(decode(p.b, m, decode_options{.max_records = 2}) == errc::too_many_records);
    CHECK_FALSE(decode(p.b, m, decode_options{.max_records = 3}));
  }
  SECTION("compression pointer into itself") {
    // The question name at offset 12 is a pointer to offset 12.
    auto p = packet{}.header(1, 0, 1, 0, 0, 0).u16(0xc00c).u16(1).u16(1);
    CHECK(decode_error(p.b) == errc::bad_pointer);
  }
  SECTION("compression loop") {
    // 12: label "a" then a pointer to 17; 17: pointer back to 12. Each pointer alone looks
    // fine to a naive reader that only checks bounds.
    auto p = packet{}.header(1, 0, 1, 0, 0, 0).u8(1).u8('a').u16(0xc000 | 17).u8(0);
    p.u16(0xc00c).u16(1).u16(1);
    CHECK(decode_error(p.b) == errc::bad_pointer);
  }
  SECTION("forward pointer") {
    auto p = packet{}.header(1, 0, 1, 0, 0, 0).u16(0xc000 | 18).u16(1).u16(1).name("a");
    CHECK(decode_error(p.b) == errc::bad_pointer);
  }
  SECTION("pointer beyond the message") {
    auto p = packet{}.header(1, 0, 1, 0, 0, 0).u16(0xc000 | 0x3fff).u16(1).u16(1);
    CHECK(decode_error(p.b) == errc::bad_pointer);
  }
  SECTION("pointer chain longer than any name needs") {
    // An opaque record holds a root label and then 200 pointers, each to the one before;
    // a second record's owner points at the last one.
    bytes chain{0};
    for (unsigned i = 0; i < 200; ++i) {
      const unsigned target = 12 + 5 + 11 + (i == 0 ? 0 : 1 + 2 * (i - 1));
      chain.push_back(static_cast<std::uint8_t>(0xc0 | (target >> 8)));
      chain.push_back(static_cast<std::uint8_t>(target & 0xff));
    }
    auto p = packet{}.header(1, 0, 1, 2, 0, 0).question(".");
    p.rr(".", 65280, 1, 0, chain);
    const unsigned last = 12 + 5 + 11 + 1 + 2 * 199;
    p.u16(0xc000 | last).u16(1).u16(1).u32(0).u16(4).raw({1, 2, 3, 4});
    CHECK(decode_error(p.b) == errc::too_many_pointers);
  }
  SECTION("64-octet label") {
    auto p = packet{}.header(1, 0, 1, 0, 0, 0).question(std::string(64, 'a'));
    CHECK(decode_error(p.b) == errc::label_too_long);
    auto ok = packet{}.header(1, 0, 1, 0, 0, 0).question(std::string(63, 'a'));
    CHECK_FALSE(decode_error(ok.b));
  }
  SECTION("256-octet name") {
    // 63 + 63 + 63 + 62 octets of labels with their length bytes and the root: 256 octets.
    const std::string n = std::string(63, 'a') + "." + std::string(63, 'b') + "." +
                          std::string(63, 'c') + "." + std::string(62, 'd');
    auto p = packet{}.header(1, 0, 1, 0, 0, 0).question(n);
    CHECK(decode_error(p.b) == errc::name_too_long);
    // One octet less is the longest legal name.
    auto ok = packet{}.header(1, 0, 1, 0, 0, 0).question(n.substr(0, n.size() - 1));
    CHECK_FALSE(decode_error(ok.b));
  }
  SECTION("256-octet name assembled through a pointer") {
    const std::string tail = std::string(63, 'b') + "." + std::string(63, 'c') + "." +
                             std::string(62, 'd');
    auto p = packet{}.header(1, 0, 2, 0, 0, 0).question(tail);  // 12: 191 octets
    p.u8(63).raw(bytes(63, 'a')).u16(0xc00c).u16(1).u16(1);     // 64 more through a pointer
    CHECK(decode_error(p.b) == errc::name_too_long);
  }
  SECTION("reserved label type") {
    auto p = packet{}.header(1, 0, 1, 0, 0, 0).u8(0x80).u8(0).u16(1).u16(1);
    CHECK(decode_error(p.b) == errc::bad_label_type);
  }
  SECTION("OPT in the answer section") {
    auto p = packet{}.header(1, 0x8000, 0, 1, 0, 0).opt();
    CHECK(decode_error(p.b) == errc::opt_not_in_additional);
  }
  SECTION("OPT in the authority section") {
    auto p = packet{}.header(1, 0x8000, 0, 0, 1, 0).opt();
    CHECK(decode_error(p.b) == errc::opt_not_in_additional);
  }
  SECTION("two OPT records") {
    auto p = packet{}.header(1, 0x8000, 0, 0, 0, 2).opt().opt();
    CHECK(decode_error(p.b) == errc::multiple_opt);
    auto q = packet{}.header(1, 0x8000, 0, 0, 0, 3).opt();
    q.rr("a", 1, 1, 0, {1, 2, 3, 4}).opt();
    CHECK(decode_error(q.b) == errc::multiple_opt);
  }
  SECTION("OPT with a non-root owner") {
    auto p = packet{}.header(1, 0x8000, 0, 0, 0, 1).rr("example", 41, 1232, 0, {});
    CHECK(decode_error(p.b) == errc::bad_opt_owner);
  }
  SECTION("OPT option running past RDLENGTH") {
    auto p = packet{}.header(1, 0x8000, 0, 0, 0, 1).opt(1232, 0, {0, 3, 0, 5, 'a'});
    CHECK(decode_error(p.b) == errc::bad_rdata);
    auto q = packet{}.header(1, 0x8000, 0, 0, 0, 1).opt(1232, 0, {0, 3, 0});
    CHECK(decode_error(q.b) == errc::bad_rdata);
  }
  SECTION("trailing garbage") {
    auto p = packet{}.header(1, 0, 1, 0, 0, 0).question("example").u8(0);
    CHECK(decode_error(p.b) == errc::trailing_data);
    auto q = packet{}.header(1, 0, 0, 0, 0, 0).u8(0xff);
    CHECK(decode_error(q.b) == errc::trailing_data);
  }
  SECTION("rdlength beyond the data") {
    auto p = packet{}.header(1, 0, 0, 1, 0, 0).name("a").u16(1).u16(1).u32(0).u16(4).raw({1, 2, 3});
    CHECK(decode_error(p.b) == errc::short_read);
  }
  SECTION("rdata that does not match its type") {
    auto p = packet{}.header(1, 0, 0, 1, 0, 0).rr("a", 1, 1, 0, {1, 2, 3, 4, 5});
    CHECK(decode_error(p.b) == errc::bad_rdata);
    auto q = packet{}.header(1, 0, 0, 1, 0, 0).rr("a", 28, 1, 0, bytes(15, 0));
    CHECK(decode_error(q.b) == errc::bad_rdata);
    // MX whose exchange name ends before its rdata does.
    auto r = packet{}.header(1, 0, 0, 1, 0, 0).rr("a", 15, 1, 0, {0, 10, 0, 0xff});
    CHECK(decode_error(r.b) == errc::bad_rdata);
  }
  SECTION("a name inside rdata may not run past rdlength") {
    // NS rdata of length 3 holding the start of a longer name.
    auto p = packet{}.header(1, 0, 0, 1, 0, 0).name("a").u16(2).u16(1).u32(0).u16(3);
    p.u8(5).raw({'a', 'b', 'c', 'd', 'e'}).u8(0);
    const auto ec = decode_error(p.b);
    CHECK((ec == errc::short_read || ec == errc::bad_rdata));
  }
}

TEST_CASE("answer_only keeps question, answer and OPT and steps over the rest", "[unit][message][edns]") {
  message m = typical_response();
  m.opt->extended_rcode = 1;  // BADVERS: only the OPT record carries it
  const auto wire = encode(m);
  message back;
  REQUIRE_FALSE(decode(wire, back, decode_options{.answer_only = true}));
  CHECK(back.hdr == m.hdr);
  CHECK(back.questions == m.questions);
  CHECK(back.answer == m.answer);
  CHECK(back.authority.empty());
  CHECK(back.additional.empty());
  CHECK(back.opt == m.opt);
  CHECK(back.rcode() == rcode::badvers);
}

TEST_CASE("answer_only reads the OPT record's fields as the full decode does", "[unit][message][edns]") {
  auto both = [](const bytes& wire) {
    message full, answers;
    const auto full_ec = decode(wire, full);
    const auto answers_ec = decode(wire, answers, decode_options{.answer_only = true});
    CHECK(full_ec == answers_ec);
    CHECK(full.opt == answers.opt);
    return answers;
  };
  SECTION("payload size, extended rcode, version, DO, the other flags and the options") {
    const bytes options{0, 10, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8, 0, 12, 0, 0};  // cookie, padding
    const auto m = both(packet{}.header(1, 0x8000, 1, 0, 0, 1).question("a").opt(4096, 0x01028001, options).b);
    REQUIRE(m.opt);
    CHECK(m.opt->udp_payload_size == 4096);
    CHECK(m.opt->extended_rcode == 1);
    CHECK(m.opt->version == 2);
    CHECK(m.opt->dnssec_ok);
    CHECK(m.opt->z == 1);
    REQUIRE(m.opt->options.size() == 2);
    CHECK(m.opt->options[0].code == 10);
    CHECK(m.opt->options[0].data == std::vector<std::uint8_t>{1, 2, 3, 4, 5, 6, 7, 8});
    CHECK(m.opt->options[1].code == 12);
    CHECK(m.opt->options[1].data.empty());
  }
  SECTION("an owner compressed to the root label is the root") {
    // The question's name "a" ends with the root label at offset 14.
    auto p = packet{}.header(1, 0x8000, 1, 0, 0, 1).question("a");
    p.u8(0xc0).u8(14).u16(41).u16(1232).u32(0).u16(0);
    const auto m = both(p.b);
    REQUIRE(m.opt);
    CHECK(m.opt->udp_payload_size == 1232);
  }
  SECTION("an option running past RDLENGTH") {
    const auto wire = packet{}.header(1, 0x8000, 0, 0, 0, 1).opt(1232, 0, {0, 10, 0, 8, 1, 2}).b;
    message m;
    CHECK(decode(wire, m, decode_options{.answer_only = true}) == errc::bad_rdata);
    both(wire);
  }
}

TEST_CASE("answer_only still rejects what it steps over when it is malformed",
          "[unit][message][adversarial]") {
  const decode_options answer_only{.answer_only = true};
  auto error = [&](const bytes& wire) {
    message m;
    return decode(wire, m, answer_only);
  };
  SECTION("a name in the authority section running past the end") {
    auto p = packet{}.header(1, 0x8000, 0, 0, 1, 0).u8(5).raw({'a', 'b'});
    CHECK(error(p.b) == errc::short_read);
  }
  SECTION("rdlength beyond the data") {
    auto p = packet{}.header(1, 0x8000, 0, 0, 0, 1).name("a").u16(1).u16(1).u32(0).u16(4).raw({1, 2, 3});
    CHECK(error(p.b) == errc::short_read);
  }
  SECTION("a reserved label type") {
    auto p = packet{}.header(1, 0x8000, 0, 0, 1, 0).u8(0x80).u8(0).u16(1).u16(1).u32(0).u16(0);
    CHECK(error(p.b) == errc::bad_label_type);
  }
  SECTION("a 256-octet owner") {
    packet p;
    p.header(1, 0x8000, 0, 0, 1, 0);
    for (int i = 0; i < 4; ++i) p.u8(63).raw(bytes(63, 'a'));
    p.u8(0).u16(1).u16(1).u32(0).u16(0);
    CHECK(error(p.b) == errc::name_too_long);
  }
  SECTION("OPT in the authority section, two OPTs, a bad OPT owner") {
    CHECK(error(packet{}.header(1, 0x8000, 0, 0, 1, 0).opt().b) == errc::opt_not_in_additional);
    CHECK(error(packet{}.header(1, 0x8000, 0, 0, 0, 2).opt().opt().b) == errc::multiple_opt);
    CHECK(error(packet{}.header(1, 0x8000, 0, 0, 0, 1).rr("example", 41, 1232, 0, {}).b) ==
          errc::bad_opt_owner);
  }
  SECTION("trailing garbage") {
    auto p = packet{}.header(1, 0x8000, 0, 0, 1, 0).rr("a", 1, 1, 0, {1, 2, 3, 4}).u8(0);
    CHECK(error(p.b) == errc::trailing_data);
  }
  SECTION("the same packets are fine without the garbage") {
    CHECK_FALSE(error(packet{}.header(1, 0x8000, 0, 0, 1, 1).rr("a", 1, 1, 0, {1, 2, 3, 4}).opt().b));
  }
}

TEST_CASE("answer_only after a query without OPT stops after the answer section",
          "[unit][message][edns]") {
  const decode_options answers_no_opt{.answer_only = true, .query_had_opt = false};
  const decode_options answers_with_opt{.answer_only = true, .query_had_opt = true};
  SECTION("question, answer and header as the full decode has them") {
    message m = typical_response();
    m.opt.reset();  // the query had no OPT, so neither has the response
    REQUIRE_FALSE(m.authority.empty());
    REQUIRE_FALSE(m.additional.empty());
    const auto wire = encode(m);
    message full, back;
    REQUIRE_FALSE(decode(wire, full));
    REQUIRE_FALSE(decode(wire, back, answers_no_opt));
    CHECK(back.hdr == full.hdr);
    CHECK(back.questions == full.questions);
    CHECK(back.answer == full.answer);
    CHECK(back.answer.size() == 2);
    CHECK(back.authority.empty());
    CHECK(back.additional.empty());
    CHECK_FALSE(back.opt);
    CHECK(back.rcode() == full.rcode());
  }
  SECTION("an OPT record a server sends regardless is not read") {
    const auto wire = encode(typical_response());
    message back;
    REQUIRE_FALSE(decode(wire, back, answers_no_opt));
    CHECK(back.answer == typical_response().answer);
    CHECK_FALSE(back.opt);
    // Told that the query carried one, answer_only still reads it.
    REQUIRE_FALSE(decode(wire, back, answers_with_opt));
    CHECK(back.opt == typical_response().opt);
  }
  // Question, one A answer, then an additional section cut short in its first record's name.
  auto truncated_additional = [] {
    auto p = packet{}.header(1, 0x8400, 1, 1, 0, 1).question("a").rr("a", 1, 1, 60, {192, 0, 2, 1});
    p.u8(5).raw({'a', 'b'});
    return p.b;
  };
  SECTION("a malformed additional section is not looked at") {
    message full, back;
    CHECK(decode(truncated_additional(), full) == errc::short_read);
    REQUIRE_FALSE(decode(truncated_additional(), back, answers_no_opt));
    REQUIRE(back.questions.size() == 1);
    CHECK(back.questions[0].qname == name::from_text("a."));
    REQUIRE(back.answer.size() == 1);
    CHECK(back.answer[0].rdata == rdata_bytes{192, 0, 2, 1});
    CHECK(back.hdr.aa);
    // Nor are bytes after it, whatever their count says.
    auto garbage = packet{}.header(1, 0x8000, 1, 1, 2, 3).question("a").rr("a", 1, 1, 60, {192, 0, 2, 1});
    garbage.raw({0xff, 0xff, 0xff});
    CHECK_FALSE(decode(garbage.b, back, answers_no_opt));
    CHECK(decode(garbage.b, back, answers_with_opt));
  }
  SECTION("told the query had OPT, a truncated additional section is still rejected") {
    message back;
    CHECK(decode(truncated_additional(), back, answers_with_opt) == errc::short_read);
    CHECK(decode(truncated_additional(), back, decode_options{.answer_only = true}) ==
          errc::short_read);
  }
  SECTION("the question and answer sections are checked as always") {
    auto p = packet{}.header(1, 0x8000, 1, 1, 0, 0).question("a").rr("a", 1, 1, 60, {192, 0, 2});
    message back;
    CHECK(decode(p.b, back, answers_no_opt) == errc::bad_rdata);
    CHECK(decode(packet{}.header(1, 0x8000, 1, 1, 0, 0).question("a").b, back, answers_no_opt) ==
          errc::short_read);
  }
  SECTION("without answer_only the flag changes nothing") {
    const auto wire = encode(typical_response());
    message back;
    REQUIRE_FALSE(decode(wire, back, decode_options{.query_had_opt = false}));
    CHECK(back == typical_response());
    CHECK(decode(truncated_additional(), back, decode_options{.query_had_opt = false}) ==
          errc::short_read);
  }
}

TEST_CASE("decode of a failed packet never throws and reports the first error",
          "[unit][message][adversarial]") {
  // Every prefix of a valid message is either the full message or an error, never a crash.
  const auto wire = encode(typical_response());
  for (std::size_t n = 0; n < wire.size(); ++n) {
    message m;
    const auto ec = decode(std::span(wire).first(n), m);
    INFO("prefix " << n);
    CHECK(ec);
  }
  message m;
  CHECK_FALSE(decode(wire, m));
}

TEST_CASE("empty rdata with class ANY or NONE is an UPDATE record (RFC 2136 2.4-2.5)",
          "[unit][message]") {
  // Zone x. SOA; prerequisite "y.x. A exists" (ANY, empty), "v.x. A absent" (NONE, empty);
  // update "delete w.x. A" (ANY, empty).
  auto update = packet{}.header(1, 5u << 11, 1, 2, 1, 0).question("x", 6);
  update.rr("y.x", 1, 255, 0, {}).rr("v.x", 1, 254, 0, {}).rr("w.x", 1, 255, 0, {});
  message m;
  REQUIRE_FALSE(decode_bytes(update.b, m));
  CHECK(m.hdr.op == opcode::update);
  REQUIRE(m.answer.size() == 2);
  CHECK(m.answer[0].klass == rr_class::any);
  CHECK(m.answer[0].rdata.empty());
  CHECK(m.answer[1].klass == rr_class::none);
  message back;
  REQUIRE_FALSE(decode(encode(m), back));
  CHECK(back == m);

  // Class IN still needs real rdata.
  auto in_class = packet{}.header(1, 5u << 11, 1, 1, 0, 0).question("x", 6);
  in_class.rr("y.x", 1, 1, 0, {});
  CHECK(decode_error(in_class.b) == errc::bad_rdata);
}

TEST_CASE("compression matches names without case, the later name takes the earlier spelling",
          "[unit][message]") {
  // RFC 1035 §2.3.3: names compare case-insensitively, so "ns1.example.com." in NS rdata is
  // written as a pointer to the question's "NS1.Example.com.". Decoded, it is equal to what was
  // encoded, but spelled like the question.
  message m;
  m.questions.push_back({name::from_text("NS1.Example.com."), rr_type::a, rr_class::in});
  m.answer.push_back(make_record("example.com.", rr_type::ns, 60, "ns1.example.com."));
  const auto wire = encode(m);
  // NS rdata is just the pointer to offset 12.
  CHECK(wire.size() == 12 + 21 + 2 + 10 + 2);  // owner: pointer to "Example.com." at 16
  CHECK(wire[wire.size() - 2] == 0xc0);
  CHECK(wire[wire.size() - 1] == 12);
  message back;
  REQUIRE_FALSE(decode(wire, back));
  const auto target = rdata_name(back.answer[0].rdata);
  REQUIRE(target);
  CHECK(*target == name::from_text("ns1.example.com."));
  CHECK(target->identical(name::from_text("NS1.Example.com.")));
  CHECK(back.answer[0].owner.identical(name::from_text("Example.com.")));
}
