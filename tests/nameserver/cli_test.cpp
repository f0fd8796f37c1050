// The command line: --help/--version, usage errors, --check exit codes and diagnostics, start
// errors (bad zone, port in use) as one line with exit status 1, and the TOML config file.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "integration_support.hpp"

using namespace nstest;

namespace {

test::command_result run(std::vector<std::string> args) {
  args.insert(args.begin(), binary().string());
  return test::run_command(args, 20s);
}

std::size_t lines(std::string_view text) { return count_of(text, "\n"); }

}  // namespace

TEST_CASE("cli: --help and --version", "[integration]") {
  auto help = run({"--help"});
  CHECK(help.status == 0);
  CHECK(contains(help.out, "--listen"));
  CHECK(contains(help.out, "--zone"));
  CHECK(contains(help.out, "--allow-transfer"));
  CHECK(contains(help.out, "--tcp-max-connections"));
  CHECK(contains(help.out, "--tcp-max-buffer"));
  CHECK(contains(help.out, "--axfr-max-concurrent"));
  auto version = run({"--version"});
  CHECK(version.status == 0);
  CHECK(contains(version.out, "nameserver (dnskit)"));
}

TEST_CASE("cli: usage errors are one line and exit status 1", "[integration]") {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"--no-such-flag"}, {"--threads", "0"}, {"--listen", "localhost:53"},
        {"--listen", "127.0.0.1"}, {"--listen", "::1:53"}, {"--listen", "127.0.0.1:70000"},
        {"--log-level", "loud"}, {"--tcp-max-buffer", "100"}, {"--axfr-max-concurrent", "0"},
        {"--zone", "a=b", "--zone", "a.=c"}}) {
    INFO(args.front() << " " << (args.size() > 1 ? args[1] : ""));
    auto r = run(args);
    CHECK(r.status == 1);
    CHECK(contains(r.err, "nameserver: error: "));
    CHECK(r.out.empty());
  }
  auto no_origin = run({"--zone", "/tmp/.zone", "--listen", "127.0.0.1:0"});
  CHECK(no_origin.status == 1);
  CHECK(contains(no_origin.err, "ORIGIN=FILE"));
}

TEST_CASE("cli: --check exits 0 for clean zones, 1 with file:line:column otherwise", "[integration]") {
  auto good = run({"--check", "--zone", example_zone().string()});
  CHECK(good.status == 0);
  CHECK(contains(good.out, "2024010101"));

  temp_dir dir;
  const auto bad = dir / "bad.test.zone";
  write_file(bad, "$TTL 300\n@ IN SOA ns hm 1 2 3 4 5\n@ IN NS ns\nns IN A 192.0.2.1\nx IN AAA 1.2.3.4\n");
  auto r = run({"--check", "--zone", bad.string()});
  CHECK(r.status == 1);
  CHECK(contains(r.out, bad.string() + ":5:"));
  CHECK(contains(r.out, "error"));

  auto missing = run({"--check", "--zone", (dir / "missing.test.zone").string()});
  CHECK(missing.status == 1);
}

TEST_CASE("cli: start errors are one clear line and exit status 1", "[integration]") {
  temp_dir dir;
  SECTION("a zone that does not load names the place") {
    const auto bad = dir / "bad.test.zone";
    write_file(bad, "$TTL 300\n@ IN SOA ns hm 1 2 3 4 5\n@ IN NS ns\nns IN A 999.1.1.1\n");
    auto r = run({"--listen", "127.0.0.1:0", "--zone", bad.string()});
    CHECK(r.status == 1);
    CHECK(contains(r.err, bad.string() + ":4:"));
    CHECK_FALSE(contains(r.err, "ready"));
  }
  SECTION("a port in use") {
    auto first = start_example_server();
    const std::string taken = "127.0.0.1:" + std::to_string(first->port());
    auto r = run({"--listen", taken, "--zone", example_zone().string()});
    CHECK(r.status == 1);
    CHECK(contains(r.err, "cannot listen on " + taken));
    CHECK(contains(r.err, "in use"));
    CHECK(lines(r.err) == 1);
  }
  SECTION("port 53 without privileges suggests another port") {
    if (::geteuid() == 0) {
      WARN("running as root: the privilege error cannot happen; skipped");
    } else {
      auto r = run({"--listen", "127.0.0.1:53", "--zone", example_zone().string()});
      CHECK(r.status == 1);
      CHECK(contains(r.err, "--listen 127.0.0.1:5300"));
    }
  }
}

