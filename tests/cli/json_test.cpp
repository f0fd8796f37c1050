// --json is ONE document per run that the usual tools read whole (`jq .`, `python3 -m
// json.tool`): a default A+AAAA lookup, several types, a timeout and bulk mode. --json-lines
// keeps one object per line. Combinations that cannot be honoured are usage errors.
#include <nlohmann/json.hpp>

#include "cli_support.hpp"

using namespace clitest;

namespace {

// `dnslookup ARGS | TOOL`: the tool's status and output (jq when installed, else python3).
test::command_result piped(const std::vector<std::string>& args, const std::string& tool,
                           const std::string& input = {}) {
  std::string line = quote(dnslookup().string());
  for (const auto& a : args) line += " " + quote(a);
  if (input.empty()) {
    line += " </dev/null";
  } else {
    line = "printf '%s' " + quote(input) + " | " + line;
  }
  return run_shell(line + " | " + tool);
}

std::vector<std::string> json_tools() {
  std::vector<std::string> tools;
  if (test::find_program("jq")) tools.emplace_back("jq -e .");
  if (test::find_program("python3")) tools.emplace_back("python3 -m json.tool");
  return tools;
}

nlohmann::json document(const std::string& out) {
  auto doc = nlohmann::json::parse(out);
  REQUIRE(doc.is_object());
  REQUIRE(doc.contains("responses"));
  REQUIRE(doc["responses"].is_array());
  return doc;
}

}  // namespace

TEST_CASE("json: one document that jq and python3 -m json.tool read", "[json]") {
  const auto tools = json_tools();
  REQUIRE(!tools.empty());
  const std::string server = "@127.0.0.1#" + port_text();
  silent_socket silent;
  struct run_case {
    std::string what;
    std::vector<std::string> args;
    std::string input;
    std::size_t responses;
  };
  const std::vector<run_case> cases = {
      {"default A+AAAA", {"--json", "www.example.test", server}, {}, 2},
      {"several types", {"--json", "example.test", "MX", "TXT", "SOA", server}, {}, 3},
      {"a timeout", {"--json", "-timeout=1", "-retry=1", "example.test", "127.0.0.1#" + silent.port()}, {}, 1},
      {"bulk", {"--json", "-f", "-", server}, "example.test\nnosuch.example.test\nexample.test MX\n", 3},
      {"nothing asked", {"--json", "-f", "-", server}, "# only a comment\n", 0},
  };
  for (const run_case& c : cases) {
    INFO(c.what);
    auto r = run_dnslookup(c.args, c.input);
    const auto doc = document(r.out);
    CHECK(doc["responses"].size() == c.responses);
    for (const auto& tool : tools) {
      INFO(tool);
      auto p = piped(c.args, tool, c.input);
      CHECK(p.status == 0);
      // The same document, read back from the tool (IDs and times differ between runs).
      const auto read = document(p.out);
      REQUIRE(read["responses"].size() == c.responses);
      for (std::size_t i = 0; i < c.responses; ++i) {
        CHECK(read["responses"][i]["question"] == doc["responses"][i]["question"]);
        CHECK(read["responses"][i]["sections"]["answer"] == doc["responses"][i]["sections"]["answer"]);
      }
    }
  }
}

TEST_CASE("json: a timeout reports the time spent waiting", "[json]") {
  silent_socket silent;
  auto r = run_dnslookup({"--json", "-timeout=1", "-retry=2", "example.test", "127.0.0.1#" + silent.port()});
  CHECK(r.status == 1);
  const auto doc = document(r.out);
  REQUIRE(doc["responses"].size() == 1);
  const auto& t = doc["responses"][0];
  CHECK(t["error"] == "timed out");
  CHECK(t["rcode"].is_null());
  // Two tries of one second each (before: 0.0).
  CHECK(t["time_ms"].get<double>() >= 1900.0);
  CHECK(t["time_ms"].get<double>() < 4000.0);
}

TEST_CASE("json-lines: one object per line, as they come", "[json]") {
  auto r = run_dnslookup({"--json-lines", "-port=" + port_text(), "www.example.test", "127.0.0.1"});
  CHECK(r.status == 0);
  std::istringstream in(r.out);
  std::vector<nlohmann::json> objects;
  for (std::string line; std::getline(in, line);) objects.push_back(nlohmann::json::parse(line));
  REQUIRE(objects.size() == 2);
  CHECK(objects[0]["question"]["type"] == "A");
  CHECK(objects[1]["question"]["type"] == "AAAA");
}

TEST_CASE("json: combinations that cannot be honoured are usage errors", "[json]") {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--json", "--explain", "example.test", "127.0.0.1"},
       "dnslookup: --json and --explain cannot be used together (--explain is prose)\n"},
      {{"--explain", "--json-lines", "example.test", "127.0.0.1"},
       "dnslookup: --json-lines and --explain cannot be used together (--explain is prose)\n"},
      {{"--json", "--short", "example.test", "127.0.0.1"}, "dnslookup: --json and --short cannot be used together\n"},
      {{"--json", "+short", "example.test", "127.0.0.1"}, "dnslookup: --json and +short cannot be used together\n"},
      {{"--json", "--trace", "example.test"}, "dnslookup: --json and --trace cannot be used together\n"},
      {{"--json", "--stats", "example.test", "127.0.0.1"},
       "dnslookup: --json and --stats cannot be used together (time_ms and size are in the JSON)\n"},
      {{"--json", "-type=AXFR", "example.test", "127.0.0.1"},
       "dnslookup: --json and -type=AXFR cannot be used together (a transfer prints records)\n"},
      {{"--short", "--explain", "example.test", "127.0.0.1"},
       "dnslookup: --short and --explain cannot be used together (--explain is prose)\n"},
  };
  for (const auto& [args, message] : cases) {
    INFO(args[0] << " " << args[1]);
    auto r = run_dnslookup(args, {}, 5s);
    CHECK(r.status == 1);
    CHECK(r.out.empty());
    CHECK(r.err == message + "Try 'dnslookup --help'.\n");
  }
}
