// Knot DNS and NSD as secondaries that pull a zone from `nameserver` over TSIG (RFC 8945): the
// primary admits only the key (allow-transfer key:xfr), the transfer takes several messages,
// each signed, and the NOTIFY to Knot is signed too. Skipped when knotd or nsd is missing.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include "integration_support.hpp"

using namespace nstest;
using dns::rcode;
using dns::rr_type;

namespace {

const std::string secret = "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0IQ==";
constexpr int bulk_records = 2000;  // several AXFR messages

std::string bulk_zone(std::uint32_t serial) {
  std::string text = small_zone_text("bulk.test.", serial);
  for (int i = 0; i < bulk_records; ++i) {
    text += "host" + std::to_string(i) + " IN TXT \"record number " + std::to_string(i) + "\"\n";
  }
  return text;
}

std::uint16_t free_port() {
  // A port free for UDP and TCP right now (the peer started next binds it).
  for (int i = 0; i < 20; ++i) {
    const int u = ::socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(u, reinterpret_cast<sockaddr*>(&a), sizeof a);  // NOLINT
    socklen_t len = sizeof a;
    ::getsockname(u, reinterpret_cast<sockaddr*>(&a), &len);  // NOLINT
    const int t = ::socket(AF_INET, SOCK_STREAM, 0);
    const bool tcp_ok = ::bind(t, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;  // NOLINT
    ::close(t);
    ::close(u);
    if (tcp_ok) return ntohs(a.sin_port);
  }
  return 0;
}

// Waits (at most ~30 s) until the secondary serves the zone with `serial` and the last record.
bool wait_transferred(const test::server_address& secondary, std::string_view serial) {
  for (int i = 0; i < 150; ++i) {
    auto soa = test::udp_query(secondary, make_query("bulk.test.", rr_type::soa), 500ms);
    if (soa && soa->rcode() == rcode::noerror && soa->hdr.aa && soa->answer.size() == 1 &&
        contains(soa->answer[0].to_text(), serial)) {
      return true;
    }
    std::this_thread::sleep_for(200ms);
  }
  return false;
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

  const auto knot_dir = dir / "knot";
  std::filesystem::create_directories(knot_dir / "db");
  const std::string d = knot_dir.string();
  write_file(knot_dir / "knot.conf",
             "server:\n"
             "    rundir: \"" + d + "\"\n"
             "    pidfile: \"" + d + "/knot.pid\"\n"
             "    listen: 127.0.0.1@" + std::to_string(knot_port) + "\n"
             "    udp-workers: 1\n    tcp-workers: 1\n    background-workers: 1\n"
             "database:\n    storage: \"" + d + "/db\"\n"
             "control:\n    listen: \"" + d + "/knot.sock\"\n"
             "log:\n  - target: stderr\n    any: info\n"
             "key:\n  - id: xfr\n    algorithm: hmac-sha256\n    secret: " + secret + "\n"
             "remote:\n  - id: primary\n    address: 127.0.0.1@" + std::to_string(primary->port()) +
             "\n    key: xfr\n"
             "acl:\n  - id: from_primary\n    address: 127.0.0.1\n    key: xfr\n    action: notify\n"
             "template:\n  - id: default\n    storage: \"" + d + "\"\n"
             "    zonefile-sync: -1\n    journal-content: none\n"
             "zone:\n  - domain: bulk.test.\n    master: primary\n    acl: from_primary\n");
  std::string error;
  auto knot = test::child_process::start(*knotd, {"-c", (knot_dir / "knot.conf").string()}, error);
  INFO(error);
  REQUIRE(knot != nullptr);
  const test::server_address secondary{"127.0.0.1", knot_port};
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
  const auto nsd_dir = dir / "nsd";
  std::filesystem::create_directories(nsd_dir);
  const std::string d = nsd_dir.string();
  write_file(nsd_dir / "nsd.conf",
             "server:\n"
             "    ip-address: 127.0.0.1@" + std::to_string(nsd_port) + "\n"
             "    port: " + std::to_string(nsd_port) + "\n"
             "    username: \"\"\n    chroot: \"\"\n    database: \"\"\n"
             "    zonesdir: \"" + d + "\"\n    zonelistfile: \"" + d + "/zone.list\"\n"
             "    pidfile: \"" + d + "/nsd.pid\"\n    xfrdfile: \"" + d + "/xfrd.state\"\n"
             "    xfrdir: \"" + d + "\"\n    server-count: 1\n    verbosity: 2\n"
             "remote-control:\n    control-enable: no\n"
             "key:\n    name: xfr\n    algorithm: hmac-sha256\n    secret: \"" + secret + "\"\n"
             "zone:\n    name: bulk.test.\n    zonefile: \"" + d + "/secondary.zone\"\n"
             "    request-xfr: AXFR 127.0.0.1@" + std::to_string(primary->port()) + " xfr\n"
             "    allow-notify: 127.0.0.1 xfr\n");
  std::string error;
  auto secondary_process =
      test::child_process::start(*nsd, {"-d", "-c", (nsd_dir / "nsd.conf").string()}, error);
  INFO(error);
  REQUIRE(secondary_process != nullptr);
  const test::server_address secondary{"127.0.0.1", nsd_port};
  INFO(secondary_process->stderr_text());
  REQUIRE(wait_transferred(secondary, " 1 7200 "));
  check_same_answers(address_of(*primary), secondary);
  secondary_process->signal(SIGTERM);
  CHECK(secondary_process->wait_exit(10s).has_value());
  CHECK_FALSE(contains(secondary_process->stderr_text(), "bad tsig"));
}
