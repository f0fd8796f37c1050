// dig's and doggo's habits beside nslookup's: `@SERVER` in its forms, `ADDR#PORT` in the
// server position, a type after the name, several servers, -p PORT and the `+` switches, each
// meaning what its nslookup spelling means (same output), and a clear error for each bad one.
// Servers are always addresses on loopback: a name would go to the system's resolver.
#include <nlohmann/json.hpp>

#include "cli_support.hpp"
#include "server_arg.hpp"
#include "settings.hpp"

using namespace clitest;
using dnskit::cli::parse_server_arg;

namespace {

std::string masked(const test::command_result& r) { return mask_port(r.out, example_server().port()); }

}  // namespace

TEST_CASE("server arguments: the forms dig, kdig and doggo users write", "[unit]") {
  std::string error;
  auto plain = parse_server_arg("192.0.2.1", "@192.0.2.1", error);
  REQUIRE(plain);
  CHECK(plain->host == "192.0.2.1");
  CHECK(!plain->port);
  auto hash = parse_server_arg("192.0.2.1#5300", "@192.0.2.1#5300", error);
  REQUIRE(hash);
  CHECK(hash->host == "192.0.2.1");
  CHECK(hash->port == 5300);
  auto colon = parse_server_arg("192.0.2.1:5300", "@192.0.2.1:5300", error);
  REQUIRE(colon);
  CHECK(colon->port == 5300);
  auto v6 = parse_server_arg("2001:db8::1", "@2001:db8::1", error);
  REQUIRE(v6);
  CHECK(v6->host == "2001:db8::1");
  CHECK(!v6->port);
  auto v6_port = parse_server_arg("[2001:db8::1]:5300", "@[2001:db8::1]:5300", error);
  REQUIRE(v6_port);
  CHECK(v6_port->host == "2001:db8::1");
  CHECK(v6_port->port == 5300);
  auto v6_hash = parse_server_arg("2001:db8::1#5300", "2001:db8::1#5300", error);
  REQUIRE(v6_hash);
  CHECK(v6_hash->host == "2001:db8::1");
  CHECK(v6_hash->port == 5300);
  auto bracketed = parse_server_arg("[::1]", "@[::1]", error);
  REQUIRE(bracketed);
  CHECK(bracketed->host == "::1");

  for (const char* bad : {"192.0.2.1#0", "192.0.2.1#65536", "192.0.2.1:", "192.0.2.1#x", "[::1", "[::1]5300",
                          "[192.0.2.1]:53", "#53"}) {
    INFO(bad);
    error.clear();
    CHECK(!parse_server_arg(bad, std::string("@") + bad, error));
    CHECK(error.find(std::string("'@") + bad + "'") != std::string::npos);
  }
}

TEST_CASE("+dnssec, +cd, +nsid and +cookie set the question's bits and options", "[unit]") {
  dnskit::cli::settings s;
  auto plain = dnskit::cli::question_options(s);
  CHECK(!plain.dnssec_ok);
  CHECK(!plain.checking_disabled);
  CHECK(plain.edns_options.empty());
  s.dnssec = s.cd = s.nsid = s.cookie = true;
  s.recurse = false;
  auto all = dnskit::cli::question_options(s);
  CHECK(all.dnssec_ok);
  CHECK(all.checking_disabled);
  CHECK(all.recursion_desired == false);
  REQUIRE(all.edns_options.size() == 2);
  CHECK(all.edns_options[0].code == 3);  // NSID
  CHECK(all.edns_options[0].data.empty());
  CHECK(all.edns_options[1].code == 10);  // COOKIE: a client cookie alone
  CHECK(all.edns_options[1].data.size() == 8);
}

