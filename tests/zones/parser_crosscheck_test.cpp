// Cross-check with BIND: the records the parser reads equal those named-compilezone writes for
// the same file, compared as sets of canonical lines (each side's rdata read back through
// dns::rdata_from_text, so only the data counts, not how each tool prints it). Skipped when
// named-compilezone (Debian's bind9-utils) is not installed. `-i none`: no integrity checks,
// hence no name lookups through the system resolver.
#include <catch2/catch.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include <unistd.h>

#include "dnskit/dns/rdata.hpp"
#include "parser_test_util.hpp"

using namespace dnskit;

namespace {

bool have_named_compilezone() {
  return std::system("command -v named-compilezone >/dev/null 2>&1") == 0;  // NOLINT
}

std::string lower(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  return s;
}

// "owner ttl class type rdata" in dnskit's own printing, lowercased.
std::string canonical(const dns::record& r) { return lower(r.to_text()); }

// Types whose presentation form as BIND prints it dns/ does not read (LOC, say): their records
// are compared without rdata, on both sides.
using type_set = std::set<dns::rr_type>;

std::string masked(const dns::record& r) {
  return lower(r.owner.to_text() + " " + std::to_string(r.ttl) + " " + dns::to_string(r.klass) +
               " " + dns::to_string(r.type) + " *");
}

std::set<std::string> from_bind(const std::string& origin, const std::string& file, type_set& unread) {
  const std::string cmd = "named-compilezone -i none -f text -F text -o - '" + origin + "' '" +
                          file + "' 2>/dev/null";
  std::FILE* pipe = ::popen(cmd.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string out;
  char buf[4096];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) out.append(buf, n);
  REQUIRE(::pclose(pipe) == 0);

  std::set<std::string> lines;
  std::istringstream in(out);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string owner, ttl, klass, type;
    if (!(fields >> owner >> ttl >> klass >> type)) continue;
    std::string rdata;
    std::getline(fields, rdata);
    dns::record r;
    r.owner = dns::name::from_text(owner);
    r.ttl = static_cast<std::uint32_t>(std::stoul(ttl));
    r.klass = *dns::rr_class_from_string(klass);
    const auto t = dns::rr_type_from_string(type);
    INFO(line);
    REQUIRE(t);
    r.type = *t;
    if (dns::rdata_from_text(r.type, rdata, dns::name(), r.rdata)) {
      unread.insert(r.type);
      lines.insert(masked(r));
      continue;
    }
    lines.insert(canonical(r));
  }
  return lines;
}

std::set<std::string> from_parser(const std::string& origin, const std::string& file,
                                  const type_set& unread) {
  zones::parse_options o;
  o.origin = dns::name::from_text(origin);
  std::set<std::string> lines;
  const auto result = zones::parse_file(file, o, [&](const dns::record& r) {
    lines.insert(unread.count(r.type) ? masked(r) : canonical(r));
  });
  for (const auto& d : result.diagnostics) UNSCOPED_INFO(d.to_string());
  REQUIRE(result.ok());
  return lines;
}

void compare(const std::string& origin, const std::string& file) {
  type_set unread;
  const auto bind = from_bind(origin, file, unread);
  const auto ours = from_parser(origin, file, unread);
  for (const auto t : unread) WARN("rdata of " << dns::to_string(t) << " compared without its data");
  std::set<std::string> only_ours, only_bind;
  for (const auto& l : ours)
    if (!bind.count(l)) only_ours.insert(l);
  for (const auto& l : bind)
    if (!ours.count(l)) only_bind.insert(l);
  for (const auto& l : only_ours) UNSCOPED_INFO("only dnskit: " << l);
  for (const auto& l : only_bind) UNSCOPED_INFO("only BIND:   " << l);
  CHECK(only_ours.empty());
  CHECK(only_bind.empty());
  CHECK(ours.size() > 5);
}

}  // namespace

TEST_CASE("the parser reads what named-compilezone reads", "[unit][parser][crosscheck]") {
  if (!have_named_compilezone()) {
    WARN("named-compilezone not installed: cross-check skipped");
    return;
  }
  SECTION("a zone using most of the syntax") {
    compare("cross.test.", std::string(DNSKIT_TEST_DATA_DIR) + "/parser/crosscheck.zone");
  }
  SECTION("a generated zone of mixed records") {
    // Deterministic: hosts with A/AAAA, CNAMEs, MX, TXT, SRV, multi-label owners, absolute
    // owners, explicit TTLs and classes, blank owners.
    const auto path = std::filesystem::temp_directory_path() /
                      ("dnskit-crosscheck-" + std::to_string(::getpid()) + ".zone");
    {
      std::ofstream out(path);
      out << "$ORIGIN gen.test.\n$TTL 3600\n@ SOA ns1 hostmaster ( 1 7200 900 1209600 300 )\n"
             " NS ns1\n NS ns2.gen.test.\nns1 A 127.0.0.1\nns2 AAAA ::1\n";
      for (unsigned i = 0; i < 3000; ++i) {
        const std::string h = "h" + std::to_string(i) + (i % 7 == 0 ? ".dc" + std::to_string(i % 3) : "");
        out << (i % 11 == 0 ? h + ".gen.test." : h) << (i % 5 == 0 ? " 300" : "")
            << (i % 4 == 0 ? " IN" : "") << " A 198.18." << (i >> 8) % 256 << '.' << i % 256 << '\n';
        if (i % 3 == 0) out << "\tAAAA 2001:db8::" << std::hex << i << std::dec << '\n';
        if (i % 13 == 0) out << "c" << i << " CNAME " << h << '\n';
        if (i % 17 == 0) out << "m" << i << " MX " << i % 50 << ' ' << h << '\n';
        if (i % 19 == 0) out << "t" << i << " TXT \"k=v" << i << "\" \"x y\"\n";
        if (i % 23 == 0) out << "_s._tcp.s" << i << " SRV 10 5 " << 1000 + i << ' ' << h << '\n';
      }
    }
    compare("gen.test.", path.string());
    std::filesystem::remove(path);
  }
  SECTION("the bundled example zone") {
    const std::string file = std::string(DNSKIT_SOURCE_DIR) + "/zones/examples/example.test.zone";
    if (!std::filesystem::exists(file)) {
      WARN("zones/examples/example.test.zone not present: skipped");
      return;
    }
    compare("example.test.", file);
  }
}
