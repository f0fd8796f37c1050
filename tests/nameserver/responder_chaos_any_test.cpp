// CHAOS identity answers (version.bind, id.server, ...) and RFC 8482 minimal ANY.
#include "responder_test_util.hpp"

using namespace dnskit;
using namespace dnskit::nameserver;
using namespace dnskit::nameserver::test;

namespace {

responder with_identity() {
  responder_options o;
  o.version = "dnskit 0.1.0";
  o.identity = "ns1.example";
  return responder(o);
}

}  // namespace

TEST_CASE("CH TXT version.bind and id.server when configured", "[unit]") {
  const auto set = example_set();
  const auto r = with_identity();
  struct probe {
    const char* name;
    const char* text;
  };
  for (const auto& p : {probe{"version.bind.", "dnskit 0.1.0"}, probe{"VERSION.server.", "dnskit 0.1.0"},
                        probe{"id.server.", "ns1.example"}, probe{"hostname.BIND.", "ns1.example"}}) {
    INFO(p.name);
    const auto rep = ask(r, *set, query_bytes(p.name, dns::rr_type::txt, std::nullopt, dns::rr_class::ch));
    CHECK(rep.msg.rcode() == dns::rcode::noerror);
    CHECK(rep.msg.hdr.aa);
    REQUIRE(rep.msg.answer.size() == 1);
    CHECK(rep.msg.answer[0].klass == dns::rr_class::ch);
    CHECK(rep.msg.answer[0].type == dns::rr_type::txt);
    CHECK(rep.msg.answer[0].owner.identical(dns::name::from_text(p.name)));
    const auto strings = dns::txt_strings(rep.msg.answer[0].rdata);
    REQUIRE(strings.has_value());
    REQUIRE(strings->size() == 1);
    CHECK(strings->front() == p.text);
  }
}

TEST_CASE("CH queries are REFUSED when off, for other names and for other types", "[unit]") {
  const auto set = example_set();
  const auto off = ask(*set, query_bytes("version.bind.", dns::rr_type::txt, std::nullopt, dns::rr_class::ch));
  CHECK(off.msg.rcode() == dns::rcode::refused);
  CHECK(off.msg.answer.empty());

  const auto r = with_identity();
  CHECK(ask(r, *set, query_bytes("other.bind.", dns::rr_type::txt, std::nullopt, dns::rr_class::ch))
            .msg.rcode() == dns::rcode::refused);
  CHECK(ask(r, *set, query_bytes("version.bind.", dns::rr_type::a, std::nullopt, dns::rr_class::ch))
            .msg.rcode() == dns::rcode::refused);
  CHECK(ask(r, *set, query_bytes("version.bind.", dns::rr_type::any, std::nullopt, dns::rr_class::ch))
            .msg.rcode() == dns::rcode::noerror);
}

TEST_CASE("a long version text is split into 255-octet strings", "[unit]") {
  const auto set = example_set();
  responder_options o;
  o.version = std::string(300, 'v');
  const responder r(o);
  const auto rep = ask(r, *set, query_bytes("version.bind.", dns::rr_type::txt, std::nullopt, dns::rr_class::ch));
  REQUIRE(rep.msg.answer.size() == 1);
  const auto strings = dns::txt_strings(rep.msg.answer[0].rdata);
  REQUIRE(strings.has_value());
  REQUIRE(strings->size() == 2);
  CHECK((*strings)[0].size() == 255);
  CHECK((*strings)[1].size() == 45);
}

