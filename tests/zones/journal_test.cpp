// The zone journal (zones/journal.hpp): differences between versions, condensation for IXFR
// (RFC 1995 §4), the file format, and what a torn or corrupted file does.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "dnskit/zones/journal.hpp"
#include "zone_test_util.hpp"

namespace {

using namespace zone_test;
namespace fs = std::filesystem;

std::string version(int serial, const std::string& body) {
  return "$ORIGIN j.test.\n$TTL 300\n@ SOA ns1 host " + std::to_string(serial) +
         " 3600 600 86400 300\n@ NS ns1\nns1 A 127.0.0.1\n" + body;
}

std::vector<std::string> texts(const std::vector<dnskit::dns::record>& rs) {
  std::vector<std::string> out;
  for (const auto& r : rs) out.push_back(r.to_text());
  return out;
}

fs::path temp_dir() {
  fs::path dir = fs::temp_directory_path() / ("dnskit-journal-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  return dir;
}

std::vector<std::uint8_t> read_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_bytes(const fs::path& p, const std::vector<std::uint8_t>& b) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
}

}  // namespace

TEST_CASE("journal: the difference of two versions, SOAs first", "[unit]") {
  auto v1 = load(version(1, "a A 192.0.2.1\nb A 192.0.2.2\nc 300 TXT \"same\"\n"), "j.test.");
  auto v2 = load(version(2, "b A 192.0.2.22\nc 300 TXT \"same\"\nd A 192.0.2.4\n"), "j.test.");
  const zones::zone_change d = zones::diff_zones(*v1, *v2);
  CHECK(d.serial_from == 1);
  CHECK(d.serial_to == 2);
  CHECK(texts(d.removed) == std::vector<std::string>{
                                "j.test. 300 IN SOA ns1.j.test. host.j.test. 1 3600 600 86400 300",
                                "a.j.test. 300 IN A 192.0.2.1", "b.j.test. 300 IN A 192.0.2.2"});
  CHECK(texts(d.added) == std::vector<std::string>{
                              "j.test. 300 IN SOA ns1.j.test. host.j.test. 2 3600 600 86400 300",
                              "b.j.test. 300 IN A 192.0.2.22", "d.j.test. 300 IN A 192.0.2.4"});
  // A TTL change is a removal and an addition (RFC 1995 compares whole RRs).
  auto v3 = load(version(3, "b 600 A 192.0.2.22\nc 300 TXT \"same\"\nd A 192.0.2.4\n"), "j.test.");
  const zones::zone_change t = zones::diff_zones(*v2, *v3);
  CHECK(texts(t.removed).back() == "b.j.test. 300 IN A 192.0.2.22");
  CHECK(texts(t.added).back() == "b.j.test. 600 IN A 192.0.2.22");
}

TEST_CASE("journal: the difference inside a large RRset, and owners in another case", "[unit]") {
  // 40 addresses at one name (searched sorted, not pairwise); one of them changes, one goes,
  // and a name written in capitals in the new version is the same name.
  std::string old_body = "Mixed A 192.0.2.9\n", new_body = "mIXED A 192.0.2.9\n";
  for (int i = 0; i < 40; ++i) {
    old_body += "big A 198.51.100." + std::to_string(i) + "\n";
    if (i == 7) continue;
    new_body += "big A 198.51.100." + std::to_string(i == 30 ? 230 : i) + "\n";
  }
  auto v1 = load(version(1, old_body), "j.test.");
  auto v2 = load(version(2, new_body), "j.test.");
  const zones::zone_change d = zones::diff_zones(*v1, *v2);
  CHECK(texts(d.removed) == std::vector<std::string>{
                                "j.test. 300 IN SOA ns1.j.test. host.j.test. 1 3600 600 86400 300",
                                "big.j.test. 300 IN A 198.51.100.7",
                                "big.j.test. 300 IN A 198.51.100.30"});
  CHECK(texts(d.added) == std::vector<std::string>{
                              "j.test. 300 IN SOA ns1.j.test. host.j.test. 2 3600 600 86400 300",
                              "big.j.test. 300 IN A 198.51.100.230"});
  // Nothing changed but the serial: the two SOAs alone.
  auto v3 = load(version(3, new_body), "j.test.");
  const zones::zone_change same = zones::diff_zones(*v2, *v3);
  CHECK(same.removed.size() == 1);
  CHECK(same.added.size() == 1);
}

TEST_CASE("journal: condensed differences from any serial the history reaches", "[unit]") {
  auto v1 = load(version(1, "a A 192.0.2.1\nb A 192.0.2.2\n"), "j.test.");
  auto v2 = load(version(2, "b A 192.0.2.2\nc A 192.0.2.3\n"), "j.test.");
  auto v3 = load(version(3, "a A 192.0.2.1\nb A 192.0.2.2\nc A 192.0.2.3\n"), "j.test.");
  auto v4 = load(version(4, "a A 192.0.2.1\nb A 192.0.2.2\n"), "j.test.");
  const zones::zone_history h({zones::diff_zones(*v1, *v2), zones::diff_zones(*v2, *v3),
                               zones::diff_zones(*v3, *v4)});
  CHECK(h.last_serial() == 4u);
  // 1 -> 4: `a` removed then added back, `c` added then removed: only the SOAs remain.
  auto from1 = h.condensed_since(1);
  REQUIRE(from1);
  CHECK(from1->removed.size() == 1);
  CHECK(from1->added.size() == 1);
  CHECK(zones::diff_zones(*v1, *v4).removed.size() == 1);
  // 2 -> 4: c removed, a added, as a direct difference would say.
  auto from2 = h.condensed_since(2);
  REQUIRE(from2);
  const auto direct = zones::diff_zones(*v2, *v4);
  CHECK(texts(from2->removed) == texts(direct.removed));
  CHECK(texts(from2->added) == texts(direct.added));
  CHECK_FALSE(h.condensed_since(0));  // older than the history
  CHECK_FALSE(h.condensed_since(4));  // the history ends there: nothing to send
}

