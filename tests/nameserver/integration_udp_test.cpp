// The real server over UDP: answers, rcodes, flags, sections, EDNS, 0x20 case, truncation and
// the retry over TCP, checked with the project's own codec and with dig and kdig.
#include "integration_support.hpp"

using namespace nstest;
using dns::rcode;
using dns::rr_type;

namespace {

dns::message ask(const test::server_address& at, const dns::message& q) {
  auto answer = test::udp_query(at, q);
  REQUIRE(answer.has_value());
  return *answer;
}

}  // namespace

TEST_CASE("udp: authoritative answer with the apex SOA, NS and glue", "[integration]") {
  auto server = start_example_server();
  const auto at = address_of(*server);
  auto q = make_query("example.test.", rr_type::soa, true, 0x1234);
  const auto a = ask(at, q);
  CHECK(a.hdr.id == 0x1234);
  CHECK(a.hdr.qr);
  CHECK(a.hdr.aa);
  CHECK(a.hdr.rd);   // copied
  CHECK_FALSE(a.hdr.ra);  // never recursion
  CHECK(a.rcode() == rcode::noerror);
  REQUIRE(a.answer.size() == 1);
  CHECK(a.answer[0].type == rr_type::soa);
  CHECK(a.authority.size() == 2);  // the apex NS set
  CHECK(a.additional.size() >= 2);
  REQUIRE(a.opt.has_value());
  CHECK(a.opt->udp_payload_size == 1232);
}

TEST_CASE("udp: NXDOMAIN and NODATA carry the SOA, outside names are REFUSED", "[integration]") {
  auto server = start_example_server();
  const auto at = address_of(*server);

  auto nx = ask(at, make_query("nope.example.test.", rr_type::a));
  CHECK(nx.rcode() == rcode::nxdomain);
  CHECK(nx.hdr.aa);
  CHECK(nx.answer.empty());
  REQUIRE(nx.authority.size() == 1);
  CHECK(nx.authority[0].type == rr_type::soa);

  auto nodata = ask(at, make_query("v6only.example.test.", rr_type::a));
  CHECK(nodata.rcode() == rcode::noerror);
  CHECK(nodata.answer.empty());
  REQUIRE(nodata.authority.size() == 1);
  CHECK(nodata.authority[0].type == rr_type::soa);

  auto refused = ask(at, make_query("www.example.org.", rr_type::a));
  CHECK(refused.rcode() == rcode::refused);
  CHECK_FALSE(refused.hdr.aa);
  CHECK(refused.answer.empty());
  CHECK(refused.authority.empty());
}

TEST_CASE("udp: the question comes back in the client's case (0x20)", "[integration]") {
  auto server = start_example_server();
  const auto a = ask(address_of(*server), make_query("wWw.ExAmPlE.tEsT.", rr_type::a));
  REQUIRE(a.questions.size() == 1);
  CHECK(a.questions[0].qname.identical(dns::name::from_text("wWw.ExAmPlE.tEsT.")));
  CHECK(a.rcode() == rcode::noerror);
  CHECK_FALSE(a.answer.empty());
}

TEST_CASE("udp: EDNS version, DO bit and queries without EDNS", "[integration]") {
  auto server = start_example_server();
  const auto at = address_of(*server);

  auto q = make_query("example.test.", rr_type::soa);
  q.opt->version = 1;
  auto badvers = ask(at, q);
  CHECK(badvers.rcode() == rcode::badvers);
  REQUIRE(badvers.opt.has_value());
  CHECK(badvers.opt->version == 0);
  CHECK(badvers.answer.empty());

  auto with_do = make_query("example.test.", rr_type::soa);
  with_do.opt->dnssec_ok = true;
  auto d = ask(at, with_do);
  REQUIRE(d.opt.has_value());
  CHECK(d.opt->dnssec_ok);

  auto plain = ask(at, make_query("example.test.", rr_type::soa, false));
  CHECK_FALSE(plain.opt.has_value());
  CHECK(plain.rcode() == rcode::noerror);
}

