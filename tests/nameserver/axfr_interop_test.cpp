// Zone transfers (RFC 5936): the AXFR stream read with the project's code and with dig, REFUSED
// outside allow-transfer, and Knot DNS as a real secondary: it transfers the zone from
// `nameserver`, then answers as it does, and a NOTIFY after a reload makes it transfer again.
// NSD as a secondary of a zone that delegates to a sibling name without an address record
// (zones/checks.hpp: loaded, as BIND, NSD and Knot load it).
#include <algorithm>

#include "integration_support.hpp"
#include "peer_secondary.hpp"

using namespace nstest;
using dns::rcode;
using dns::rr_type;

namespace {

struct transfer {
  std::vector<dns::message> messages;
  std::vector<dns::record> records;
  rcode first_rcode = rcode::noerror;
};

transfer axfr(const test::server_address& at, std::string_view zone) {
  transfer t;
  test::tcp_client client;
  REQUIRE(client.connect(at));
  REQUIRE(client.send_message(dns::encode(make_query(zone, rr_type::axfr, false, 4242))));
  int soa_seen = 0;
  for (int i = 0; i < 1000 && soa_seen < 2; ++i) {
    auto raw = client.receive_message(5s);
    if (!raw) break;
    dns::message m;
    REQUIRE_FALSE(dns::decode(*raw, m));
    if (t.messages.empty()) t.first_rcode = m.rcode();
    if (m.rcode() != rcode::noerror) {
      t.messages.push_back(std::move(m));
      break;
    }
    for (const auto& r : m.answer) {
      if (r.type == rr_type::soa) ++soa_seen;
      t.records.push_back(r);
    }
    t.messages.push_back(std::move(m));
  }
  return t;
}

}  // namespace

TEST_CASE("axfr: the whole zone, SOA first and last, to an allowed client", "[integration]") {
  auto server = start_example_server();
  auto t = axfr(address_of(*server), "example.test.");
  REQUIRE(t.first_rcode == rcode::noerror);
  REQUIRE(t.records.size() == 61);  // 60 records, the SOA again at the end
  CHECK(t.records.front().type == rr_type::soa);
  CHECK(t.records.back().type == rr_type::soa);
  CHECK(t.messages.front().hdr.aa);
  CHECK(t.messages.front().hdr.id == 4242);
  REQUIRE(t.messages.front().questions.size() == 1);
  // Every record exactly once between the two SOAs.
  std::vector<std::string> texts;
  for (std::size_t i = 1; i + 1 < t.records.size(); ++i) texts.push_back(t.records[i].to_text());
  std::sort(texts.begin(), texts.end());
  CHECK(std::adjacent_find(texts.begin(), texts.end()) == texts.end());
  CHECK(std::count_if(t.records.begin() + 1, t.records.end() - 1,
                      [](const dns::record& r) { return r.type == rr_type::soa; }) == 0);
}

TEST_CASE("axfr: dig transfers the zone, clients outside allow-transfer are REFUSED", "[integration]") {
  {
    auto server = start_example_server();
    if (have_program("dig")) {
      auto r = dig(server->port(), {"example.test", "AXFR"});
      CHECK(contains(r.out, "XFR size: 61 records"));
      CHECK(contains(r.out, "_sip._tcp.example.test.\t3600\tIN\tSRV\t10 60 5060 sipserver.example.test."));
    }
  }
  auto server = start_example_server({"--allow-transfer", "10.0.0.0/8"});
  auto t = axfr(address_of(*server), "example.test.");
  CHECK(t.first_rcode == rcode::refused);
  CHECK(t.records.empty());
  if (have_program("dig")) {
    auto r = dig(server->port(), {"example.test", "AXFR"});
    CHECK(contains(r.out, "Transfer failed."));
  }
  // The server still answers normal queries over the same transport.
  CHECK(test::tcp_query(address_of(*server), make_query("example.test.", rr_type::soa))->hdr.aa);
}

