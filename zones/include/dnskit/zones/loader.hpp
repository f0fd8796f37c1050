#pragma once
// Loading a zone from a master file: parse (parser.hpp) + check (checks.hpp) + build (zone.hpp),
// and the `--check` entry point the name server's command line calls.
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "dnskit/dns/name.hpp"
#include "dnskit/dns/rr_type.hpp"
#include "dnskit/zones/checks.hpp"
#include "dnskit/zones/diagnostic.hpp"
#include "dnskit/zones/zone.hpp"

namespace dnskit::zones {

struct load_options {
  dns::rr_class default_class = dns::rr_class::in;
  std::uint32_t default_ttl = 3600;  // for records before any $TTL (the parser warns)
  bool allow_include = true;         // the operator's own files: $INCLUDE on (bounded)
  std::size_t max_parse_errors = 20;
  // Largest zone (or $INCLUDE) file read, checked before and while reading; 0: no limit.
  // FIFOs and devices are always refused (parse_options::max_file_size).
  std::uint64_t max_file_size = std::uint64_t{1} << 30;
  // $INCLUDE files must be in this directory or below; empty: the zone file's directory.
  std::filesystem::path include_directory;
  // Set (from another thread) to abandon a load in progress: the result is a failure.
  const std::atomic<bool>* cancel = nullptr;
  check_options checks;
};

struct load_result {
  std::shared_ptr<const zones::zone> zone;  // nullptr when the zone was rejected
  std::vector<diagnostic> diagnostics;  // errors (when rejected) and warnings, in order found
  bool ok() const noexcept { return zone != nullptr; }
};

// Parses `file` with `origin` as the initial $ORIGIN and the zone's apex, checks and builds.
load_result load_zone(const dns::name& origin, const std::filesystem::path& file,
                      const load_options& options = {});
// The same from text in memory (`filename` names it in diagnostics; $INCLUDE follows
// options.allow_include, relative to the file's directory).
load_result load_zone_text(const dns::name& origin, std::string_view text,
                           std::string_view filename, const load_options& options = {});

// The origin a zone file's name gives, the habit of NSD, Knot and BIND users of naming zone
// files after their zone: the base name without a trailing ".zone" or ".db", made absolute
// ("zones/example.test.zone" and "example.test.db" -> "example.test."). nullopt when that is
// not a valid domain name (".zone", "a..b.db").
std::optional<dns::name> origin_from_file_name(const std::filesystem::path& file);

// One `--zone [ORIGIN=]FILE` argument (the name server's flag, `[[zone]]` entries and every tool
// read them here). Without ORIGIN the origin comes from origin_from_file_name(FILE).
struct zone_spec {
  dns::name origin;
  std::filesystem::path file;
};
// Errors: dns::errc name errors when ORIGIN is not a valid name, std::errc::invalid_argument for
// an empty FILE or a file name that gives no origin.
std::optional<zone_spec> parse_zone_spec(std::string_view arg, std::error_code& ec);
// The same with a one-line reason for a usage message ("no file name", "bad origin 'a..b.':
// ...", "cannot tell the zone's origin from the file name; write ORIGIN=FILE").
std::optional<zone_spec> parse_zone_spec(std::string_view arg, std::string& error);

// `nameserver --check`: loads every zone, prints each diagnostic's to_string() on its own line to
// `out`, then one summary line per zone ("zone example.test/IN: loaded serial 2024010101, 42
// records" or "zone example.test/IN: not loaded due to errors"), as named-checkzone does.
// Returns true when every zone loaded (warnings allowed).
bool check_zones(std::span<const zone_spec> zones, std::ostream& out,
                 const load_options& options = {});

}  // namespace dnskit::zones
