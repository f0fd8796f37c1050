// What dnslookup does beyond nslookup, against the real nameserver: --json (schema), --short,
// several types, --stats, --explain, bulk mode, ls by AXFR, IDN, colour, and clear errors.
#include "cli_support.hpp"

#include <nlohmann/json.hpp>

using namespace clitest;

namespace {

std::vector<std::string> with_server(std::vector<std::string> args) {
  args.insert(args.begin(), "-port=" + port_text());
  args.push_back("127.0.0.1");
  return args;
}

// The response objects of --json's one document ({"responses": [...]}).
std::vector<nlohmann::json> json_lines(const std::string& out) {
  const auto doc = nlohmann::json::parse(out);
  REQUIRE(doc.is_object());
  REQUIRE(doc.size() == 1);
  REQUIRE(doc["responses"].is_array());
  return doc["responses"].get<std::vector<nlohmann::json>>();
}

}  // namespace

TEST_CASE("json: one response object per question, with the documented fields", "[json]") {
  auto r = run_dnslookup(with_server({"--json", "www.example.test"}));
  CHECK(r.status == 0);
  auto objects = json_lines(r.out);
  REQUIRE(objects.size() == 2);  // A, then AAAA for the end of the CNAME chain
  const auto& a = objects[0];
  for (const char* key : {"query", "server", "transport", "question", "rcode", "error", "flags", "id", "sections",
                          "time_ms", "size"}) {
    CHECK(a.contains(key));
  }
  CHECK(a["query"] == "www.example.test");
  CHECK(a["server"]["address"] == "127.0.0.1");
  CHECK(a["server"]["port"] == example_server().port());
  CHECK(a["transport"] == "udp");
  CHECK(a["question"] == nlohmann::json({{"name", "www.example.test."}, {"type", "A"}, {"class", "IN"}}));
  CHECK(a["rcode"] == "NOERROR");
  CHECK(a["error"].is_null());
  CHECK(a["flags"] == nlohmann::json({"qr", "aa", "rd"}));
  CHECK(a["time_ms"].is_number());
  CHECK(a["size"].get<int>() > 12);
  const auto& answer = a["sections"]["answer"];
  REQUIRE(answer.size() == 2);
  CHECK(answer[0] == nlohmann::json({{"name", "www.example.test."}, {"type", "CNAME"}, {"class", "IN"},
                                     {"ttl", 3600}, {"data", "example.test."}}));
  CHECK(answer[1]["data"] == "192.0.2.1");
  CHECK(a["sections"]["authority"].size() == 2);
  CHECK(objects[1]["question"]["name"] == "example.test.");
  CHECK(objects[1]["question"]["type"] == "AAAA");
  CHECK(objects[1]["sections"]["answer"][0]["data"] == "2001:db8::1");
}

TEST_CASE("json: NXDOMAIN and an unreachable server", "[json]") {
  auto nx = run_dnslookup(with_server({"--json", "nosuch.example.test"}));
  CHECK(nx.status == 1);
  auto objects = json_lines(nx.out);
  REQUIRE(objects.size() == 1);
  CHECK(objects[0]["rcode"] == "NXDOMAIN");
  CHECK(objects[0]["sections"]["authority"][0]["type"] == "SOA");

  auto dead = run_dnslookup({"--json", "-timeout=1", "-retry=1", "-vc", "-port=1", "example.test", "127.0.0.1"});
  CHECK(dead.status == 1);
  auto failed = json_lines(dead.out);
  REQUIRE(failed.size() == 1);
  CHECK(failed[0]["rcode"].is_null());
  CHECK(failed[0]["error"] == "connection refused");
}

TEST_CASE("short: the answers' data only", "[short]") {
  auto r = run_dnslookup(with_server({"--short", "alias.example.test"}));
  CHECK(r.status == 0);
  CHECK(r.out == "www.example.test.\nexample.test.\n192.0.2.1\n2001:db8::1\n");
  auto mx = run_dnslookup(with_server({"--short", "-type=MX", "example.test"}));
  CHECK(mx.out == "10 mail.example.test.\n20 mail2.example.test.\n");
  auto ptr = run_dnslookup(with_server({"--short", "192.0.2.25"}));
  CHECK(ptr.out == "mail.example.test.\n");
  auto nx = run_dnslookup(with_server({"--short", "nosuch.example.test"}));
  CHECK(nx.status == 1);
  CHECK(nx.out.empty());
  CHECK(nx.err == "** server can't find nosuch.example.test: NXDOMAIN\n");
}

TEST_CASE("several types in one run", "[golden]") {
  auto r = run_dnslookup(with_server({"-type=MX,TXT", "-type=SOA", "example.test"}));
  CHECK(r.status == 0);
  check_golden("several_types.txt", mask_port(r.out, example_server().port()));
}

