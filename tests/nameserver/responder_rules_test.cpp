// The header and rcode rules of query processing (RFC 1035 §4.1.1, RFC 8906), through respond().
#include "responder_test_util.hpp"

using namespace dnskit;
using namespace dnskit::nameserver;
using namespace dnskit::nameserver::test;

TEST_CASE("a positive answer is authoritative and echoes ID, question and RD", "[unit]") {
  const auto set = example_set();
  auto q = query_bytes("www.example.test.", dns::rr_type::a, std::nullopt, dns::rr_class::in,
                       0xBEEF, true);
  const auto r = ask(*set, q);
  REQUIRE(r.result.what == outcome::action::reply);
  CHECK(r.msg.hdr.id == 0xBEEF);
  CHECK(r.msg.hdr.qr);
  CHECK(r.msg.hdr.aa);
  CHECK(r.msg.hdr.rd);       // copied
  CHECK_FALSE(r.msg.hdr.ra);  // no recursion, ever
  CHECK_FALSE(r.msg.hdr.tc);
  CHECK_FALSE(r.msg.hdr.ad);
  CHECK_FALSE(r.msg.hdr.z);
  CHECK(r.msg.rcode() == dns::rcode::noerror);
  REQUIRE(r.msg.questions.size() == 1);
  CHECK(r.msg.questions[0].qtype == dns::rr_type::a);
  REQUIRE(r.msg.answer.size() == 1);
  CHECK(r.msg.answer[0].rdata == dns::rdata_bytes{192, 0, 2, 10});
  CHECK_FALSE(r.msg.opt.has_value());  // no OPT in the query, none in the answer
  CHECK(count_type(r.msg.authority, dns::rr_type::ns) == 2);
  CHECK(r.result.zone != nullptr);
}

TEST_CASE("RD clear stays clear, CD is copied, Z is never echoed", "[unit]") {
  const auto set = example_set();
  auto q = query_bytes("www.example.test.", dns::rr_type::a);
  q[3] |= 0x10 | 0x40;  // CD and Z
  const auto r = ask(*set, q);
  CHECK_FALSE(r.msg.hdr.rd);
  CHECK(r.msg.hdr.cd);  // RFC 4035 §3.1.6
  CHECK_FALSE(r.msg.hdr.z);
  CHECK(r.msg.rcode() == dns::rcode::noerror);
}

TEST_CASE("the question is echoed in the client's exact case (0x20)", "[unit]") {
  const auto set = example_set();
  const auto q = query_bytes("wWw.ExAmPlE.tEsT.", dns::rr_type::a);
  const auto r = ask(*set, q);
  REQUIRE(r.msg.questions.size() == 1);
  CHECK(r.msg.questions[0].qname.identical(dns::name::from_text("wWw.ExAmPlE.tEsT.")));
  // The question bytes are the query's own.
  REQUIRE(r.wire.size() >= q.size());
  CHECK(std::equal(q.begin() + 12, q.end(), r.wire.begin() + 12));
  CHECK(r.msg.answer.size() == 1);
}

TEST_CASE("NXDOMAIN and NODATA carry the SOA, AA set", "[unit]") {
  const auto set = example_set();
  const auto nx = ask(*set, query_bytes("nope.example.test.", dns::rr_type::a));
  CHECK(nx.msg.rcode() == dns::rcode::nxdomain);
  CHECK(nx.msg.hdr.aa);
  CHECK(nx.msg.answer.empty());
  CHECK(count_type(nx.msg.authority, dns::rr_type::soa) == 1);

  const auto nodata = ask(*set, query_bytes("mail.example.test.", dns::rr_type::aaaa));
  CHECK(nodata.msg.rcode() == dns::rcode::noerror);
  CHECK(nodata.msg.hdr.aa);
  CHECK(nodata.msg.answer.empty());
  CHECK(count_type(nodata.msg.authority, dns::rr_type::soa) == 1);

  // RFC 8906 §3.1.2: an unknown type is NODATA, not an error.
  const auto unknown = ask(*set, query_bytes("www.example.test.", static_cast<dns::rr_type>(1000)));
  CHECK(unknown.msg.rcode() == dns::rcode::noerror);
  CHECK(unknown.msg.hdr.aa);
}

TEST_CASE("a referral has AA clear, NS in authority and glue", "[unit]") {
  const auto set = example_set();
  const auto r = ask(*set, query_bytes("host.sub.example.test.", dns::rr_type::a));
  CHECK(r.msg.rcode() == dns::rcode::noerror);
  CHECK_FALSE(r.msg.hdr.aa);
  CHECK(r.msg.answer.empty());
  CHECK(count_type(r.msg.authority, dns::rr_type::ns) == 2);
  REQUIRE(count_type(r.msg.additional, dns::rr_type::a) >= 1);
}

