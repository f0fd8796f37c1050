// --trace through a small hierarchy on loopback: the root "." on 127.0.0.2, "test." on
// 127.0.0.3 and the bundled example.test zone on 127.0.0.4, all on one port, with local root
// hints (cli/demo/hierarchy/, also what the demo runs).
#include "cli_support.hpp"

#include <cctype>

using namespace clitest;

namespace {

struct hierarchy {
  std::unique_ptr<test::server_process> root, tld, example;
  std::uint16_t port = 0;
  std::string error;
};

hierarchy& servers() {
  static hierarchy h = [] {
    hierarchy x;
    const auto dir = source_dir() / "cli" / "demo" / "hierarchy";
    auto start = [&](const std::string& listen, const std::string& origin, const std::filesystem::path& zone) {
      std::string error;
      auto s = test::server_process::start(
          nameserver(), {"--listen", listen, "--threads", "1", "--zone", origin + "=" + zone.string()}, error);
      if (!s) x.error += error;
      return s;
    };
    x.root = start("127.0.0.2:0", ".", dir / "root.zone");
    if (!x.root) return x;
    x.port = x.root->port();
    x.tld = start("127.0.0.3:" + std::to_string(x.port), "test.", dir / "test.zone");
    x.example = start("127.0.0.4:" + std::to_string(x.port), "example.test.",
                      source_dir() / "zones" / "examples" / "example.test.zone");
    return x;
  }();
  return h;
}

std::string hints() { return (source_dir() / "cli" / "demo" / "hierarchy" / "root.hints").string(); }

// Ports, times ("0.123 ms" -> "T ms") and where the source tree is vary from run to run.
// (No std::regex: GCC 12 warns inside it under the sanitizers.)
std::string mask(std::string text, std::uint16_t port) {
  const std::string path = hints();
  for (std::size_t pos; (pos = text.find(path)) != std::string::npos;) text.replace(pos, path.size(), "HINTS");
  text = mask_port(text, port);
  for (std::size_t pos = 0; (pos = text.find(" ms", pos)) != std::string::npos;) {
    std::size_t start = pos;
    while (start > 0 && (std::isdigit(static_cast<unsigned char>(text[start - 1])) || text[start - 1] == '.')) --start;
    if (start < pos) {
      text.replace(start, pos - start, "T");
      pos = start + 1;
    }
    pos += 3;
  }
  return text;
}

}  // namespace

TEST_CASE("trace: from the root hints to the answer, referral by referral", "[trace]") {
  hierarchy& h = servers();
  INFO(h.error);
  REQUIRE(h.root);
  REQUIRE(h.tld);
  REQUIRE(h.example);
  const std::string port = "-port=" + std::to_string(h.port);

  auto www = run_dnslookup({"--trace", "--root-hints", hints(), port, "www.example.test"});
  CHECK(www.status == 0);
  check_golden("trace_www.txt", mask(www.out, h.port));

  auto mx = run_dnslookup({"--trace", "--root-hints", hints(), port, "-type=MX", "example.test"});
  CHECK(mx.status == 0);
  CHECK(mx.out.find(";; answer: example.test. MX = 10 mail.example.test., 20 mail2.example.test.") != std::string::npos);

  auto nx = run_dnslookup({"--trace", "--root-hints", hints(), port, "nosuch.example.test"});
  CHECK(nx.status == 1);
  check_golden("trace_nxdomain.txt", mask(nx.out, h.port));

  auto outside = run_dnslookup({"--trace", "--root-hints", hints(), port, "www.example.org"});
  CHECK(outside.status == 1);
  CHECK(outside.out.find("www.example.org. does not exist (NXDOMAIN)") != std::string::npos);
}

TEST_CASE("trace: errors are clear and bounded", "[trace]") {
  auto no_hints = run_dnslookup({"--trace", "--root-hints", "/nonexistent/hints", "www.example.test"});
  CHECK(no_hints.status == 1);
  CHECK(no_hints.err == "dnslookup: cannot read root hints '/nonexistent/hints'\n");

  // Hints that point at a port where nobody answers: every wait is bounded by -timeout/-retry.
  auto silent = run_dnslookup({"--trace", "--root-hints", hints(), "-port=1", "-timeout=1", "-retry=1",
                               "www.example.test"}, {}, 10s);
  CHECK_FALSE(silent.timed_out);
  CHECK(silent.status == 1);
  CHECK(silent.out.find("no server of \".\" could be reached") != std::string::npos);
}