TEST_CASE("ANY over UDP returns one RRset, the smallest", "[unit]") {
  const auto set = example_set();
  const auto r = ask(*set, query_bytes("example.test.", dns::rr_type::any, edns0()));
  CHECK(r.msg.rcode() == dns::rcode::noerror);
  CHECK(r.msg.hdr.aa);
  REQUIRE_FALSE(r.msg.answer.empty());
  const auto type = r.msg.answer[0].type;
  for (const auto& rec : r.msg.answer) CHECK(rec.type == type);
  // At the apex (canonical rdata sizes): SOA ~60 bytes, NS 2 x 18, MX 21, TXT 12: the TXT.
  CHECK(type == dns::rr_type::txt);
  CHECK(r.msg.authority.empty());
  CHECK(r.msg.additional.empty());

  const auto www = ask(*set, query_bytes("www.example.test.", dns::rr_type::any));
  REQUIRE(www.msg.answer.size() == 1);
  CHECK(www.msg.answer[0].type == dns::rr_type::a);
}

TEST_CASE("ANY over TCP is minimal by default, complete when configured", "[unit]") {
  const auto set = example_set();
  const auto minimal = ask(*set, query_bytes("www.example.test.", dns::rr_type::any), tcp_from_loopback());
  CHECK(minimal.msg.answer.size() == 1);

  responder_options o;
  o.minimal_any_tcp = false;
  const responder full(o);
  const auto all = ask(full, *set, query_bytes("www.example.test.", dns::rr_type::any), tcp_from_loopback());
  CHECK(count_type(all.msg.answer, dns::rr_type::a) == 1);
  CHECK(count_type(all.msg.answer, dns::rr_type::aaaa) == 1);
}

TEST_CASE("ANY for a name that does not exist is an ordinary NXDOMAIN", "[unit]") {
  const auto set = example_set();
  const auto r = ask(*set, query_bytes("nope.example.test.", dns::rr_type::any));
  CHECK(r.msg.rcode() == dns::rcode::nxdomain);
  CHECK(count_type(r.msg.authority, dns::rr_type::soa) == 1);
}

TEST_CASE("minimal ANY keeps the DNAME and CNAME that lead to the name", "[unit]") {
  // The DNAME, the synthesised CNAME and the alias's CNAME are the answer (RFC 6672 §3.1,
  // RFC 1034 §4.3.2 step 3a); the one-RRset choice of RFC 8482 is only among the last name's.
  const zones::zone_set set({make_zone("d.test.", "$TTL 60\n@ SOA ns hm 1 1 1 1 1\n@ NS ns\n"
                                                  "ns A 192.0.2.1\nhere DNAME there\n"
                                                  "x.there CNAME host\nhost A 192.0.2.2\n"
                                                  "host TXT \"text\"\n")});
  const auto r = ask(set, query_bytes("x.here.d.test.", dns::rr_type::any));
  CHECK(r.msg.rcode() == dns::rcode::noerror);
  REQUIRE(r.msg.answer.size() == 3);
  CHECK(r.msg.answer[0].type == dns::rr_type::dname);
  CHECK(r.msg.answer[1].type == dns::rr_type::cname);
  CHECK(r.msg.answer[2].type == dns::rr_type::cname);
}

TEST_CASE("minimal ANY carries the additional data of the RRset it chose", "[unit]") {
  // The MX is the only RRset of `mail`: its target's addresses come with it (RFC 1034 §4.3.2
  // step 6), as for an MX query; the apex NS addresses, wanted by nothing chosen, do not.
  const zones::zone_set set({make_zone("m.test.", "$TTL 60\n@ SOA ns hm 1 1 1 1 1\n@ NS ns\n"
                                                  "ns A 192.0.2.1\nmail MX 10 mx\n"
                                                  "mx A 192.0.2.25\nmx AAAA 2001:db8::25\n")});
  const auto r = ask(set, query_bytes("mail.m.test.", dns::rr_type::any));
  REQUIRE(r.msg.answer.size() == 1);
  CHECK(r.msg.answer[0].type == dns::rr_type::mx);
  CHECK(r.msg.authority.empty());
  REQUIRE(r.msg.additional.size() == 2);
  CHECK(r.msg.additional[0].owner == dns::name::from_text("mx.m.test."));
  CHECK(r.msg.additional[1].owner == dns::name::from_text("mx.m.test."));
  CHECK_FALSE(r.msg.hdr.tc);
}