TEST_CASE("stats: who answered, over what, how fast, how big", "[stats]") {
  auto r = run_dnslookup(with_server({"--stats", "-type=TXT", "big.example.test"}));
  CHECK(r.status == 0);
  const std::string masked = mask_port(r.out, example_server().port());
  CHECK(masked.find(";; TXT big.example.test. answered by 127.0.0.1#PORT over TCP in ") != std::string::npos);
  CHECK(masked.find(" bytes sent, ") != std::string::npos);
  auto udp = run_dnslookup(with_server({"--stats", "-type=A", "example.test"}));
  CHECK(mask_port(udp.out, example_server().port()).find("answered by 127.0.0.1#PORT over UDP") != std::string::npos);
}

TEST_CASE("explain: the lookup told step by step", "[explain]") {
  auto r = run_dnslookup(with_server({"--explain", "www.example.test"}));
  CHECK(r.status == 0);
  const std::string& out = r.out;
  for (const char* expected : {"1. The settings", "Server: 127.0.0.1, given on the command line",
                               "set with -port=", "Names to ask, in order: www.example.test.",
                               "first A (IPv4 address), then AAAA", "Opened a UDP socket",
                               "from 127.0.0.1:", "Sent 34 bytes over UDP: a query with ID",
                               "flags qr aa rd", "AA=1: the server is an authority",
                               "www.example.test is an alias: its canonical name is example.test.",
                               "So: www.example.test -> (alias of) example.test -> 192.0.2.1",
                               "(the A answer ended at this name", "has the IPv6 address 2001:db8::1",
                               "What nslookup would print", "Name:\texample.test\nAddress: 192.0.2.1"}) {
    INFO(expected);
    CHECK(out.find(expected) != std::string::npos);
  }
  auto reverse = run_dnslookup(with_server({"--explain", "192.0.2.1"}));
  CHECK(reverse.out.find("is an address, so the question is the other way round") != std::string::npos);
  auto tcp = run_dnslookup(with_server({"--explain", "-type=TXT", "big.example.test"}));
  CHECK(tcp.out.find("The TC bit is set") != std::string::npos);
  CHECK(tcp.out.find("Opened a TCP socket") != std::string::npos);
}

TEST_CASE("bulk: names from a file, results in input order", "[golden]") {
  const auto names = (data_dir() / "bulk-names.txt").string();
  const auto port = example_server().port();
  auto plain = run_dnslookup({"-port=" + port_text(), "--parallel", "3", "-f", names, "127.0.0.1"});
  CHECK(plain.status == 1);  // NXDOMAIN and a bad name among them
  // A bad line is named by its place in the input.
  CHECK(plain.err.find("dnslookup: " + names + ":9: 'a..b' is not a legal name (empty label)\n") != std::string::npos);
  // The summary goes to stderr (stdout is compared with the golden file as before).
  CHECK(plain.err.find(";; 9 names in ") != std::string::npos);
  CHECK(plain.err.find("): 7 answered, 1 NXDOMAIN, 1 errors (1 bad input lines)\n;; latency p50 ") !=
        std::string::npos);
  CHECK(plain.err.find('\r') == std::string::npos);  // no progress line: stderr is not a terminal
  check_golden("bulk.txt", mask_port(plain.out, port));

  auto brief = run_dnslookup({"-port=" + port_text(), "--short", "-f", names, "127.0.0.1"});
  check_golden("bulk_short.txt", brief.out);

  auto json = run_dnslookup({"-port=" + port_text(), "--json", "--parallel=2", "-f", "-", "127.0.0.1"},
                            "example.test\nnosuch.example.test\nexample.test MX\n");
  auto objects = json_lines(json.out);
  REQUIRE(objects.size() == 3);
  CHECK(objects[0]["rcode"] == "NOERROR");
  CHECK(objects[1]["rcode"] == "NXDOMAIN");
  CHECK(objects[2]["question"]["type"] == "MX");
  CHECK(objects[2]["sections"]["answer"].size() == 2);
}

TEST_CASE("bulk: words split at any blank, CRLF lines, comments and extra words", "[bulk]") {
  // As `std::istream >>` splits them in the "C" locale: space, \t, \n, \v, \f and \r.
  const std::string input =
      "  example.test\t MX \r\n"
      "\fwww.example.test\v\r\n"
      "# a comment\n"
      "; another\n"
      "\t \r\n"
      " example.test   A  more words\r\n";
  auto r = run_dnslookup({"-port=" + port_text(), "--short", "-f", "-", "127.0.0.1"}, input);
  CHECK(r.status == 0);
  CHECK(r.out ==
        "example.test\t10 mail.example.test.\nexample.test\t20 mail2.example.test.\n"
        "www.example.test\t192.0.2.1\nexample.test\t192.0.2.1\n");
  CHECK(r.err.find(";; 3 names in ") != std::string::npos);
}

