// RFC 1035 §5 master files: entries, records, $ORIGIN/$TTL/$INCLUDE, files, diagnostics.
#include "dnskit/zones/parser.hpp"

#include <algorithm>
#include <string>
#include <utility>

#include "dnskit/dns/errc.hpp"
#include "parser_core.hpp"
#include "parser_file.hpp"

namespace dnskit::zones {
namespace detail {
namespace {

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

// `text` is the directive `name` ("$ORIGIN"), in any case.
bool is_directive(std::string_view text, std::string_view name) {
  return std::equal(text.begin(), text.end(), name.begin(), name.end(),
                    [](char a, char b) { return (a >= 'a' && a <= 'z' ? a - 32 : a) == b; });
}

bool is_known_directive(std::string_view text) {
  return is_directive(text, "$ORIGIN") || is_directive(text, "$TTL") ||
         is_directive(text, "$INCLUDE") || is_directive(text, "$GENERATE");
}

// Whether an entry is recognisably zone data: a known directive, or a record with a known type
// where RFC 1035 §5.1 puts it ([owner] [TTL] [class] type). The first entry of a file that is
// neither is taken for a file that is not a zone file at all (a password file named by mistake,
// say): none of its text is quoted back, since it may be a secret.
bool looks_like_zone_data(const entry& e) {
  if (e.tokens.empty()) return false;
  const token& first = e.tokens.front();
  if (!e.blank_owner && !first.quoted && !first.text.empty() && first.text[0] == '$')
    return is_known_directive(first.text);
  const std::size_t start = e.blank_owner ? 0 : 1;
  for (std::size_t i = start; i < e.tokens.size() && i < start + 3; ++i) {
    dns::rr_type type{};
    if (!e.tokens[i].quoted && lookup_type(e.tokens[i].text, type)) return true;
  }
  return false;
}

bool inside(const std::filesystem::path& canonical, const std::filesystem::path& root) {
  const auto relative = canonical.lexically_relative(root);
  return !relative.empty() && *relative.begin() != "..";
}

// The directory $INCLUDE files must be in: the configured one, else the top file's own.
std::filesystem::path include_root(const parse_options& options,
                                   const std::filesystem::path& file_dir) {
  std::filesystem::path dir = options.include_directory.empty() ? file_dir : options.include_directory;
  if (dir.empty()) dir = ".";
  return canonical_or_self(dir);
}

}  // namespace

// The token as it appears in a message: quoted, cut when long, unprintable bytes as \DDD.
std::string show(std::string_view text, std::size_t max_shown) {
  std::string out = "'";
  const std::size_t n = std::min(text.size(), max_shown);
  for (std::size_t i = 0; i < n; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c >= 0x7F) {
      out += '\\';
      out += static_cast<char>('0' + c / 100);
      out += static_cast<char>('0' + (c / 10) % 10);
      out += static_cast<char>('0' + c % 10);
    } else {
      out += static_cast<char>(c);
    }
  }
  if (n < text.size()) out += "...";
  out += '\'';
  return out;
}

std::string show_path(const std::filesystem::path& path) {
  constexpr std::size_t max_path_shown = 255;
  return show(path.native(), max_path_shown);
}

void parser_core::error(const file_context& file, std::uint32_t line, std::uint32_t column,
                        std::string message) {
  if (stopped_) return;
  result_.diagnostics.push_back(diagnostic{std::string(file.filename), line, column,
                                           std::move(message), true});
  ++result_.error_count;
  if (result_.error_count >= std::max<std::size_t>(options_.max_errors, 1)) {
    result_.diagnostics.push_back(diagnostic{std::string(file.filename), line, column,
                                             "too many errors, stopped reading", true});
    ++result_.error_count;
    stopped_ = true;
  }
}

void parser_core::warning(const file_context& file, std::uint32_t line, std::uint32_t column,
                          std::string message) {
  if (stopped_) return;
  result_.diagnostics.push_back(diagnostic{std::string(file.filename), line, column,
                                           std::move(message), false});
  ++result_.warning_count;
}

bool parser_core::cancelled(const file_context& file, const entry& e) {
  if (options_.cancel == nullptr || !options_.cancel->load(std::memory_order_relaxed)) return false;
  const std::uint32_t line = e.tokens.empty() ? e.error_line : e.tokens.front().line;
  error(file, line, 0, "load cancelled");
  result_.cancelled = true;
  stopped_ = true;
  return true;
}

void parser_core::parse(std::string_view text, file_context& file) {
  lexer lx(text);
  entry e;
  bool first = true;
  while (!stopped_ && lx.next(e)) {
    if (cancelled(file, e)) return;
    if (first) {
      first = false;
      if (!looks_like_zone_data(e)) {
        const std::uint32_t line = e.tokens.empty() ? e.error_line : e.tokens.front().line;
        error(file, line, 0, "not a zone file: first line is not a directive or a record");
        return;
      }
    }
    handle_entry(e, file);
  }
}

void parser_core::handle_entry(const entry& e, file_context& file) {
  if (e.error != nullptr) {
    error(file, e.error_line, e.error_column, e.error);
    return;
  }
  const token& first = e.tokens.front();
  if (!e.blank_owner && !first.text.empty() && first.text[0] == '$') {
    handle_directive(e, file);
    return;
  }
  if (e.blank_owner) {
    // RFC 1035 §5.1: a blank owner is the previous record's owner.
    if (!file.has_owner) {
      error(file, first.line, first.column, "no owner name, and no previous record to take it from");
      return;
    }
    rec_.owner = file.owner;
    handle_record(e.tokens, 0, e, file);
    return;
  }
  if (first.quoted) {
    error(file, first.line, first.column, "an owner name cannot be quoted");
    return;
  }
  if (!file.has_owner || first.text != owner_text_ || !(owner_origin_ == file.origin)) {
    if (const auto ec = name_to_wire(first.text, file.origin, wire_)) {
      error(file, first.line, first.column, "bad owner name " + show(first.text) + ": " + ec.message());
      return;
    }
    std::error_code ec;
    file.owner = dns::name::from_wire(wire_.view(), ec);
    if (ec) {
      error(file, first.line, first.column, "bad owner name " + show(first.text) + ": " + ec.message());
      return;
    }
    file.has_owner = true;
    owner_text_.assign(first.text);
    owner_origin_ = file.origin;
  }
  rec_.owner = file.owner;
  handle_record(e.tokens, 1, e, file);
}

bool parser_core::handle_record(std::span<const token> tokens, std::size_t first, const entry& e,
                                const file_context& file) {
  std::size_t i = first;
  bool have_ttl = false;
  bool have_class = false;
  std::uint32_t ttl = 0;
  dns::rr_class klass = class_;
  // RFC 1035 §5.1: [<TTL>] [<class>] <type> or [<class>] [<TTL>] <type>.
  dns::rr_type type{};
  bool have_type = false;
  while (i < tokens.size() && i < first + 2) {
    const token& t = tokens[i];
    if (t.quoted || t.text.empty()) break;
    if (is_digit(t.text[0])) {
      if (have_ttl) break;
      if (!parse_ttl(t.text, ttl)) {
        error(file, t.line, t.column, "bad TTL " + show(t.text));
        return false;
      }
      have_ttl = true;
      ++i;
      continue;
    }
    // No mnemonic is both a type and a class (ANY aside, which lookup_class refuses), so the
    // common types can be tried first.
    if (lookup_type(t.text, type)) {
      have_type = true;
      break;
    }
    if (!have_class && lookup_class(t.text, klass)) {
      have_class = true;
      ++i;
      continue;
    }
    break;
  }
  if (i == tokens.size()) {
    error(file, e.end_line, e.end_column, "missing record type");
    return false;
  }
  const token& type_token = tokens[i];
  if (!have_type && (type_token.quoted || !lookup_type(type_token.text, type))) {
    error(file, type_token.line, type_token.column, "unknown type " + show(type_token.text));
    return false;
  }
  if (dns::is_meta_type(type)) {
    error(file, type_token.line, type_token.column,
          "type " + show(type_token.text) + " cannot appear in zone data");
    return false;
  }
  rec_.type = type;
  if (!read_rdata(tokens.subspan(i + 1), e, file)) return false;

  // TTL: explicit, else $TTL, else the previous explicit TTL (RFC 1035 §5.1, RFC 2308 §4),
  // else (as BIND) the SOA's MINIMUM for an SOA, else the configured default.
  if (have_ttl) {
    if (ttl > 0x7FFFFFFFU) {
      // RFC 2181 §8: values with the top bit set are treated as zero.
      warning(file, tokens[first].line, tokens[first].column,
              "TTL " + std::to_string(ttl) + " exceeds 2147483647, using 0");
      ttl = 0;
    }
    has_last_ttl_ = true;
    last_ttl_ = ttl;
  } else if (has_default_ttl_) {
    ttl = default_ttl_;
  } else if (has_last_ttl_) {
    ttl = last_ttl_;
  } else {
    const auto soa = type == dns::rr_type::soa ? dns::soa(rec_.rdata) : std::nullopt;
    ttl = soa ? soa->minimum : options_.default_ttl;
    if (!warned_no_ttl_) {
      warning(file, type_token.line, type_token.column,
              soa ? "no TTL and no $TTL: using the SOA MINIMUM " + std::to_string(ttl)
                  : "no TTL and no $TTL: using the default " + std::to_string(ttl));
      warned_no_ttl_ = true;
    }
    has_default_ttl_ = true;
    default_ttl_ = ttl;
  }
  rec_.ttl = ttl;
  rec_.klass = klass;
  class_ = klass;
  // The record's place is where its entry starts (the owner, or $GENERATE): checks that find
  // something wrong with it point there.
  const token& start = e.tokens.front();
  sink_(rec_, record_position{file.filename, start.line, start.column});
  ++result_.record_count;
  return true;
}

bool parser_core::read_rdata(std::span<const token> tokens, const entry& e,
                             const file_context& file) {
  rdata_tokens_.clear();
  for (const token& t : tokens) rdata_tokens_.push_back(dns::text_token{t.text, t.quoted});
  if (fast_rdata(rec_.type, rdata_tokens_, file.origin, rec_.rdata) == fast_outcome::done)
    return true;
  std::size_t bad = rdata_tokens_.size();
  const std::error_code ec =
      dns::rdata_from_text(rec_.type, rdata_tokens_, file.origin, rec_.rdata, &bad);
  if (!ec) return true;
  const std::string type_name = dns::to_string(rec_.type);
  if (bad < tokens.size()) {
    error(file, tokens[bad].line, tokens[bad].column,
          "bad " + type_name + " data " + show(tokens[bad].text) + ": " + ec.message());
  } else if (tokens.empty()) {
    error(file, e.end_line, e.end_column, "missing " + type_name + " data");
  } else {
    error(file, e.end_line, e.end_column, "bad " + type_name + " data: " + ec.message());
  }
  return false;
}

void parser_core::handle_directive(const entry& e, file_context& file) {
  const token& d = e.tokens.front();
  const auto args = std::span<const token>(e.tokens).subspan(1);
  const auto expect_args = [&](std::size_t min, std::size_t max) {
    if (args.size() < min) {
      error(file, e.end_line, e.end_column, "missing argument to " + std::string(d.text));
      return false;
    }
    if (args.size() > max) {
      error(file, args[max].line, args[max].column,
            "unexpected " + show(args[max].text) + " after " + std::string(d.text));
      return false;
    }
    return true;
  };
  const auto is = [&](std::string_view name) { return is_directive(d.text, name); };
  if (is("$ORIGIN")) {
    // RFC 1035 §5.1: a relative $ORIGIN is completed with the current origin.
    if (!expect_args(1, 1)) return;
    std::error_code ec;
    if (!(ec = name_to_wire(args[0].text, file.origin, wire_))) {
      dns::name n = dns::name::from_wire(wire_.view(), ec);
      if (!ec) {
        file.origin = std::move(n);
        return;
      }
    }
    error(file, args[0].line, args[0].column, "bad $ORIGIN " + show(args[0].text) + ": " + ec.message());
  } else if (is("$TTL")) {
    // RFC 2308 §4: the default TTL for records without one.
    if (!expect_args(1, 1)) return;
    std::uint32_t ttl = 0;
    if (args[0].quoted || !parse_ttl(args[0].text, ttl)) {
      error(file, args[0].line, args[0].column, "bad $TTL " + show(args[0].text));
      return;
    }
    if (ttl > 0x7FFFFFFFU) {
      warning(file, args[0].line, args[0].column,
              "$TTL " + std::to_string(ttl) + " exceeds 2147483647, using 0");
      ttl = 0;
    }
    has_default_ttl_ = true;
    default_ttl_ = ttl;
  } else if (is("$INCLUDE")) {
    handle_include(e, file);
  } else if (is("$GENERATE")) {
    handle_generate(e, file);
  } else {
    error(file, d.line, d.column, "unknown directive " + show(d.text));
  }
}

std::filesystem::path canonical_or_self(const std::filesystem::path& p) {
  std::error_code ec;
  auto c = std::filesystem::weakly_canonical(p, ec);
  return ec ? p : c;
}

void parser_core::handle_include(const entry& e, file_context& file) {
  const token& d = e.tokens.front();
  if (!options_.allow_include) {
    error(file, d.line, d.column, "$INCLUDE is not allowed here");
    return;
  }
  const auto args = std::span<const token>(e.tokens).subspan(1);
  if (args.empty()) {
    error(file, e.end_line, e.end_column, "missing argument to $INCLUDE");
    return;
  }
  if (args.size() > 2) {
    error(file, args[2].line, args[2].column, "unexpected " + show(args[2].text) + " after $INCLUDE");
    return;
  }
  const token& path_token = args[0];
  if (path_token.text.empty() || path_token.text.find('\0') != std::string_view::npos) {
    error(file, path_token.line, path_token.column, "bad $INCLUDE file name " + show(path_token.text));
    return;
  }
  // RFC 1035 §5.1: the origin argument, if any, applies to the included file only.
  file_context child;
  child.origin = file.origin;
  if (args.size() == 2) {
    std::error_code ec;
    if (!(ec = name_to_wire(args[1].text, file.origin, wire_)))
      child.origin = dns::name::from_wire(wire_.view(), ec);
    if (ec) {
      error(file, args[1].line, args[1].column, "bad $INCLUDE origin " + show(args[1].text) + ": " + ec.message());
      return;
    }
  }
  std::filesystem::path path(path_token.text);
  if (path.is_relative()) path = file.directory / path;
  if (depth_ >= options_.max_include_depth) {
    error(file, path_token.line, path_token.column,
          "$INCLUDE nested deeper than " + std::to_string(options_.max_include_depth) + " files");
    return;
  }
  const auto canonical = canonical_or_self(path);
  if (std::find(include_stack_.begin(), include_stack_.end(), canonical) != include_stack_.end()) {
    error(file, path_token.line, path_token.column,
          "$INCLUDE loop: " + show_path(path) + " is already being read");
    return;
  }
  // Included files stay in one directory tree (as NSD and Knot's include path), so that a zone
  // file cannot make the server read, say, /etc/shadow (a symbolic link out counts as out).
  if (!inside(canonical, include_root_)) {
    error(file, path_token.line, path_token.column,
          "$INCLUDE file " + show_path(path) + " is outside " + show_path(include_root_) +
              ", the directory $INCLUDE files are read from (include-directory)");
    return;
  }
  file_text text;
  if (auto why = text.read(path, read_limits{options_.max_file_size, options_.cancel});
      !why.empty()) {
    error(file, path_token.line, path_token.column,
          "cannot read $INCLUDE file " + show_path(path) + ": " + why);
    return;
  }
  const std::string display = path.string();
  child.filename = display;
  child.directory = path.parent_path();
  // An included file continues the including file's owner until it names its own.
  child.has_owner = file.has_owner;
  child.owner = file.owner;
  include_stack_.push_back(canonical);
  ++depth_;
  parse(text.text(), child);
  --depth_;
  include_stack_.pop_back();
  // The owner-text cache may now describe the included file's last owner.
  owner_text_.clear();
  owner_origin_ = dns::name();
}

}  // namespace detail