TEST_CASE("dig habits: each form prints what its nslookup spelling prints", "[dig]") {
  const std::string port = port_text();
  const auto reference = [&](std::vector<std::string> args) {
    auto r = run_dnslookup(args);
    REQUIRE(r.status == 0);
    REQUIRE(!r.out.empty());
    return masked(r);
  };
  const std::string aaaa = reference({"-type=AAAA", "-port=" + port, "www.example.test", "127.0.0.1"});
  const std::string mx = reference({"-type=MX", "-port=" + port, "example.test", "127.0.0.1"});
  const std::string a = reference({"-port=" + port, "example.test", "127.0.0.1"});

  struct form {
    std::vector<std::string> args;
    const std::string* expected;
  };
  const std::vector<form> forms = {
      {{"www.example.test", "AAAA", "@127.0.0.1:" + port}, &aaaa},
      {{"www.example.test", "aaaa", "@127.0.0.1#" + port}, &aaaa},
      {{"@127.0.0.1#" + port, "example.test", "MX"}, &mx},
      {{"@127.0.0.1#" + port, "example.test", "-type=MX"}, &mx},
      {{"-p", port, "example.test", "127.0.0.1"}, &a},
      {{"-p", port, "example.test", "@127.0.0.1"}, &a},
      {{"example.test", "127.0.0.1#" + port}, &a},
      {{"example.test", "127.0.0.1:" + port}, &a},
      {{"example.test", "MX", "127.0.0.1#" + port}, &mx},
  };
  for (const form& f : forms) {
    std::string line;
    for (const auto& arg : f.args) line += arg + " ";
    INFO("dnslookup " << line);
    auto r = run_dnslookup(f.args);
    CHECK(r.status == 0);
    CHECK(r.err.empty());
    CHECK(masked(r) == *f.expected);
  }

  SECTION("+short, +tcp and +norec are --short, -vc and -norecurse") {
    auto plus = run_dnslookup({"+short", "alias.example.test", "@127.0.0.1#" + port});
    auto long_form = run_dnslookup({"--short", "-port=" + port, "alias.example.test", "127.0.0.1"});
    CHECK(plus.status == 0);
    CHECK(plus.out == long_form.out);
    CHECK(plus.out == "www.example.test.\nexample.test.\n192.0.2.1\n2001:db8::1\n");

    auto tcp = run_dnslookup({"--json-lines", "+tcp", "+norec", "example.test", "A", "@127.0.0.1#" + port});
    CHECK(tcp.status == 0);
    const auto j = nlohmann::json::parse(tcp.out);
    CHECK(j["transport"] == "tcp");
    CHECK(j["flags"] == nlohmann::json({"qr", "aa"}));  // no rd: the question had RD=0
  }

  SECTION("several types after the name, in order") {
    auto r = run_dnslookup({"--short", "example.test", "MX", "TXT", "@127.0.0.1#" + port});
    auto ref = run_dnslookup({"--short", "-type=MX,TXT", "-port=" + port, "example.test", "127.0.0.1"});
    CHECK(r.status == 0);
    CHECK(r.out == ref.out);
    CHECK(r.out.find("10 mail.example.test.\n") == 0);
  }
}

TEST_CASE("dig habits: several servers are tried in order", "[dig]") {
  // 127.0.0.77 has nothing on the port: the kernel refuses at once and the next server answers.
  const std::string port = port_text();
  auto r = run_dnslookup({"-timeout=2", "-retry=1", "--short", "@127.0.0.77", "@127.0.0.1", "-p", port,
                          "www.example.test", "A"});
  CHECK(r.status == 0);
  CHECK(r.out == "example.test.\n192.0.2.1\n");

  auto json = run_dnslookup({"--json-lines", "-timeout=2", "-retry=1", "@127.0.0.77#" + port, "@127.0.0.1#" + port,
                             "www.example.test", "A"});
  CHECK(json.status == 0);
  const auto j = nlohmann::json::parse(json.out);
  CHECK(j["server"]["address"] == "127.0.0.1");
  CHECK(j["rcode"] == "NOERROR");
}

TEST_CASE("dig habits: a bad argument is named in the error", "[dig]") {
  struct bad_case {
    std::vector<std::string> args;
    std::string error;
  };
  const std::vector<bad_case> cases = {
      {{"example.test", "@"}, "dnslookup: '@' needs a server address after it\n"},
      {{"example.test", "@127.0.0.1#0"},
       "dnslookup: bad server '@127.0.0.1#0': the port must be a number from 1 to 65535, not '0'\n"},
      {{"example.test", "@[::1"}, "dnslookup: bad server '@[::1': no ']' after the IPv6 address\n"},
      {{"example.test", "127.0.0.1#99999"},
       "dnslookup: bad server '127.0.0.1#99999': the port must be a number from 1 to 65535, not '99999'\n"},
      {{"example.test", "+frobnicate"}, "dnslookup: unknown option '+frobnicate'\nTry 'dnslookup --help'.\n"},
      {{"-p", "0", "example.test", "127.0.0.1"}, "dnslookup: -p takes a port from 1 to 65535, not '0'\n"},
      {{"example.test", "-p"}, "dnslookup: -p needs a port number\n"},
      {{"example.test", "@127.0.0.1#53", "@127.0.0.2#54"},
       "dnslookup: servers on different ports: '@127.0.0.1#53' and '@127.0.0.2#54' (one port for every server)\n"},
  };
  for (const bad_case& c : cases) {
    INFO(c.args.back());
    auto r = run_dnslookup(c.args, {}, 5s);
    CHECK(r.status == 1);
    CHECK(r.out.empty());
    CHECK(r.err == c.error);
  }
}

TEST_CASE("a silent server: the run ends at timeout x retry", "[dig]") {
  silent_socket silent;
  const auto start = std::chrono::steady_clock::now();
  auto r = run_dnslookup({"-timeout=1", "-retry=1", "example.test", "127.0.0.1", "-port=" + silent.port()}, {}, 10s);
  const auto took = std::chrono::steady_clock::now() - start;
  INFO("took " << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms");
  CHECK(r.status == 1);
  CHECK(took >= 950ms);
  CHECK(took < 1500ms);  // 1.2 s on an idle machine; a margin for a loaded one
}