TEST_CASE("interop: Knot DNS as a secondary transfers the zone, answers the same, follows NOTIFY",
          "[interop]") {
  const auto knotd = test::find_program("knotd");
  if (!knotd) {
    WARN("knotd not installed; skipped");
    return;
  }
  temp_dir dir;
  const auto zone_file = dir / "example.test.zone";
  const std::string original = read_file(example_zone());
  write_file(zone_file, original);

  const std::uint16_t knot_port = free_port();
  REQUIRE(knot_port != 0);
  auto primary = start_server({"--zone", zone_file.string(), "--notify",
                               "127.0.0.1:" + std::to_string(knot_port)});
  const auto ours = address_of(*primary);

  auto knot = start_knot_secondary(*knotd, dir / "knot", knot_port, ours, "example.test.");
  const auto secondary = knot.address;
  auto wait_serial = [&](std::string_view serial) {
    return wait_secondary_serial(secondary, "example.test.", serial, 100);  // at most ~20 s
  };
  INFO(knot.process->stderr_text());
  REQUIRE(wait_serial(" 2024010101 "));

  // The secondary answers exactly as the primary does.
  const std::vector<std::pair<std::string, rr_type>> questions = {
      {"example.test.", rr_type::ns},        {"example.test.", rr_type::mx},
      {"www.example.test.", rr_type::a},     {"multi.example.test.", rr_type::a},
      {"big.example.test.", rr_type::txt},   {"x.wild.example.test.", rr_type::a},
      {"_sip._tcp.example.test.", rr_type::srv}, {"nope.example.test.", rr_type::a},
      {"v6only.example.test.", rr_type::aaaa}, {"naptr.example.test.", rr_type::naptr}};
  check_secondary_answers_as_primary(ours, secondary, questions, false);

  // A new serial: our NOTIFY makes Knot transfer at once (its refresh timer is 2 hours).
  std::string changed = original;
  const auto at = changed.find("2024010101");
  REQUIRE(at != std::string::npos);
  changed.replace(at, 10, "2024010202");
  changed += "notified IN A 192.0.2.123\n";
  write_file(zone_file, changed);
  REQUIRE(primary->process().signal(SIGHUP));
  REQUIRE(wait_serial(" 2024010202 "));
  auto fresh = test::udp_query(secondary, make_query("notified.example.test.", rr_type::a));
  REQUIRE(fresh.has_value());
  CHECK(fresh->answer.size() == 1);
  CHECK(wait_log(*primary, "serial 2024010202 to 127.0.0.1:" + std::to_string(knot_port) +
                               ": acknowledged"));
  // Knot read the serial from the SOA our NOTIFY carries (RFC 1996 §3.7), not "serial none".
  const auto knot_notify = knot.process->wait_for_line(", serial 2024010202", 10s);
  REQUIRE(knot_notify.has_value());
  CHECK(contains(*knot_notify, "notify, incoming, remote 127.0.0.1@"));

  knot.process->signal(SIGTERM);
  CHECK(knot.process->wait_exit(10s).has_value());
}

TEST_CASE("interop: NSD as a secondary transfers a zone with a glueless sibling delegation",
          "[interop]") {
  const auto nsd = test::find_program("nsd");
  if (!nsd) {
    WARN("nsd not installed; skipped");
    return;
  }
  temp_dir dir;
  const auto zone_file = dir / "sibling.test.zone";
  // sub is delegated to ns.sibling.test., a name of this zone with no address record: BIND
  // warns, NSD and Knot say nothing, all three load and serve the zone.
  write_file(zone_file,
             "$ORIGIN sibling.test.\n$TTL 300\n"
             "@ IN SOA ns1 hostmaster 2024020201 7200 3600 1209600 300\n"
             "@ IN NS ns1\nns1 IN A 192.0.2.1\n"
             "sub IN NS ns\nns IN TXT \"no address here\"\n"
             "www IN A 192.0.2.80\n");
  auto primary = start_server({"--zone", zone_file.string()});
  const auto ours = address_of(*primary);

  const std::uint16_t nsd_port = free_port();
  REQUIRE(nsd_port != 0);
  auto nsd_secondary = start_nsd_secondary(*nsd, dir / "nsd", nsd_port, ours, "sibling.test.");
  const auto& secondary_process = nsd_secondary.process;
  const auto secondary = nsd_secondary.address;
  const bool transferred = wait_secondary_serial(secondary, "sibling.test.", " 2024020201 ", 100);
  INFO(secondary_process->stderr_text());
  REQUIRE(transferred);

  // NSD serves what it transferred as we serve it: the referral to sub names the sibling
  // target, and the sibling's own data is there.
  const std::vector<std::pair<std::string, rr_type>> questions = {
      {"sibling.test.", rr_type::ns},   {"ns1.sibling.test.", rr_type::a},
      {"ns.sibling.test.", rr_type::txt}, {"ns.sibling.test.", rr_type::a},
      {"www.sibling.test.", rr_type::a}, {"www.sub.sibling.test.", rr_type::a},
      {"sub.sibling.test.", rr_type::ns}};
  check_secondary_answers_as_primary(ours, secondary, questions, true);
  auto referral = test::tcp_query(secondary, make_query("www.sub.sibling.test.", rr_type::a));
  REQUIRE(referral.has_value());
  CHECK_FALSE(referral->hdr.aa);
  CHECK(sorted_texts(referral->authority) ==
        std::vector<std::string>{"sub.sibling.test. 300 IN NS ns.sibling.test."});
  auto from_us = test::tcp_query(ours, make_query("www.sub.sibling.test.", rr_type::a));
  REQUIRE(from_us.has_value());
  CHECK(sorted_texts(from_us->authority) == sorted_texts(referral->authority));

  secondary_process->signal(SIGTERM);
  CHECK(secondary_process->wait_exit(10s).has_value());
}