TEST_CASE("cli: a TOML config file, with flags overriding it", "[integration]") {
  temp_dir dir;
  write_file(dir / "example.test.zone", read_file(example_zone()));
  write_file(dir / "ns.toml",
             "[server]\nlisten = [\"127.0.0.1:0\"]\nthreads = 2\nlog-level = \"info\"\n"
             "identity = \"ns-test\"\n\n"
             "[[zone]]\norigin = \"example.test.\"\nfile = \"example.test.zone\"\n"
             "allow-transfer = [\"10.0.0.0/8\"]\n");
  auto server = start_server({"--config", (dir / "ns.toml").string()});
  const auto at = address_of(*server);
  auto soa = test::udp_query(at, make_query("example.test.", dns::rr_type::soa));
  REQUIRE(soa.has_value());
  CHECK(soa->hdr.aa);
  // The zone's own allow-transfer list refuses loopback.
  test::tcp_client client;
  REQUIRE(client.connect(at));
  REQUIRE(client.send_message(dns::encode(make_query("example.test.", dns::rr_type::axfr, false))));
  auto raw = client.receive_message();
  REQUIRE(raw.has_value());
  dns::message m;
  REQUIRE_FALSE(dns::decode(*raw, m));
  CHECK(m.rcode() == dns::rcode::refused);

  // A typo in the file is an error with its place.
  write_file(dir / "typo.toml", "[server]\nthreds = 2\n");
  auto r = run({"--config", (dir / "typo.toml").string()});
  CHECK(r.status == 1);
  CHECK(contains(r.err, "typo.toml:2:1: unknown key 'threds'"));
}

TEST_CASE("cli: --minimal-responses and minimal-responses = true leave the apex NS out of "
          "positive answers", "[integration]") {
  // Without the option the apex NS RRset rides along in the authority section (as NSD sends it);
  // with it, as from BIND's `minimal-responses yes`, only the answer is there.
  auto authority_ns = [](test::server_process& server) {
    auto answer =
        test::udp_query(address_of(server), make_query("mail.example.test.", dns::rr_type::a));
    REQUIRE(answer.has_value());
    CHECK(answer->rcode() == dns::rcode::noerror);
    CHECK_FALSE(answer->answer.empty());
    std::size_t ns = 0;
    for (const auto& r : answer->authority) ns += r.type == dns::rr_type::ns ? 1 : 0;
    return ns;
  };
  auto plain = start_example_server();
  CHECK(authority_ns(*plain) > 0);
  auto flag = start_example_server({"--minimal-responses"});
  CHECK(authority_ns(*flag) == 0);

  temp_dir dir;
  write_file(dir / "example.test.zone", read_file(example_zone()));
  write_file(dir / "ns.toml",
             "[server]\nlisten = [\"127.0.0.1:0\"]\nthreads = 1\nminimal-responses = true\n\n"
             "[[zone]]\norigin = \"example.test.\"\nfile = \"example.test.zone\"\n");
  auto configured = start_server({"--config", (dir / "ns.toml").string()});
  CHECK(authority_ns(*configured) == 0);

  write_file(dir / "bad.toml", "[server]\nminimal-responses = \"yes\"\n");
  auto r = run({"--config", (dir / "bad.toml").string()});
  CHECK(r.status == 1);
  CHECK(contains(r.err, "bad.toml:2:21: 'minimal-responses' must be true or false"));
}
