// Knot DNS and NSD as secondaries that pull a zone from `nameserver` over TSIG (RFC 8945): the
// primary admits only the key (allow-transfer key:xfr), the transfer takes several messages,
// each signed, and the NOTIFY to Knot is signed too. Skipped when knotd or nsd is missing.
#include "integration_support.hpp"
#include "peer_secondary.hpp"

using namespace nstest;
using dns::rcode;
using dns::rr_type;

namespace {

const std::string secret = "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0IQ==";
const peer_tsig_key xfr_key{"xfr", secret};
constexpr int bulk_records = 2000;  // several AXFR messages

std::string bulk_zone(std::uint32_t serial) {
  std::string text = small_zone_text("bulk.test.", serial);
  for (int i = 0; i < bulk_records; ++i) {
    text += "host" + std::to_string(i) + " IN TXT \"record number " + std::to_string(i) + "\"\n";
  }
  return text;
}

// Waits (at most ~30 s) until the secondary serves the zone with `serial`.
bool wait_transferred(const test::server_address& secondary, std::string_view serial) {
  return wait_secondary_serial(secondary, "bulk.test.", serial, 150);
}

// The secondary holds every record: the last one and a middle one answer as from the primary.
void check_same_answers(const test::server_address& primary, const test::server_address& secondary) {
  for (const std::string& qname : std::vector<std::string>{"host0.bulk.test.", "host1000.bulk.test.",
                                  "host" + std::to_string(bulk_records - 1) + ".bulk.test."}) {
    INFO(qname);
    auto p = test::tcp_query(primary, make_query(qname, rr_type::txt));
    auto s = test::tcp_query(secondary, make_query(qname, rr_type::txt));
    REQUIRE(p.has_value());
    REQUIRE(s.has_value());
    CHECK(s->rcode() == rcode::noerror);
    REQUIRE(s->answer.size() == 1);
    CHECK(p->answer.front().to_text() == s->answer.front().to_text());
  }
}

}  // namespace

TEST_CASE("interop: Knot DNS pulls a zone over TSIG and accepts our signed NOTIFY",
          "[interop][tsig]") {
  const auto knotd = test::find_program("knotd");
  if (!knotd) {
    WARN("knotd not installed; skipped");
    return;
  }
  temp_dir dir;
  const auto zone_file = dir / "bulk.test.zone";
  write_file(zone_file, bulk_zone(1));
  const std::uint16_t knot_port = free_port();
  REQUIRE(knot_port != 0);
  auto primary = start_server({"--zone", zone_file.string(), "--tsig-key", "xfr:" + secret,
                               "--allow-transfer", "key:xfr", "--notify",
                               "127.0.0.1:" + std::to_string(knot_port) + ",key:xfr"});

  auto knot_secondary =
      start_knot_secondary(*knotd, dir / "knot", knot_port, address_of(*primary), "bulk.test.", xfr_key);
  const auto& knot = knot_secondary.process;
  const auto secondary = knot_secondary.address;
  INFO(knot->stderr_text());
  REQUIRE(wait_transferred(secondary, " 1 7200 "));
  check_same_answers(address_of(*primary), secondary);

  // A new serial: the signed NOTIFY makes Knot transfer again at once.
  write_file(zone_file, bulk_zone(2) + "notified IN A 192.0.2.123\n");
  REQUIRE(primary->process().signal(SIGHUP));
  REQUIRE(wait_transferred(secondary, " 2 7200 "));
  CHECK(wait_log(*primary, "serial 2 to 127.0.0.1:" + std::to_string(knot_port) + ": acknowledged"));
  auto fresh = test::udp_query(secondary, make_query("notified.bulk.test.", rr_type::a));
  REQUIRE(fresh.has_value());
  CHECK(fresh->answer.size() == 1);
  knot->signal(SIGTERM);
  CHECK(knot->wait_exit(10s).has_value());
  CHECK_FALSE(contains(knot->stderr_text(), "BADSIG"));
}

TEST_CASE("interop: NSD pulls a zone over TSIG", "[interop][tsig]") {
  const auto nsd = test::find_program("nsd");
  if (!nsd) {
    WARN("nsd not installed; skipped");
    return;
  }
  temp_dir dir;
  const auto zone_file = dir / "bulk.test.zone";
  write_file(zone_file, bulk_zone(1));
  auto primary = start_server({"--zone", zone_file.string(), "--tsig-key", "xfr:" + secret,
                               "--allow-transfer", "key:xfr"});
  const std::uint16_t nsd_port = free_port();
  REQUIRE(nsd_port != 0);
  auto nsd_secondary =
      start_nsd_secondary(*nsd, dir / "nsd", nsd_port, address_of(*primary), "bulk.test.", xfr_key);
  const auto& secondary_process = nsd_secondary.process;
  const auto secondary = nsd_secondary.address;
  INFO(secondary_process->stderr_text());
  REQUIRE(wait_transferred(secondary, " 1 7200 "));
  check_same_answers(address_of(*primary), secondary);
  secondary_process->signal(SIGTERM);
  CHECK(secondary_process->wait_exit(10s).has_value());
  CHECK_FALSE(contains(secondary_process->stderr_text(), "bad tsig"));
}
