// Unit tests of dnslookup's parts that need no network: nslookup's option keywords and `set
// all`, record formatting in nslookup's words, IDN conversion, planning a lookup.
#include <catch2/catch.hpp>

#include <cstdlib>

#include "dnskit/dns/rdata.hpp"
#include "dnskit/resolver/idn.hpp"
#include "lookup.hpp"
#include "nslookup_format.hpp"
#include "settings.hpp"
#include "style.hpp"

using namespace dnskit;
using namespace dnskit::cli;

namespace {

dns::record rr(const char* owner, dns::rr_type type, const char* data, std::uint32_t ttl = 3600) {
  dns::record r;
  r.owner = dns::name::from_text(owner);
  r.type = type;
  r.ttl = ttl;
  REQUIRE_FALSE(dns::rdata_from_text(type, data, dns::name(), r.rdata));
  return r;
}

}  // namespace

TEST_CASE("options: nslookup's keywords and abbreviations", "[unit]") {
  settings s;
  CHECK(apply_option(s, "type=mx").ok);
  REQUIRE(s.types.size() == 1);
  CHECK(s.types[0] == dns::rr_type::mx);
  CHECK(s.type_text == "mx");
  CHECK(apply_option(s, "q=TXT").ok);
  CHECK(s.types[0] == dns::rr_type::txt);
  CHECK(apply_option(s, "ty=A,AAAA").ok);
  CHECK(s.types == std::vector<dns::rr_type>{dns::rr_type::a, dns::rr_type::aaaa});
  CHECK(apply_option(s, "type=NS", true).ok);  // the command line adds
  CHECK(s.types.size() == 3);

  auto bad = apply_option(s, "type=bogus");
  CHECK_FALSE(bad.ok);
  CHECK(bad.message == "unknown query type: bogus");
  CHECK(s.types.size() == 3);  // unchanged

  CHECK(apply_option(s, "po=5300").ok);
  CHECK(s.port == 5300);
  CHECK(apply_option(s, "ret=2").ok);
  CHECK(s.tries == 2);
  CHECK(apply_option(s, "timeout=1").ok);
  CHECK(s.timeout == 1);
  CHECK(apply_option(s, "norec").ok);
  CHECK_FALSE(s.recurse);
  CHECK(apply_option(s, "rec").ok);
  CHECK(s.recurse);
  CHECK(apply_option(s, "deb").ok);
  CHECK(s.debug);
  CHECK(apply_option(s, "nodeb").ok);
  CHECK_FALSE(s.debug);
  CHECK(apply_option(s, "vc").ok);
  CHECK(s.vc);
  CHECK(apply_option(s, "nosearch").ok);
  CHECK_FALSE(s.search);
  CHECK(apply_option(s, "domain=example.test.").ok);  // also switches searching back on
  CHECK(s.search);
  CHECK(s.search_list == std::vector<std::string>{"example.test"});
  CHECK(apply_option(s, "class=CH").ok);
  CHECK(s.qclass == dns::rr_class::ch);
  CHECK(apply_option(s, "all").show_all);

  CHECK(apply_option(s, "foo").message == "*** Invalid option: foo");
  CHECK_FALSE(apply_option(s, "port=0").ok);
  CHECK_FALSE(apply_option(s, "port=70000").ok);
  CHECK_FALSE(apply_option(s, "ndots=x").ok);
  CHECK_FALSE(apply_option(s, "re").ok);  // too short to mean recurse
}

TEST_CASE("options: `set all` as nslookup prints it", "[unit]") {
  settings s;
  s.server.userarg = "127.0.0.1";
  s.server.addresses = {boost::asio::ip::make_address("127.0.0.1")};
  CHECK(settings_text(s, false) ==
        "Default server: 127.0.0.1\n"
        "Address: 127.0.0.1#53\n"
        "\n"
        "Set options:\n"
        "  novc\t\t\tnodebug\t\tnod2\n"
        "  search\t\trecurse\n"
        "  timeout = 0\t\tretry = 3\tport = 53\tndots = 1\n"
        "  querytype = A       \tclass = IN\n"
        "  srchlist = \n");
  apply_option(s, "domain=example.test");
  apply_option(s, "type=a");
  CHECK(settings_text(s, false).find("  querytype = a       \tclass = IN\n  srchlist = example.test\n") !=
        std::string::npos);
  CHECK(settings_text(s, true) == "Default server: 127.0.0.1\nAddress: 127.0.0.1#53\n");
}