TEST_CASE("names outside every zone are REFUSED without data or AA", "[unit]") {
  const auto set = example_set();
  for (const char* name : {"example.org.", "test.", ".", "xexample.test."}) {
    INFO(name);
    const auto r = ask(*set, query_bytes(name, dns::rr_type::a));
    CHECK(r.msg.rcode() == dns::rcode::refused);
    CHECK_FALSE(r.msg.hdr.aa);
    CHECK(r.msg.questions.size() == 1);
    CHECK(r.msg.answer.empty());
    CHECK(r.msg.authority.empty());
    CHECK(r.msg.additional.empty());
    CHECK(r.result.zone == nullptr);
  }
}

TEST_CASE("classes other than IN, CH and ANY are REFUSED", "[unit]") {
  const auto set = example_set();
  const auto r = ask(*set, query_bytes("www.example.test.", dns::rr_type::a, std::nullopt,
                                       dns::rr_class::hs));
  CHECK(r.msg.rcode() == dns::rcode::refused);
  const auto any = ask(*set, query_bytes("www.example.test.", dns::rr_type::a, std::nullopt,
                                         dns::rr_class::any));
  CHECK(any.msg.rcode() == dns::rcode::noerror);
  CHECK(any.msg.answer.size() == 1);
}

TEST_CASE("packets shorter than a header and responses are dropped", "[unit]") {
  const auto set = example_set();
  for (std::size_t n = 0; n < 12; ++n) {
    const std::vector<std::uint8_t> q(n, 0);
    const auto r = ask(*set, q);
    CHECK(r.result.what == outcome::action::drop);
    CHECK(r.wire.empty());
  }
  auto q = query_bytes("www.example.test.", dns::rr_type::a);
  q[2] |= 0x80;  // QR
  const auto r = ask(*set, q);
  CHECK(r.result.what == outcome::action::drop);
  CHECK(r.wire.empty());
}

TEST_CASE("UPDATE: FORMERR without an SOA zone section, NOTAUTH outside, REFUSED by default",
          "[unit]") {
  const auto set = example_set();
  auto with_opcode = [](std::vector<std::uint8_t> q) {
    q[2] = static_cast<std::uint8_t>((q[2] & 0x87) | (5 << 3));  // RFC 2136 §2.2: UPDATE
    return q;
  };
  const auto formerr = ask(*set, with_opcode(query_bytes("example.test.", dns::rr_type::a)));
  CHECK(formerr.msg.rcode() == dns::rcode::formerr);
  const auto notauth = ask(*set, with_opcode(query_bytes("other.test.", dns::rr_type::soa)));
  CHECK(notauth.msg.rcode() == dns::rcode::notauth);
  const auto refused = ask(*set, with_opcode(query_bytes("example.test.", dns::rr_type::soa)));
  CHECK(refused.msg.rcode() == dns::rcode::refused);
  CHECK(static_cast<int>(refused.msg.hdr.op) == 5);
  CHECK(refused.msg.questions.size() == 1);  // the zone section echoed (§3.8)
}

TEST_CASE("opcodes other than QUERY, NOTIFY and UPDATE get NOTIMP, header only", "[unit]") {
  const auto set = example_set();
  for (std::uint8_t op : {1, 2, 3, 6, 15}) {
    INFO("opcode " << int(op));
    auto q = query_bytes("www.example.test.", dns::rr_type::a, edns0());
    q[2] = static_cast<std::uint8_t>((q[2] & 0x87) | (op << 3));
    const auto r = ask(*set, q);
    REQUIRE(r.decoded);
    CHECK(r.msg.rcode() == dns::rcode::notimp);
    CHECK(static_cast<int>(r.msg.hdr.op) == op);
    CHECK_FALSE(r.msg.hdr.aa);
    CHECK(r.msg.questions.empty());
    CHECK(r.msg.answer.empty());
  }
  // A bare header (dig +header-only +opcode=15).
  std::vector<std::uint8_t> bare(12, 0);
  bare[0] = 0x42;
  bare[2] = 15 << 3;
  const auto r = ask(*set, bare);
  CHECK(r.msg.rcode() == dns::rcode::notimp);
  CHECK(r.msg.hdr.id == 0x4200);
}

TEST_CASE("NOTIFY is refused cleanly with the question echoed", "[unit]") {
  const auto set = example_set();
  auto q = query_bytes("example.test.", dns::rr_type::soa);
  q[2] = static_cast<std::uint8_t>((q[2] & 0x87) | (4 << 3) | 0x04);  // NOTIFY, AA
  const auto r = ask(*set, q);
  CHECK(r.msg.hdr.op == dns::opcode::notify);
  CHECK(r.msg.rcode() == dns::rcode::refused);
  CHECK(r.msg.questions.size() == 1);
  CHECK(r.msg.answer.empty());
}

