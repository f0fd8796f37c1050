// Response sizes and truncation: 512 without EDNS, min(client, ours) with it, 65535 over TCP;
// additional data dropped before TC; TC with empty sections (RFC 1035 §4.2.1, RFC 2181 §9,
// RFC 6891 §6.2.5).
#include "responder_test_util.hpp"

using namespace dnskit;
using namespace dnskit::nameserver;
using namespace dnskit::nameserver::test;

TEST_CASE("without EDNS an answer over 512 bytes is TC with empty sections", "[unit]") {
  const auto set = example_set();
  const auto r = ask(*set, query_bytes("many.example.test.", dns::rr_type::a));
  CHECK(r.wire.size() <= 512);
  CHECK(r.msg.hdr.tc);
  CHECK(r.msg.hdr.aa);
  CHECK(r.msg.rcode() == dns::rcode::noerror);
  CHECK(r.msg.questions.size() == 1);
  CHECK(r.msg.answer.empty());
  CHECK(r.msg.authority.empty());
  CHECK(r.msg.additional.empty());
  CHECK(r.result.truncated);
}

TEST_CASE("with EDNS the same answer fits in 1232 bytes", "[unit]") {
  const auto set = example_set();
  const auto r = ask(*set, query_bytes("many.example.test.", dns::rr_type::a, edns0(4096)));
  CHECK_FALSE(r.msg.hdr.tc);
  CHECK(r.msg.answer.size() == 40);
  CHECK(r.wire.size() > 512);
  CHECK(r.wire.size() <= 1232);
  REQUIRE(r.msg.opt.has_value());
}

TEST_CASE("a client size below 512 counts as 512, the client's size limits ours", "[unit]") {
  const auto set = example_set();
  const auto tiny = ask(*set, query_bytes("many.example.test.", dns::rr_type::a, edns0(100)));
  CHECK(tiny.msg.hdr.tc);
  CHECK(tiny.wire.size() <= 512);
  REQUIRE(tiny.msg.opt.has_value());  // the OPT survives truncation (RFC 6891 §7)

  // `huge` is ~6 KB: over 1232 even when the client offers 4096.
  const auto big = ask(*set, query_bytes("huge.example.test.", dns::rr_type::txt, edns0(4096)));
  CHECK(big.msg.hdr.tc);
  CHECK(big.wire.size() <= 1232);

  responder_options o;
  o.max_udp_payload = 4096;
  const responder generous(o);
  const auto mid = ask(generous, *set, query_bytes("many.example.test.", dns::rr_type::a, edns0(600)));
  CHECK(mid.msg.hdr.tc);  // 40 A records need more than the client's 600
  CHECK(mid.wire.size() <= 600);
  const auto ok = ask(generous, *set, query_bytes("many.example.test.", dns::rr_type::a, edns0(1000)));
  CHECK_FALSE(ok.msg.hdr.tc);
  CHECK(ok.wire.size() <= 1000);
}

TEST_CASE("over TCP the whole answer is sent", "[unit]") {
  const auto set = example_set();
  const auto r = ask(*set, query_bytes("huge.example.test.", dns::rr_type::txt), tcp_from_loopback());
  CHECK_FALSE(r.msg.hdr.tc);
  CHECK(r.msg.answer.size() == 60);
  CHECK(r.wire.size() > 4096);
}

TEST_CASE("additional records go first, without TC", "[unit]") {
  // Twenty MX targets with addresses: the MX RRset fits in 512, the addresses do not all.
  std::string text = "$TTL 60\n@ SOA ns hm 1 1 1 1 1\n@ NS ns\nns A 192.0.2.1\n";
  for (int i = 0; i < 20; ++i) {
    const std::string host = "m" + std::to_string(i);
    text += "@ MX " + std::to_string(i) + " " + host + "\n";
    text += host + " A 192.0.2." + std::to_string(100 + i) + "\n";
  }
  const zones::zone_set set({make_zone("mx.test.", text)});
  const auto tcp = ask(set, query_bytes("mx.test.", dns::rr_type::mx), tcp_from_loopback());
  REQUIRE(tcp.msg.answer.size() == 20);
  const std::size_t all_additional = tcp.msg.additional.size();
  CHECK(all_additional >= 20);

  const auto udp = ask(set, query_bytes("mx.test.", dns::rr_type::mx));
  CHECK(udp.wire.size() <= 512);
  CHECK_FALSE(udp.msg.hdr.tc);
  CHECK(udp.msg.answer.size() == 20);
  CHECK(udp.msg.additional.size() < all_additional);
}

TEST_CASE("UDP answers with EDNS never exceed the limit", "[unit]") {
  const auto set = example_set();
  for (std::uint16_t size : {512, 700, 1000, 1232, 1500, 4096}) {
    for (const char* name : {"many.example.test.", "huge.example.test.", "example.test."}) {
      for (auto type : {dns::rr_type::a, dns::rr_type::txt, dns::rr_type::any, dns::rr_type::ns}) {
        const auto r = ask(*set, query_bytes(name, type, edns0(size)));
        INFO(name << " " << dns::to_string(type) << " " << size);
        CHECK(r.wire.size() <= std::min<std::size_t>(std::max<std::uint16_t>(size, 512), 1232));
        REQUIRE(r.msg.opt.has_value());
      }
    }
  }
}

TEST_CASE("an answer that fits without the apex NS goes without them, not truncated", "[unit]") {
  // The TXT answer takes about 440 bytes; the six apex NS in authority would take it past 512.
  // They are optional on a positive answer (RFC 2181 §9): the answer goes whole, TC clear.
  std::string text = "$TTL 60\n@ SOA ns0 hm 1 1 1 1 1\n";
  for (int i = 0; i < 6; ++i) {
    text += "@ NS ns" + std::to_string(i) + "\nns" + std::to_string(i) + " A 192.0.2." +
            std::to_string(i + 1) + "\n";
  }
  text += "t TXT \"" + std::string(200, 'a') + "\" \"" + std::string(200, 'b') + "\"\n";
  const zones::zone_set set({make_zone("fit.test.", text)});
  const auto tcp = ask(set, query_bytes("t.fit.test.", dns::rr_type::txt), tcp_from_loopback());
  REQUIRE(tcp.msg.authority.size() == 6);
  CHECK(tcp.wire.size() > 512);

  const auto udp = ask(set, query_bytes("t.fit.test.", dns::rr_type::txt));
  CHECK(udp.wire.size() <= 512);
  CHECK_FALSE(udp.msg.hdr.tc);
  CHECK_FALSE(udp.result.truncated);
  CHECK(udp.msg.answer.size() == 1);
  CHECK(udp.msg.authority.empty());
  CHECK(udp.msg.additional.empty());

  // A negative answer's SOA is required: a name that does not exist still gets it.
  const auto nx = ask(set, query_bytes("nothere.fit.test.", dns::rr_type::txt));
  CHECK(nx.msg.rcode() == dns::rcode::nxdomain);
  CHECK(nx.msg.authority.size() == 1);
}