TEST_CASE("udp: an answer too big for 512 bytes is truncated, TCP gives it whole", "[integration]") {
  auto server = start_example_server();
  const auto at = address_of(*server);
  auto q = make_query("big.example.test.", rr_type::txt, false);
  auto raw = test::udp_exchange(at, dns::encode(q));
  REQUIRE(raw.has_value());
  CHECK(raw->size() <= 512);
  dns::message a;
  REQUIRE_FALSE(dns::decode(*raw, a));
  CHECK(a.hdr.tc);

  auto full = test::tcp_query(at, q);
  REQUIRE(full.has_value());
  CHECK_FALSE(full->hdr.tc);
  CHECK(full->answer.size() == 15);

  // With EDNS (1232 bytes) it fits in one datagram.
  auto e = ask(at, make_query("big.example.test.", rr_type::txt, true));
  CHECK_FALSE(e.hdr.tc);
  CHECK(e.answer.size() == 15);
}

TEST_CASE("udp: NOTIMP, FORMERR and silence for what is not a query", "[integration]") {
  auto server = start_example_server();
  const auto at = address_of(*server);

  auto status = make_query("example.test.", rr_type::soa);
  status.hdr.op = dns::opcode::status;
  CHECK(ask(at, status).rcode() == rcode::notimp);

  auto two = make_query("example.test.", rr_type::soa);
  two.questions.push_back(two.questions.front());
  CHECK(ask(at, two).rcode() == rcode::formerr);

  auto axfr = make_query("example.test.", rr_type::axfr);
  CHECK(ask(at, axfr).rcode() == rcode::notimp);

  // A response (QR=1) and a runt packet get no answer at all (then a real query still does).
  auto response = make_query("example.test.", rr_type::soa);
  response.hdr.qr = true;
  CHECK_FALSE(test::udp_exchange(at, dns::encode(response), 300ms).has_value());
  const std::vector<std::uint8_t> runt = {1, 2, 3};
  CHECK_FALSE(test::udp_exchange(at, runt, 300ms).has_value());
  CHECK(ask(at, make_query("example.test.", rr_type::soa)).rcode() == rcode::noerror);
}

TEST_CASE("udp: IPv6 listener answers as the IPv4 one", "[integration]") {
  // Skipped where the host has no ::1.
  auto probe = test::run_command({"sh", "-c", "ip -6 addr show dev lo | grep -q ::1"}, 5s);
  if (probe.status != 0) {
    WARN("no ::1 on this host; skipped");
    return;
  }
  auto server = start_server({"--listen", "[::1]:0", "--zone", example_zone().string()});
  REQUIRE(server->addresses().front().ipv6);
  auto a = test::udp_query({"::1", server->port()}, make_query("example.test.", rr_type::soa));
  REQUIRE(a.has_value());
  CHECK(a->hdr.aa);
  auto t = test::tcp_query({"::1", server->port()}, make_query("www.example.test.", rr_type::a));
  REQUIRE(t.has_value());
  CHECK(t->rcode() == rcode::noerror);
}

TEST_CASE("udp+tcp: dig as a client", "[integration]") {
  if (!have_program("dig")) {
    WARN("dig not installed; skipped");
    return;
  }
  auto server = start_example_server({"--threads", "2"});
  const auto port = server->port();

  auto soa = dig(port, {"+norecurse", "example.test", "SOA"});
  REQUIRE(soa.status == 0);
  CHECK(contains(soa.out, "status: NOERROR"));
  CHECK(contains(soa.out, "flags: qr aa;"));
  CHECK(contains(soa.out, "2024010101"));
  CHECK(contains(soa.out, "udp: 1232"));

  auto mx = dig(port, {"+short", "example.test", "MX"});
  CHECK(contains(mx.out, "10 mail.example.test."));
  CHECK(contains(mx.out, "20 mail2.example.test."));

  auto nx = dig(port, {"missing.example.test", "A"});
  CHECK(contains(nx.out, "status: NXDOMAIN"));

  auto refused = dig(port, {"example.com", "A"});
  CHECK(contains(refused.out, "status: REFUSED"));

  // dig retries over TCP by itself after TC (no EDNS: 512 bytes).
  auto big = dig(port, {"+noedns", "big.example.test", "TXT"});
  CHECK(contains(big.out, "Truncated, retrying in TCP mode"));
  CHECK(count_of(big.out, "record number") == 15);

  auto tcp = dig(port, {"+tcp", "+short", "multi.example.test", "A"});
  CHECK(contains(tcp.out, "192.0.2.10"));
  CHECK(contains(tcp.out, "192.0.2.11"));

  auto chaos = dig(port, {"version.bind", "TXT", "CH"});
  CHECK(contains(chaos.out, "status: REFUSED"));
}

