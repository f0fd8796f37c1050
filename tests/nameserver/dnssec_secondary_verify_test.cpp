// A signed zone survives the way to a secondary: `nameserver` serves a zone signed by
// ldns-signzone (NSEC, and NSEC3 with opt-out), Knot DNS and NSD pull it by AXFR over TSIG
// (RFC 8945), and the copy each of them then holds, read back from it by AXFR, verifies with
// ldns-verify-zone: every RRSIG valid under the zone's keys, the NSEC/NSEC3 chain complete.
// The same copy with one record changed must fail to verify, so the check is no formality.
// Skipped when ldnsutils, knotd or nsd are missing.
#include "integration_support.hpp"
#include "peer_secondary.hpp"

using namespace nstest;
using dns::rcode;
using dns::rr_type;

namespace {

const peer_tsig_key xfr_key{"xfr", "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0IQ=="};

bool have_ldns() {
  return have_program("ldns-keygen") && have_program("ldns-signzone") &&
         have_program("ldns-verify-zone");
}

// `origin` with a delegation with DS, one without, an empty non-terminal and a wildcard, signed in
// `dir` by keys made there (ldns-signzone's default validity: four weeks from now).
std::filesystem::path signed_zone(const std::filesystem::path& dir, const std::string& origin,
                                  const std::vector<std::string>& sign_flags) {
  std::filesystem::create_directories(dir);
  const auto plain = dir / "zone";
  write_file(plain, small_zone_text(origin, 7) +
                        "web IN TXT \"hello\"\n* IN TXT \"wild\"\n"
                        "a.b.c IN A 192.0.2.5\n"
                        "secure IN NS ns.secure\nns.secure IN A 192.0.2.53\n"
                        "secure IN DS 12345 13 2 "
                        "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n"
                        "insecure IN NS ns.example.net.\n");
  // ldns-keygen writes its key files to the current directory.
  const std::string d = dir.string();
  auto keys = test::run_command(
      {"sh", "-c",
       "cd '" + d + "' && k=$(ldns-keygen -a ECDSAP256SHA256 -k " + origin +
           ") && z=$(ldns-keygen -a ECDSAP256SHA256 " + origin + ") && echo $k $z"},
      60s);
  INFO(keys.err);
  REQUIRE(keys.status == 0);
  std::vector<std::string> argv = {"sh", "-c", ""};
  std::string flags;
  for (const auto& f : sign_flags) flags += " " + f;
  argv[2] = "cd '" + d + "' && ldns-signzone" + flags + " -o " + origin + " -f zone.signed zone " +
            keys.out.substr(0, keys.out.find('\n'));
  auto sign = test::run_command(argv, 60s);
  INFO(sign.err);
  REQUIRE(sign.status == 0);
  return dir / "zone.signed";
}

// The zone as `at` holds it, by AXFR over TCP, as zone file text (the closing SOA left out).
std::string transferred_copy(const test::server_address& at, std::string_view zone) {
  test::tcp_client client;
  REQUIRE(client.connect(at));
  REQUIRE(client.send_message(dns::encode(make_query(zone, rr_type::axfr, false, 4343))));
  std::string text;
  int soa_seen = 0;
  for (int i = 0; i < 1000 && soa_seen < 2; ++i) {
    auto raw = client.receive_message(5s);
    REQUIRE(raw.has_value());
    dns::message m;
    REQUIRE_FALSE(dns::decode(*raw, m));
    REQUIRE(m.rcode() == rcode::noerror);
    for (const auto& r : m.answer) {
      if (r.type == rr_type::soa && ++soa_seen == 2) break;
      text += r.to_text() + "\n";
    }
  }
  CHECK(soa_seen == 2);
  return text;
}

test::command_result verify(const std::filesystem::path& file) {
  return test::run_command({"ldns-verify-zone", file.string()}, 60s);
}

// The copy verifies; the same copy with www's address changed does not (its RRSIG no longer
// matches).
void check_copy_verifies(const std::filesystem::path& dir, const std::string& copy,
                         const std::string& www_a_line) {
  const auto file = dir / "copy.zone";
  write_file(file, copy);
  const auto good = verify(file);
  INFO(good.out << good.err);
  CHECK(good.status == 0);

  const auto at = copy.find(www_a_line);
  REQUIRE(at != std::string::npos);
  std::string tampered = copy;
  tampered.replace(at, www_a_line.size(), std::string(www_a_line).replace(www_a_line.size() - 2, 2, "99"));
  const auto bad_file = dir / "tampered.zone";
  write_file(bad_file, tampered);
  const auto bad = verify(bad_file);
  INFO(bad.out << bad.err);
  CHECK(bad.status != 0);
}

void run(const std::filesystem::path& peer_binary, bool knot, const std::string& origin,
         const std::vector<std::string>& sign_flags) {
  temp_dir dir;
  const auto zone_file = signed_zone(dir / "keys", origin, sign_flags);
  {
    const auto own = verify(zone_file);  // the input itself is sound
    INFO(own.out << own.err);
    REQUIRE(own.status == 0);
  }
  auto primary = start_server({"--zone", origin + "=" + zone_file.string(), "--tsig-key",
                               "xfr:" + xfr_key.secret, "--allow-transfer", "key:xfr"});
  const std::uint16_t port = free_port();
  REQUIRE(port != 0);
  auto peer = knot ? start_knot_secondary(peer_binary, dir / "peer", port, address_of(*primary),
                                          origin, xfr_key, true)
                   : start_nsd_secondary(peer_binary, dir / "peer", port, address_of(*primary),
                                         origin, xfr_key, true);
  INFO(peer.process->stderr_text());
  REQUIRE(wait_secondary_serial(peer.address, origin, " 7 7200 ", 150));
  check_copy_verifies(dir.path(), transferred_copy(peer.address, origin),
                      "www." + origin + " 300 IN A 192.0.2.80");
  peer.process->signal(SIGTERM);
  CHECK(peer.process->wait_exit(10s).has_value());
}

}  // namespace

TEST_CASE("interop: Knot DNS's copy of our NSEC-signed zone verifies with ldns-verify-zone",
          "[interop][dnssec]") {
  const auto knotd = test::find_program("knotd");
  if (!knotd || !have_ldns()) {
    WARN("knotd or ldnsutils not installed; skipped");
    return;
  }
  run(*knotd, true, "signed-knot.test.", {});
}

TEST_CASE("interop: NSD's copy of our NSEC3 (opt-out) signed zone verifies with ldns-verify-zone",
          "[interop][dnssec]") {
  const auto nsd = test::find_program("nsd");
  if (!nsd || !have_ldns()) {
    WARN("nsd or ldnsutils not installed; skipped");
    return;
  }
  run(*nsd, false, "signed-nsd.test.", {"-n", "-p", "-s", "beef", "-t", "0"});
}