TEST_CASE("FORMERR for QDCOUNT != 1 and undecodable questions, header only", "[unit]") {
  const auto set = example_set();
  SECTION("no question") {
    std::vector<std::uint8_t> q(12, 0);
    q[0] = 0x11;
    q[1] = 0x22;
    const auto r = ask(*set, q);
    CHECK(r.msg.rcode() == dns::rcode::formerr);
    CHECK(r.msg.hdr.id == 0x1122);
    CHECK(r.msg.questions.empty());
  }
  SECTION("two questions") {
    auto q = query_bytes("www.example.test.", dns::rr_type::a);
    const std::vector<std::uint8_t> question(q.begin() + 12, q.end());
    q.insert(q.end(), question.begin(), question.end());
    q[5] = 2;
    const auto r = ask(*set, q);
    CHECK(r.msg.rcode() == dns::rcode::formerr);
    CHECK(r.msg.questions.empty());
  }
  SECTION("question cut short") {
    auto q = query_bytes("www.example.test.", dns::rr_type::a);
    q.resize(q.size() - 3);
    const auto r = ask(*set, q);
    CHECK(r.msg.rcode() == dns::rcode::formerr);
    CHECK(r.msg.questions.empty());
  }
  SECTION("compressed question name") {
    std::vector<std::uint8_t> q = {0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xC0, 0x04, 0, 1, 0, 1};
    const auto r = ask(*set, q);
    CHECK(r.msg.rcode() == dns::rcode::formerr);
  }
  SECTION("bad label type") {
    std::vector<std::uint8_t> q = {0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0x41, 'a', 0, 0, 1, 0, 1};
    const auto r = ask(*set, q);
    CHECK(r.msg.rcode() == dns::rcode::formerr);
  }
  SECTION("answer count beyond the data") {
    auto q = query_bytes("www.example.test.", dns::rr_type::a);
    q[7] = 3;  // ANCOUNT 3, no records
    const auto r = ask(*set, q);
    CHECK(r.msg.rcode() == dns::rcode::formerr);
    CHECK(r.msg.questions.size() == 1);  // the question itself was fine
  }
}

TEST_CASE("meta query types", "[unit]") {
  const auto set = example_set();
  CHECK(ask(*set, query_bytes("example.test.", dns::rr_type::opt)).msg.rcode() ==
        dns::rcode::formerr);
  CHECK(ask(*set, query_bytes("example.test.", dns::rr_type::mailb)).msg.rcode() ==
        dns::rcode::notimp);
  CHECK(ask(*set, query_bytes("example.test.", dns::rr_type::tsig)).msg.rcode() ==
        dns::rcode::notimp);
}

TEST_CASE("CNAME answers and wildcards come from the zone lookup", "[unit]") {
  const auto set = example_set();
  const auto cname = ask(*set, query_bytes("alias.example.test.", dns::rr_type::a));
  CHECK(cname.msg.hdr.aa);
  CHECK(count_type(cname.msg.answer, dns::rr_type::cname) == 1);
  CHECK(count_type(cname.msg.answer, dns::rr_type::a) == 1);

  const auto wild = ask(*set, query_bytes("X.Y.wild.example.test.", dns::rr_type::a));
  REQUIRE(wild.msg.answer.size() == 1);
  CHECK(wild.msg.answer[0].owner == dns::name::from_text("x.y.wild.example.test."));
}

TEST_CASE("several zones: the closest enclosing one answers", "[unit]") {
  const auto parent = make_zone("example.test.", example_zone_text());
  const auto child = make_zone("child.example.test.",
                               "$TTL 60\n@ SOA ns hm 7 1 1 1 1\n@ NS ns\nns A 192.0.2.7\n"
                               "www A 192.0.2.8\n");
  const zones::zone_set set({parent, child});
  const auto r = ask(set, query_bytes("www.child.example.test.", dns::rr_type::a));
  CHECK(r.msg.hdr.aa);
  REQUIRE(r.msg.answer.size() == 1);
  CHECK(r.msg.answer[0].rdata == dns::rdata_bytes{192, 0, 2, 8});
  CHECK(r.result.zone == child.get());
}

TEST_CASE("a buffer too small for a header answers nothing", "[unit]") {
  const auto set = example_set();
  const responder r{responder_options{}};
  scratch work;
  std::array<std::uint8_t, 11> tiny{};
  const auto q = query_bytes("www.example.test.", dns::rr_type::a);
  const auto res = r.respond(q, udp_from_loopback(), *set, work, tiny);
  CHECK(res.what == outcome::action::drop);
  CHECK(res.size == 0);
}