TEST_CASE("format: nslookup's labels, by type number", "[unit]") {
  CHECK(type_label(dns::rr_type::a) == "internet address = ");
  CHECK(type_label(dns::rr_type::aaaa) == "has AAAA address ");
  CHECK(type_label(dns::rr_type::mx) == "mail exchanger = ");
  CHECK(type_label(dns::rr_type::ptr) == "name = ");
  CHECK(type_label(dns::rr_type::srv) == "service = ");
  CHECK(type_label(dns::rr_type::dname) == "dname = ");
  CHECK(type_label(dns::rr_type::caa) == "rdata_257 = ");
  CHECK(type_label(static_cast<dns::rr_type>(65534)) == "rdata_65534 = ");
}

TEST_CASE("format: BIND's rdata text (hex words, LOC)", "[unit]") {
  auto tlsa = rr("t.", dns::rr_type::tlsa, "3 1 1 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
  CHECK(bind_rdata_text(tlsa.type, tlsa.rdata) ==
        "3 1 1 0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF01234567 89ABCDEF");
  auto sshfp = rr("s.", dns::rr_type::sshfp, "1 1 123456789abcdef67890123456789abcdef67890");
  CHECK(bind_rdata_text(sshfp.type, sshfp.rdata) == "1 1 123456789ABCDEF67890123456789ABCDEF67890");
  dns::rdata_bytes loc;
  REQUIRE_FALSE(dns::rdata_from_text(dns::rr_type::loc, "\\# 16 000016138B3CF018810CBCE0009895B8", dns::name(), loc));
  CHECK(bind_rdata_text(dns::rr_type::loc, loc) == "52 22 23.000 N 4 53 32.000 E -2.00m 0.00m 10000m 10m");
}

TEST_CASE("format: short form of a section", "[unit]") {
  std::vector<dns::record> answer = {
      rr("www.example.test.", dns::rr_type::cname, "example.test."),
      rr("example.test.", dns::rr_type::a, "192.0.2.1"),
      rr("example.test.", dns::rr_type::soa, "ns1.example.test. hostmaster.example.test. 1 2 3 4 5"),
  };
  std::string out;
  print_section(out, answer, true, style(false));
  CHECK(out ==
        "www.example.test\tcanonical name = example.test.\n"
        "Name:\texample.test\n"
        "Address: 192.0.2.1\n"
        "example.test\n"
        "\torigin = ns1.example.test\n"
        "\tmail addr = hostmaster.example.test\n"
        "\tserial = 1\n\trefresh = 2\n\tretry = 3\n\texpire = 4\n\tminimum = 5\n");
  out.clear();
  print_section(out, {answer.begin() + 1, answer.begin() + 2}, false, style(false));
  CHECK(out == "example.test\tinternet address = 192.0.2.1\n");
}

TEST_CASE("format: the -debug block", "[unit]") {
  dns::message m;
  m.questions.push_back({dns::name::from_text("example.test."), dns::rr_type::a, dns::rr_class::in});
  m.answer.push_back(rr("example.test.", dns::rr_type::a, "192.0.2.1"));
  m.authority.push_back(rr("example.test.", dns::rr_type::ns, "ns1.example.test."));
  std::string out;
  print_detail(out, m);
  CHECK(out ==
        "------------\n"
        "    QUESTIONS:\n"
        "\texample.test, type = A, class = IN\n"
        "    ANSWERS:\n"
        "    ->  example.test\n"
        "\tinternet address = 192.0.2.1\n"
        "\tttl = 3600\n"
        "    AUTHORITY RECORDS:\n"
        "    ->  example.test\n"
        "\tnameserver = ns1.example.test.\n"
        "\tttl = 3600\n"
        "    ADDITIONAL RECORDS:\n"
        "------------\n");
}

TEST_CASE("idn: Unicode names are asked in ASCII and shown in both forms", "[unit]") {
  std::string error;
  CHECK(dnskit::resolver::to_ascii_name("example.test", error) == "example.test");
  CHECK(dnskit::resolver::to_ascii_name("bücher.example", error) == "xn--bcher-kva.example");
  CHECK(dnskit::resolver::to_ascii_name("例え.テスト", error) == "xn--r8jz45g.xn--zckzah");
  CHECK_FALSE(dnskit::resolver::to_ascii_name("a\xff.test", error).has_value());
  CHECK_FALSE(error.empty());
  CHECK(dnskit::resolver::to_unicode_name("xn--bcher-kva.example.") == "bücher.example.");
  CHECK_FALSE(dnskit::resolver::to_unicode_name("example.test.").has_value());
  CHECK(display_name(dns::name::from_text("xn--bcher-kva.example.")) == "xn--bcher-kva.example (bücher.example)");
}

TEST_CASE("plan: addresses, names, the search list and ndots", "[unit]") {
  settings s;
  auto v4 = plan_lookup(s, "192.0.2.1");
  CHECK(v4.reverse);
  CHECK(v4.candidates.front().to_text() == "1.2.0.192.in-addr.arpa.");
  CHECK(v4.types == std::vector<dns::rr_type>{dns::rr_type::ptr});
  auto v6 = plan_lookup(s, "2001:db8::1");
  CHECK(v6.candidates.front().to_text() ==
        "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.");

  auto plain = plan_lookup(s, "www.example.test");
  CHECK(plain.default_pair);
  REQUIRE(plain.candidates.size() == 1);
  CHECK(plain.candidates[0].to_text() == "www.example.test.");

  s.search_list = {"example.test", "other.test"};
  auto short_name = plan_lookup(s, "www");  // 0 dots < ndots 1: search domains first
  REQUIRE(short_name.candidates.size() == 3);
  CHECK(short_name.candidates[0].to_text() == "www.example.test.");
  CHECK(short_name.candidates[1].to_text() == "www.other.test.");
  CHECK(short_name.candidates[2].to_text() == "www.");
  auto dotted = plan_lookup(s, "www.sub");  // 1 dot >= ndots 1: as typed first
  CHECK(dotted.candidates[0].to_text() == "www.sub.");
  auto absolute = plan_lookup(s, "www.");
  CHECK(absolute.candidates.size() == 1);
  s.search = false;
  CHECK(plan_lookup(s, "www").candidates.size() == 1);

  auto bad = plan_lookup(s, "a..b");
  CHECK(bad.error == "'a..b' is not a legal name (empty label)");
  auto long_label = plan_lookup(s, std::string(64, 'x') + ".test");
  CHECK_FALSE(long_label.error.empty());
}

TEST_CASE("plan: the CNAME chain in an answer", "[unit]") {
  std::vector<dns::record> answer = {
      rr("a.test.", dns::rr_type::cname, "b.test."),
      rr("b.test.", dns::rr_type::cname, "c.test."),
      rr("c.test.", dns::rr_type::a, "192.0.2.1"),
  };
  CHECK(chase_cname(answer, dns::name::from_text("a.test.")).to_text() == "c.test.");
  // A loop ends after a bounded number of links.
  std::vector<dns::record> loop = {rr("x.test.", dns::rr_type::cname, "y.test."),
                                   rr("y.test.", dns::rr_type::cname, "x.test.")};
  auto end = chase_cname(loop, dns::name::from_text("x.test."));
  CHECK((end.to_text() == "x.test." || end.to_text() == "y.test."));
}

TEST_CASE("colour: only when asked or on a terminal without NO_COLOR", "[unit]") {
  CHECK(style::for_stdout(colour_mode::always).enabled());
  CHECK_FALSE(style::for_stdout(colour_mode::never).enabled());
  ::setenv("NO_COLOR", "1", 1);
  CHECK_FALSE(style::for_stdout(colour_mode::automatic).enabled());
  ::unsetenv("NO_COLOR");
  CHECK(style(true).paint(role::address, "192.0.2.1") == "\033[32m192.0.2.1\033[0m");
  CHECK(style(false).paint(role::address, "192.0.2.1") == "192.0.2.1");
}