namespace {

// Adapts a sink that takes no position. It holds a reference only, so std::function keeps it
// inline (no allocation), and it lives as long as the parse_text/parse_file call that uses it.
record_sink without_position(const record_only_sink& sink) {
  return [&sink](const dns::record& r, const record_position&) { sink(r); };
}

}  // namespace

parse_result parse_text(std::string_view text, std::string_view filename,
                        const parse_options& options, const record_sink& sink) {
  parse_result result;
  detail::parser_core core(options, sink, result);
  detail::file_context file;
  file.filename = filename;
  file.directory = std::filesystem::path(filename).parent_path();
  file.origin = options.origin;
  if (options.allow_include && !filename.empty()) {
    core.enter_file(detail::canonical_or_self(std::filesystem::path(filename)),
                    detail::include_root(options, file.directory));
  } else if (options.allow_include) {
    core.enter_file({}, detail::include_root(options, file.directory));
  }
  core.parse(text, file);
  return result;
}

parse_result parse_text(std::string_view text, std::string_view filename,
                        const parse_options& options, const record_only_sink& sink) {
  return parse_text(text, filename, options, without_position(sink));
}

parse_result parse_file(const std::filesystem::path& path, const parse_options& options,
                        const record_sink& sink) {
  parse_result result;
  detail::parser_core core(options, sink, result);
  const std::string display = path.string();
  detail::file_context file;
  file.filename = display;
  file.directory = path.parent_path();
  file.origin = options.origin;
  detail::file_text text;
  if (auto why = text.read(path, detail::read_limits{options.max_file_size, options.cancel});
      !why.empty()) {
    core.error(file, 0, 0, "cannot read: " + why);
    result.cancelled = options.cancel != nullptr && options.cancel->load();
    return result;
  }
  core.enter_file(detail::canonical_or_self(path), detail::include_root(options, file.directory));
  core.parse(text.text(), file);
  return result;
}

parse_result parse_file(const std::filesystem::path& path, const parse_options& options,
                        const record_only_sink& sink) {
  return parse_file(path, options, without_position(sink));
}

}  // namespace dnskit::zones
