#pragma once
// NSD and Knot DNS as secondaries of `nameserver` for the [interop] tests: a free loopback port,
// the peer's config (its own dir, port, primary, zone, optionally a TSIG key for the transfer
// and the NOTIFY, RFC 8945), the peer started as our own child process, and a wait until it
// serves the transferred zone. Each peer is stopped by PID (SIGTERM) by the test.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "integration_support.hpp"

namespace nstest {

// The key both sides share; hmac-sha256, the algorithm NSD and Knot name the same way.
struct peer_tsig_key {
  std::string name;
  std::string secret;  // base64
};

// A port free for UDP and TCP right now (the peer started next binds it); 0 if none found.
inline std::uint16_t free_port() {
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

// Writes `dir`/knot.conf: Knot listens on 127.0.0.1@`port`, pulls `zone` from `primary` and
// accepts NOTIFY from 127.0.0.1, both under `key` when given; with `provide_xfr` it also gives
// its copy by AXFR to 127.0.0.1 (unsigned). Returns the config path.
inline std::filesystem::path write_knot_secondary_config(const std::filesystem::path& dir,
                                                         std::uint16_t port,
                                                         const test::server_address& primary,
                                                         std::string_view zone,
                                                         const std::optional<peer_tsig_key>& key = {},
                                                         bool provide_xfr = false) {
  std::filesystem::create_directories(dir / "db");
  const std::string d = dir.string();
  const std::string key_line = key ? "    key: " + key->name + "\n" : "";
  const auto conf = dir / "knot.conf";
  write_file(conf,
             "server:\n"
             "    rundir: \"" + d + "\"\n"
             "    pidfile: \"" + d + "/knot.pid\"\n"
             "    listen: 127.0.0.1@" + std::to_string(port) + "\n"
             "    udp-workers: 1\n    tcp-workers: 1\n    background-workers: 1\n"
             "database:\n    storage: \"" + d + "/db\"\n"
             "control:\n    listen: \"" + d + "/knot.sock\"\n"
             "log:\n  - target: stderr\n    any: info\n" +
             (key ? "key:\n  - id: " + key->name + "\n    algorithm: hmac-sha256\n    secret: " +
                        key->secret + "\n"
                  : std::string{}) +
             "remote:\n  - id: primary\n    address: " + primary.address + "@" +
             std::to_string(primary.port) + "\n" + key_line +
             "acl:\n  - id: from_primary\n    address: " + primary.address + "\n" + key_line +
             "    action: notify\n" +
             (provide_xfr ? "  - id: to_test\n    address: 127.0.0.1\n    action: transfer\n"
                          : "") +
             "template:\n  - id: default\n    storage: \"" + d + "\"\n"
             "    zonefile-sync: -1\n    journal-content: none\n"
             "zone:\n  - domain: " + std::string(zone) + "\n    master: primary\n"
             "    acl: " + (provide_xfr ? "[from_primary, to_test]" : "from_primary") + "\n");
  return conf;
}

// Writes `dir`/nsd.conf: NSD listens on 127.0.0.1@`port`, requests an AXFR of `zone` from
// `primary` and accepts NOTIFY from it, both under `key` when given (NOKEY otherwise); with
// `provide_xfr` it also gives its copy by AXFR to 127.0.0.1 (unsigned).
inline std::filesystem::path write_nsd_secondary_config(const std::filesystem::path& dir,
                                                        std::uint16_t port,
                                                        const test::server_address& primary,
                                                        std::string_view zone,
                                                        const std::optional<peer_tsig_key>& key = {},
                                                        bool provide_xfr = false) {
  std::filesystem::create_directories(dir);
  const std::string d = dir.string();
  const std::string key_name = key ? key->name : "NOKEY";
  const auto conf = dir / "nsd.conf";
  write_file(conf,
             "server:\n"
             "    ip-address: 127.0.0.1@" + std::to_string(port) + "\n"
             "    port: " + std::to_string(port) + "\n"
             "    username: \"\"\n    chroot: \"\"\n    database: \"\"\n"
             "    zonesdir: \"" + d + "\"\n    zonelistfile: \"" + d + "/zone.list\"\n"
             "    pidfile: \"" + d + "/nsd.pid\"\n    xfrdfile: \"" + d + "/xfrd.state\"\n"
             "    xfrdir: \"" + d + "\"\n    server-count: 1\n    verbosity: 2\n"
             "remote-control:\n    control-enable: no\n" +
             (key ? "key:\n    name: " + key->name + "\n    algorithm: hmac-sha256\n    secret: \"" +
                        key->secret + "\"\n"
                  : std::string{}) +
             "zone:\n    name: " + std::string(zone) + "\n    zonefile: \"" + d + "/secondary.zone\"\n"
             "    request-xfr: AXFR " + primary.address + "@" + std::to_string(primary.port) + " " +
             key_name + "\n"
             "    allow-notify: " + primary.address + " " + key_name + "\n" +
             (provide_xfr ? "    provide-xfr: 127.0.0.1 NOKEY\n" : ""));
  return conf;
}

// A started peer secondary and the address it answers on.
struct peer_secondary {
  std::unique_ptr<test::child_process> process;
  test::server_address address;
};

// Starts knotd with the config written above; REQUIREs that it started.
inline peer_secondary start_knot_secondary(const std::filesystem::path& knotd,
                                           const std::filesystem::path& dir, std::uint16_t port,
                                           const test::server_address& primary, std::string_view zone,
                                           const std::optional<peer_tsig_key>& key = {},
                                           bool provide_xfr = false) {
  const auto conf = write_knot_secondary_config(dir, port, primary, zone, key, provide_xfr);
  std::string error;
  auto process = test::child_process::start(knotd, {"-c", conf.string()}, error);
  INFO(error);
  REQUIRE(process != nullptr);
  return {std::move(process), {"127.0.0.1", port}};
}

// Starts nsd with the config written above; REQUIREs that it started. -d: in the foreground,
// logging to stderr, stopped by SIGTERM like the other peers.
inline peer_secondary start_nsd_secondary(const std::filesystem::path& nsd,
                                          const std::filesystem::path& dir, std::uint16_t port,
                                          const test::server_address& primary, std::string_view zone,
                                          const std::optional<peer_tsig_key>& key = {},
                                          bool provide_xfr = false) {
  const auto conf = write_nsd_secondary_config(dir, port, primary, zone, key, provide_xfr);
  std::string error;
  auto process = test::child_process::start(nsd, {"-d", "-c", conf.string()}, error);
  INFO(error);
  REQUIRE(process != nullptr);
  return {std::move(process), {"127.0.0.1", port}};
}

// Waits (at most `attempts` polls, 200 ms apart, each query waiting up to 500 ms) until the
// secondary answers the SOA of `zone` authoritatively and its text contains `serial_text`.
inline bool wait_secondary_serial(const test::server_address& secondary, std::string_view zone,
                                  std::string_view serial_text, int attempts) {
  for (int i = 0; i < attempts; ++i) {
    auto a = test::udp_query(secondary, make_query(zone, dns::rr_type::soa), 500ms);
    if (a && a->rcode() == dns::rcode::noerror && a->hdr.aa && a->answer.size() == 1 &&
        contains(a->answer[0].to_text(), serial_text)) {
      return true;
    }
    std::this_thread::sleep_for(200ms);
  }
  return false;
}

// The records' texts, sorted: two servers' sections compare equal whatever their order.
inline std::vector<std::string> sorted_texts(const std::vector<dns::record>& records) {
  std::vector<std::string> out;
  out.reserve(records.size());
  for (const auto& r : records) out.push_back(r.to_text());
  std::sort(out.begin(), out.end());
  return out;
}

// Asks the primary and the secondary each question over TCP: the same rcode and the same
// answer records (and the same AA bit when `compare_aa`).
inline void check_secondary_answers_as_primary(
    const test::server_address& primary, const test::server_address& secondary,
    const std::vector<std::pair<std::string, dns::rr_type>>& questions, bool compare_aa) {
  for (const auto& [qname, type] : questions) {
    INFO(qname << " " << dns::to_string(type));
    auto p = test::tcp_query(primary, make_query(qname, type));
    auto s = test::tcp_query(secondary, make_query(qname, type));
    REQUIRE(p.has_value());
    REQUIRE(s.has_value());
    CHECK(p->rcode() == s->rcode());
    if (compare_aa) CHECK(p->hdr.aa == s->hdr.aa);
    CHECK(sorted_texts(p->answer) == sorted_texts(s->answer));
  }
}

}  // namespace nstest
