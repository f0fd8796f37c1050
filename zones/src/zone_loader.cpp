// Loading zones: parse + check + build, and the `--check` entry point.
#include <ostream>
#include <string>

#include "dnskit/zones/loader.hpp"
#include "dnskit/zones/parser.hpp"
#include "dnskit/zones/zone_builder.hpp"

namespace dnskit::zones {

namespace {

parse_options parser_options(const dns::name& origin, const load_options& o) {
  parse_options p;
  p.origin = origin;
  p.default_ttl = o.default_ttl;
  p.default_class = o.default_class;
  p.allow_include = o.allow_include;
  p.max_errors = o.max_parse_errors;
  p.max_file_size = o.max_file_size;
  p.include_directory = o.include_directory;
  p.cancel = o.cancel;
  return p;
}

template <class Parse>
load_result load_with(const dns::name& origin, const load_options& options,
                      const std::string& filename, std::size_t size_hint, Parse&& parse) {
  load_result result;
  zone_builder builder(origin, options.checks);
  // A master file line is rarely shorter than 16 bytes per record.
  builder.reserve(size_hint / 16);
  // Each record keeps its file (an $INCLUDE file's own name), line and column, so that the
  // checks point at it.
  const record_sink add = [&](const dns::record& r, const record_position& at) {
    builder.add(r, at);
  };
  const parse_result parsed = parse(parser_options(origin, options), add);
  result.diagnostics = parsed.diagnostics;
  if (!parsed.ok()) return result;  // as BIND: a file that does not parse is not checked further
  if (options.cancel != nullptr && options.cancel->load()) {
    // Read whole, but the caller gave up waiting (a server that is stopping): no build.
    result.diagnostics.push_back(diagnostic{filename, 0, 0, "load cancelled", true});
    return result;
  }
  const std::size_t first_check = result.diagnostics.size();
  result.zone = builder.build(result.diagnostics);
  // The builder names the first file a record came from in messages about the zone as a whole
  // (line 0: no SOA, the count of messages not shown): that is the zone's own file, even when
  // its first record is in an $INCLUDE file or it has no records at all.
  for (std::size_t i = first_check; i < result.diagnostics.size(); ++i) {
    if (result.diagnostics[i].line == 0) result.diagnostics[i].file = filename;
  }
  return result;
}

}  // namespace

load_result load_zone(const dns::name& origin, const std::filesystem::path& file,
                      const load_options& options) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(file, ec);
  return load_with(origin, options, file.string(), ec ? 0 : static_cast<std::size_t>(size),
                   [&](const parse_options& p, auto&& sink) {
    return parse_file(file, p, sink);
  });
}

load_result load_zone_text(const dns::name& origin, std::string_view text,
                           std::string_view filename, const load_options& options) {
  return load_with(origin, options, std::string(filename), text.size(),
                   [&](const parse_options& p, auto&& sink) {
    return parse_text(text, filename, p, sink);
  });
}

std::optional<dns::name> origin_from_file_name(const std::filesystem::path& file) {
  std::string base = file.filename().string();
  for (const std::string_view suffix : {".zone", ".db"}) {
    if (base.size() > suffix.size() && base.ends_with(suffix)) {
      base.resize(base.size() - suffix.size());
      break;
    }
  }
  if (base.empty() || base == "." || base == "..") return std::nullopt;
  if (base.back() != '.') base += '.';
  std::error_code ec;
  dns::name origin = dns::name::from_text(base, ec);
  if (ec) return std::nullopt;
  return origin;
}

namespace {

// Both forms of parse_zone_spec: `ec` and a reason for the first problem found.
std::optional<zone_spec> zone_spec_of(std::string_view arg, std::error_code& ec,
                                      std::string& reason) {
  ec.clear();
  std::string_view origin_text;
  std::string_view file = arg;
  // ORIGIN=FILE; a file name may itself hold '=' only when an origin is given first.
  if (const auto eq = arg.find('='); eq != std::string_view::npos) {
    origin_text = arg.substr(0, eq);
    file = arg.substr(eq + 1);
  }
  if (file.empty()) {
    ec = std::make_error_code(std::errc::invalid_argument);
    reason = "no file name";
    return std::nullopt;
  }
  zone_spec spec;
  spec.file = std::filesystem::path(file);
  if (origin_text.empty()) {
    auto origin = origin_from_file_name(spec.file);
    if (!origin) {
      ec = std::make_error_code(std::errc::invalid_argument);
      reason = "cannot tell the zone's origin from the file name; write ORIGIN=FILE";
      return std::nullopt;
    }
    spec.origin = std::move(*origin);
    return spec;
  }
  std::string text(origin_text);
  if (text.back() != '.') text += '.';
  spec.origin = dns::name::from_text(text, ec);
  if (ec) {
    reason = "bad origin '" + text + "': " + ec.message();
    return std::nullopt;
  }
  return spec;
}

}  // namespace

std::optional<zone_spec> parse_zone_spec(std::string_view arg, std::error_code& ec) {
  std::string reason;
  return zone_spec_of(arg, ec, reason);
}

std::optional<zone_spec> parse_zone_spec(std::string_view arg, std::string& error) {
  std::error_code ec;
  return zone_spec_of(arg, ec, error);
}

bool check_zones(std::span<const zone_spec> zones, std::ostream& out,
                 const load_options& options) {
  bool all_ok = true;
  for (const zone_spec& spec : zones) {
    const load_result r = load_zone(spec.origin, spec.file, options);
    for (const diagnostic& d : r.diagnostics) out << d.to_string() << '\n';
    std::string name = spec.origin.to_text();
    if (name.size() > 1 && name.back() == '.') name.pop_back();
    const std::string klass =
        r.zone ? dns::to_string(r.zone->klass()) : dns::to_string(options.default_class);
    if (r.ok()) {
      out << "zone " << name << '/' << klass << ": loaded serial " << r.zone->serial() << " ("
          << r.zone->record_count() << " records)\n";
    } else {
      out << "zone " << name << '/' << klass << ": not loaded due to errors.\n";
      all_ok = false;
    }
  }
  return all_ok;
}

}  // namespace dnskit::zones