TEST_CASE("journal: written, read back, trimmed to its limits", "[unit]") {
  const fs::path dir = temp_dir();
  const fs::path file = zones::journal_path(dir / "j.test.zone");
  CHECK(file.filename() == "j.test.zone.jnl");
  fs::remove(file);
  std::vector<std::shared_ptr<const zones::zone>> versions;
  for (int i = 1; i <= 5; ++i) {
    versions.push_back(load(version(i, "v" + std::to_string(i) + " TXT \"" +
                                           std::string(static_cast<std::size_t>(i) * 10, 'x') +
                                           "\"\n"),
                            "j.test."));
  }
  std::uint64_t size = 0;
  std::string error;
  std::vector<zones::zone_change> all;
  for (int i = 0; i + 1 < 5; ++i) {
    all.push_back(zones::diff_zones(*versions[i], *versions[i + 1]));
    REQUIRE(zones::append_journal(file, size, all.back(), error));
    CHECK(size == fs::file_size(file));
  }
  auto read = zones::read_journal(file);
  CHECK(read.problem.empty());
  CHECK(read.changes == all);
  CHECK(read.good_size == size);

  const auto two = zones::trim_changes(all, {2, 1 << 20});
  REQUIRE(two.size() == 2);
  CHECK(two.front().serial_from == 3);
  const auto by_size = zones::trim_changes(all, {100, fs::file_size(file) / 2});
  CHECK(!by_size.empty());
  CHECK(by_size.size() < all.size());
  CHECK(by_size.back().serial_to == 5);
  REQUIRE(zones::rewrite_journal(file, two, size, error));
  CHECK(zones::read_journal(file).changes == two);
  CHECK(!fs::exists(fs::path(file) += ".tmp"));
  fs::remove_all(dir);
}

TEST_CASE("journal: a torn or corrupted entry is reported and never applied", "[unit]") {
  const fs::path dir = temp_dir();
  const fs::path file = dir / "torn.zone.jnl";
  fs::remove(file);
  auto v1 = load(version(1, "a A 192.0.2.1\n"), "j.test.");
  auto v2 = load(version(2, "a A 192.0.2.2\n"), "j.test.");
  auto v3 = load(version(3, "a A 192.0.2.3\n"), "j.test.");
  std::uint64_t size = 0;
  std::string error;
  REQUIRE(zones::append_journal(file, size, zones::diff_zones(*v1, *v2), error));
  const std::uint64_t first = size;
  REQUIRE(zones::append_journal(file, size, zones::diff_zones(*v2, *v3), error));
  const auto whole = read_bytes(file);

  // Every possible truncation inside the second entry: the first entry only, and the offset.
  for (std::size_t cut = first; cut < whole.size(); ++cut) {
    const std::vector<std::uint8_t> torn(whole.begin(), whole.begin() + static_cast<long>(cut));
    const auto r = zones::decode_journal(torn, "torn.zone.jnl");
    REQUIRE(r.changes.size() == 1);
    CHECK(r.good_size == first);
    if (cut > first) CHECK(r.problem.find("torn.zone.jnl: offset " + std::to_string(first)) == 0);
  }
  // Every single flipped byte of the second entry: the first entry only.
  for (std::size_t at = first; at < whole.size(); ++at) {
    auto bad = whole;
    bad[at] ^= 0x41;
    const auto r = zones::decode_journal(bad, "x");
    CHECK(r.changes.size() == 1);
    CHECK(!r.problem.empty());
  }
  // Appending after a torn tail cuts it first: the file reads whole again.
  write_bytes(file, std::vector<std::uint8_t>(whole.begin(), whole.end() - 5));
  auto read = zones::read_journal(file);
  CHECK(read.changes.size() == 1);
  std::uint64_t good = read.good_size;
  REQUIRE(zones::append_journal(file, good, zones::diff_zones(*v2, *v3), error));
  read = zones::read_journal(file);
  CHECK(read.problem.empty());
  CHECK(read.changes.size() == 2);
  fs::remove_all(dir);
}

TEST_CASE("journal: an entry gives back every name with its own case", "[unit]") {
  // Names that differ only in case, in owners and in rdata: compressed, the later ones would
  // take the case of the earlier ones (RFC 1035 §4.1.4); the journal keeps each as written.
  auto v1 = load(version(1, "a A 192.0.2.1\n"), "j.test.");
  auto v2 = load(version(2, "A.J.TEST. A 192.0.2.1\nx CNAME A.J.test.\nm MX 10 a.J.TEST.\n"), "j.test.");
  const zones::zone_change d = zones::diff_zones(*v1, *v2);
  const auto back = zones::decode_journal(zones::encode_journal_entry(d), "case.jnl");
  REQUIRE(back.changes.size() == 1);
  CHECK(back.changes[0] == d);
  CHECK(texts(back.changes[0].added) == texts(d.added));
}
