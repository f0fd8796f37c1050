// The bundled zones: they load without a diagnostic, named-checkzone agrees (when installed, and
// only with -i local: without it it would query the system resolver), and the loaded records are
// the ones named-compilezone reads.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <set>

#include "zone_test_util.hpp"

using namespace zone_test;

namespace {

const std::string examples = std::string(DNSKIT_SOURCE_DIR) + "/zones/examples/";

struct bundled {
  const char* origin;
  const char* file;
};
const bundled zones_bundled[] = {{"example.test.", "example.test.zone"},
                                 {"2.0.192.in-addr.arpa.", "2.0.192.in-addr.arpa.zone"},
                                 {"8.b.d.0.1.0.0.2.ip6.arpa.", "8.b.d.0.1.0.0.2.ip6.arpa.zone"}};

bool have(const char* tool) {
  const std::string cmd = std::string("command -v ") + tool + " >/dev/null 2>&1";
  return std::system(cmd.c_str()) == 0;
}

std::string run(const std::string& cmd, int& status) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) {
    status = -1;
    return out;
  }
  char buf[4096];
  std::size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  status = pclose(p);
  return out;
}

}  // namespace

TEST_CASE("example zones load without diagnostics", "[unit]") {
  for (const auto& b : zones_bundled) {
    INFO(b.file);
    const auto r = zones::load_zone(name::from_text(b.origin), examples + b.file);
    CHECK(messages(r.diagnostics) == strings{});
    REQUIRE(r.ok());
    CHECK(r.zone->record_count() > 2);
  }
  const auto r = zones::load_zone(name::from_text("example.test."), examples + "example.test.zone");
  CHECK(r.zone->serial() == 2024010101);
  CHECK(r.zone->record_count() == 60);
}

TEST_CASE("example zones: named-checkzone -i local agrees, named-compilezone reads the same records",
          "[unit][system]") {
  if (!have("named-checkzone") || !have("named-compilezone")) {
    WARN("named-checkzone/named-compilezone not installed: skipped");
    return;
  }
  for (const auto& b : zones_bundled) {
    INFO(b.file);
    int status = 0;
    run("named-checkzone -i local " + std::string(b.origin) + " " + examples + b.file + " 2>&1", status);
    CHECK(status == 0);
    // Compare the record sets as canonical text (named-compilezone -s relative off, one line each).
    const std::string text = run("named-compilezone -i none -s full -o - " + std::string(b.origin) +
                                     " " + examples + b.file + " 2>/dev/null",
                                 status);
    REQUIRE(status == 0);
    // dnskit reads LOC only in the RFC 3597 form: leave named's LOC lines (and ours) out.
    std::string filtered;
    for (std::size_t at = 0; at < text.size();) {
      const std::size_t end = std::min(text.find('\n', at), text.size());
      const std::string line = text.substr(at, end - at);
      if (line.find(" IN LOC") == std::string::npos)
        filtered += line + "\n";
      at = end + 1;
    }
    const auto theirs = zones::load_zone_text(name::from_text(b.origin), filtered, "compiled");
    INFO(Catch::Detail::stringify(messages(theirs.diagnostics)));
    REQUIRE(theirs.ok());
    const auto ours = zones::load_zone(name::from_text(b.origin), examples + b.file);
    REQUIRE(ours.ok());
    std::multiset<std::string> a, c;
    for (const auto& r : ours.zone->to_records())
      if (r.type != rr_type::loc) a.insert(r.to_text());
    for (const auto& r : theirs.zone->to_records()) c.insert(r.to_text());
    CHECK(a == c);
  }
}
