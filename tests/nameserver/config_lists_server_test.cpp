// The configured lists as the running server applies them: an empty allow-transfer refuses a
// real AXFR wherever it is written (in [server] it used to mean the loopback default), the
// default applies only when the key is absent, the start-up log names each zone's lists, and
// the flags can say "none".
#include "integration_support.hpp"
#include "responder_test_util.hpp"

using namespace nstest;
using dns::rcode;
using dns::rr_type;

namespace {

test::command_result run(std::vector<std::string> args) {
  args.insert(args.begin(), binary().string());
  return test::run_command(args, 20s);
}

// A config file serving the example zone (copied beside it) with `server` and `zone` lines.
std::filesystem::path write_config(const temp_dir& dir, std::string_view server,
                                   std::string_view zone = "") {
  write_file(dir / "example.test.zone", read_file(example_zone()));
  write_file(dir / "ns.toml", "[server]\nlisten = [\"127.0.0.1:0\"]\nthreads = 1\n" +
                                  std::string(server) +
                                  "\n[[zone]]\norigin = \"example.test.\"\n"
                                  "file = \"example.test.zone\"\n" + std::string(zone));
  return dir / "ns.toml";
}

// The first message of an AXFR of example.test. over TCP from 127.0.0.1.
dns::message axfr_first_message(const test::server_process& server) {
  test::tcp_client client;
  REQUIRE(client.connect(address_of(server)));
  REQUIRE(client.send_message(dns::encode(make_query("example.test.", rr_type::axfr, false, 99))));
  auto raw = client.receive_message(5s);
  REQUIRE(raw.has_value());
  dns::message m;
  REQUIRE_FALSE(dns::decode(*raw, m));
  CHECK(m.hdr.id == 99);
  return m;
}

}  // namespace

TEST_CASE("lists: allow-transfer = [] under [server] refuses a real AXFR from loopback",
          "[integration]") {
  temp_dir dir;
  auto server = start_server({"--config", write_config(dir, "allow-transfer = []").string()});
  const dns::message m = axfr_first_message(*server);
  CHECK(m.rcode() == rcode::refused);
  CHECK(m.answer.empty());
  // IXFR is the same access check, over UDP too (RFC 1995 §2 answers it with the SOA).
  const auto ixfr_raw = test::udp_exchange(address_of(*server),
                                           dnskit::nameserver::test::ixfr_query_bytes("example.test.", 1));
  REQUIRE(ixfr_raw.has_value());
  dns::message ixfr;
  REQUIRE_FALSE(dns::decode(*ixfr_raw, ixfr));
  CHECK(ixfr.rcode() == rcode::refused);
  CHECK(wait_log(*server, "zone example.test.: allow-transfer none (server-wide)"));
  // Queries are still answered.
  auto soa = test::udp_query(address_of(*server), make_query("example.test.", rr_type::soa));
  REQUIRE(soa.has_value());
  CHECK(soa->rcode() == rcode::noerror);
}

TEST_CASE("lists: allow-transfer absent everywhere is loopback, a zone's list wins over [server]",
          "[integration]") {
  SECTION("absent: loopback may transfer, and the log says it is the default") {
    temp_dir dir;
    auto server = start_server({"--config", write_config(dir, "").string()});
    const dns::message m = axfr_first_message(*server);
    CHECK(m.rcode() == rcode::noerror);
    CHECK_FALSE(m.answer.empty());
    CHECK(wait_log(*server, "zone example.test.: allow-transfer 127.0.0.0/8, ::1 (default)"));
  }
  SECTION("[server] empty, [[zone]] set: the zone's list applies") {
    temp_dir dir;
    auto server = start_server({"--config", write_config(dir, "allow-transfer = []",
                                                         "allow-transfer = [\"127.0.0.1\"]\n")
                                                .string()});
    CHECK(axfr_first_message(*server).rcode() == rcode::noerror);
    CHECK(wait_log(*server, "zone example.test.: allow-transfer 127.0.0.1 (this zone)"));
  }
  SECTION("[server] set, [[zone]] empty: nobody") {
    temp_dir dir;
    auto server = start_server({"--config", write_config(dir, "allow-transfer = [\"127.0.0.0/8\"]",
                                                         "allow-transfer = []\n")
                                                .string()});
    CHECK(axfr_first_message(*server).rcode() == rcode::refused);
    CHECK(wait_log(*server, "zone example.test.: allow-transfer none (this zone)"));
  }
}

TEST_CASE("lists: --allow-transfer none replaces the file's list with nobody", "[integration]") {
  temp_dir dir;
  auto server = start_server({"--config",
                              write_config(dir, "allow-transfer = [\"127.0.0.0/8\"]").string(),
                              "--allow-transfer", "none"});
  CHECK(axfr_first_message(*server).rcode() == rcode::refused);

  auto mixed = run({"--zone", example_zone().string(), "--listen", "127.0.0.1:0",
                    "--allow-transfer", "none", "--allow-transfer", "127.0.0.1"});
  CHECK(mixed.status == 1);
  CHECK(contains(mixed.err, "--allow-transfer none stands alone"));
}

TEST_CASE("lists: listen = [] is refused at start, naming the key", "[integration]") {
  temp_dir dir;
  write_file(dir / "ns.toml", "[server]\nlisten = []\n");
  auto r = run({"--config", (dir / "ns.toml").string()});
  CHECK(r.status == 1);
  CHECK(contains(r.err, "ns.toml:2:"));
  CHECK(contains(r.err, "'listen' is empty"));
}