TEST_CASE("bulk: thousands of names through one resolver keep their order", "[bulk]") {
  std::string input;
  const char* names[] = {"example.test", "multi.example.test", "nosuch.example.test", "mail.example.test"};
  for (int i = 0; i < 3000; ++i) input += std::string(names[i % 4]) + "\n";
  auto r = run_dnslookup({"-port=" + port_text(), "--short", "--parallel", "200", "-f", "-", "127.0.0.1"}, input, 60s);
  CHECK_FALSE(r.timed_out);
  std::istringstream lines(r.out);
  std::vector<std::string> got;
  for (std::string l; std::getline(lines, l);) got.push_back(l);
  // Per 4 names: example.test (1), multi (2), nosuch (1: NAME ERROR), mail (1) lines.
  REQUIRE(got.size() == 750u * 5);
  for (std::size_t i = 0; i < got.size(); i += 5) {
    CHECK(got[i] == "example.test\t192.0.2.1");
    CHECK(got[i + 1].rfind("multi.example.test\t192.0.2.1", 0) == 0);
    CHECK(got[i + 3] == "nosuch.example.test\tNXDOMAIN");
    CHECK(got[i + 4] == "mail.example.test\t192.0.2.25");
  }
  CHECK(r.err.find(";; 3000 names in ") != std::string::npos);
  CHECK(r.err.find("): 2250 answered, 750 NXDOMAIN, 0 errors\n") != std::string::npos);
}

TEST_CASE("ls: a zone listing by AXFR from the current server", "[golden]") {
  const std::string input = "ls example.test\nls -t MX example.test\nls -d 2.0.192.in-addr.arpa\nls nosuch.test\nexit\n";
  auto r = run_dnslookup({"-port=" + port_text(), "-", "127.0.0.1"}, input);
  check_golden("ls.txt", mask_port(r.out, example_server().port()));
  CHECK(r.status == 1);  // the refused transfer
}

TEST_CASE("idn: a Unicode name is asked in ASCII and shown in both forms", "[idn]") {
  auto r = run_dnslookup(with_server({"bücher.idn.test"}));
  CHECK(r.status == 0);
  CHECK(r.out.find("Name:\txn--bcher-kva.idn.test (bücher.idn.test)\nAddress: 192.0.2.5\n") != std::string::npos);
  auto alias = run_dnslookup(with_server({"-type=CNAME", "books.idn.test"}));
  CHECK(alias.out.find("books.idn.test\tcanonical name = xn--bcher-kva.idn.test.") != std::string::npos);
}

TEST_CASE("colour: escape codes only when asked for (output is a pipe here)", "[colour]") {
  auto plain = run_dnslookup(with_server({"example.test"}));
  CHECK(plain.out.find('\033') == std::string::npos);
  auto coloured = run_dnslookup(with_server({"--color=always", "example.test"}));
  CHECK(coloured.out.find("\033[32m192.0.2.1\033[0m") != std::string::npos);
}

TEST_CASE("errors: one clear message and a non-zero status", "[errors]") {
  auto bad_name = run_dnslookup(with_server({"a..b"}));
  CHECK(bad_name.status == 1);
  CHECK(bad_name.err == "dnslookup: 'a..b' is not a legal name (empty label)\n");

  auto long_option = run_dnslookup({"--frobnicate", "example.test"});
  CHECK(long_option.status == 1);
  CHECK(long_option.err.rfind("dnslookup: unknown option '--frobnicate'", 0) == 0);

  auto usage = run_dnslookup({"a", "b", "c"});
  CHECK(usage.status == 1);
  CHECK(usage.err.rfind("Usage:\n", 0) == 0);

  // (No server name that needs the system's resolver: tests never use it.)
  auto bad_server = run_dnslookup({"example.test", ""});
  CHECK(bad_server.status == 1);
  CHECK(bad_server.err == "dnslookup: couldn't get address for '': not found\n");

  auto parallel = run_dnslookup({"--parallel", "0", "-f", "-"});
  CHECK(parallel.status == 1);
  CHECK(parallel.err.find("--parallel takes a number") != std::string::npos);

  auto no_file = run_dnslookup({"-f", "/nonexistent/names", "127.0.0.1"});
  CHECK(no_file.status == 1);
  CHECK(no_file.err == "dnslookup: cannot read '/nonexistent/names'\n");

  auto version = run_dnslookup({"--version"});
  CHECK(version.status == 0);
  CHECK(version.out.rfind("dnslookup ", 0) == 0);
}