TEST_CASE("udp+tcp: kdig as a client", "[integration]") {
  if (!have_program("kdig")) {
    WARN("kdig not installed; skipped");
    return;
  }
  auto server = start_example_server({"--server-version", "dnskit-test"});
  const auto port = server->port();
  auto a = dig(port, {"wWw.eXample.test", "A"}, "kdig");
  REQUIRE(a.status == 0);
  CHECK(contains(a.out, "status: NOERROR"));
  CHECK(contains(a.out, "Flags: qr aa rd;"));
  CHECK(contains(a.out, "www.example.test.   \t3600\tIN\tCNAME\texample.test."));
  auto tcp = dig(port, {"+tcp", "_sip._tcp.example.test", "SRV"}, "kdig");
  CHECK(contains(tcp.out, "5060 sipserver.example.test."));
  CHECK(contains(tcp.out, "TCP"));
  auto edns = dig(port, {"+edns=1", "example.test", "SOA"}, "kdig");
  CHECK(contains(edns.out, "BADVERS"));
  auto version = dig(port, {"+short", "version.bind", "TXT", "CH"}, "kdig");
  CHECK(contains(version.out, "dnskit-test"));
}

TEST_CASE("udp: a query larger than 4096 bytes is answered", "[integration]") {
  // An OPT carrying a 6000-byte option (padding, RFC 7830): nothing forbids a large query, and
  // NSD and Knot answer it. It used to be cut at 4096 bytes and dropped unanswered.
  auto server = start_example_server();
  const auto at = address_of(*server);
  auto wire = dns::encode(make_query("example.test.", rr_type::soa, false, 0x4242));
  wire[11] = 1;  // ARCOUNT: the OPT below
  const std::size_t option = 6000;
  const std::uint8_t opt[] = {0,  0, 41, 0x04, 0xD0, 0, 0, 0, 0,
                              static_cast<std::uint8_t>((option + 4) >> 8),
                              static_cast<std::uint8_t>((option + 4) & 0xFF),
                              0, 12,  // option code 12: padding
                              static_cast<std::uint8_t>(option >> 8),
                              static_cast<std::uint8_t>(option & 0xFF)};
  wire.insert(wire.end(), std::begin(opt), std::end(opt));
  wire.resize(wire.size() + option, 0);
  REQUIRE(wire.size() > 4096);
  const auto raw = test::udp_exchange(at, wire, std::chrono::seconds(2));
  REQUIRE(raw.has_value());
  dns::message a;
  REQUIRE_FALSE(dns::decode(*raw, a));
  CHECK(a.hdr.id == 0x4242);
  CHECK(a.rcode() == rcode::noerror);
  REQUIRE(a.answer.size() == 1);
  CHECK(a.answer[0].type == rr_type::soa);
}

TEST_CASE("udp: --zone FILE.db serves the zone the file is named after", "[integration]") {
  // The origin comes from the file name as zones::parse_zone_spec reads it: ".db" is stripped
  // like ".zone" (a zone named "db.test.db." would answer REFUSED for db.test.).
  temp_dir dir;
  const auto file = dir / "db.test.db";
  write_file(file, small_zone_text("db.test.", 7));
  auto server = start_server({"--zone", file.string()});
  const auto a = ask(address_of(*server), make_query("www.db.test.", rr_type::a));
  CHECK(a.rcode() == rcode::noerror);
  CHECK(a.hdr.aa);
  REQUIRE(a.answer.size() == 1);
  CHECK(a.answer[0].owner == dns::name::from_text("www.db.test."));
}
