#pragma once
// The RFC 1035 §5 master file parser: $ORIGIN, $TTL (RFC 2308), $INCLUDE, BIND's $GENERATE,
// parentheses over lines, comments, quoted strings, escapes, omitted owner/TTL/class, TTL units,
// `@`, RFC 3597 generic types and classes. It hands each record to a sink as soon as it is read,
// with the file, line and column it came from, and reports problems as diagnostics (never
// exceptions), many in one pass.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string_view>
#include <vector>

#include "dnskit/dns/name.hpp"
#include "dnskit/dns/record.hpp"
#include "dnskit/dns/rr_type.hpp"
#include "dnskit/zones/diagnostic.hpp"

namespace dnskit::zones {

struct parse_options {
  // The initial $ORIGIN: `@` and relative names are completed with it.
  dns::name origin;
  // TTL for a record that has no TTL of its own when neither $TTL nor an earlier record gave one
  // (a warning is reported). An SOA in that position takes its MINIMUM field instead, as BIND does.
  std::uint32_t default_ttl = 3600;
  // Class for records that name none (before the first record that does).
  dns::rr_class default_class = dns::rr_class::in;
  // $INCLUDE reads other files: off for untrusted text, on for the operator's own zone files.
  bool allow_include = false;
  // Nesting limit for $INCLUDE (a file including itself, directly or not, is always an error).
  unsigned max_include_depth = 8;
  // Stop after this many errors (the result then ends with a note that parsing stopped).
  std::size_t max_errors = 20;
  // Upper bound on the records one $GENERATE line may produce.
  std::size_t max_generate = 1'000'000;
  // Largest file parse_file (and $INCLUDE) reads, checked before and while reading; 0: none.
  // Files that are not regular files (FIFOs, devices such as /dev/zero) are always refused.
  std::uint64_t max_file_size = std::uint64_t{1} << 30;
  // $INCLUDE reads only files in this directory or below (after symbolic links are resolved).
  // Empty: the directory of the file given to parse_file/parse_text.
  std::filesystem::path include_directory;
  // When set and true, parsing stops at the next record or chunk read (the result then has
  // `cancelled` set and an error): a server that is stopping abandons a long load.
  const std::atomic<bool>* cancel = nullptr;
};

struct parse_result {
  std::size_t record_count = 0;   // records handed to the sink
  std::size_t error_count = 0;    // diagnostics with is_error
  std::size_t warning_count = 0;  // diagnostics without
  std::vector<diagnostic> diagnostics;  // in the order found
  bool cancelled = false;         // options.cancel was set before the end

  // True when there was no error (warnings allowed).
  bool ok() const noexcept { return error_count == 0; }
};

// Called once per record, in file order. The record (and its buffers) is reused after the call
// returns: copy what you keep. A record is only passed on when it parsed without error.
using record_sink = std::function<void(const dns::record&, const record_position&)>;
// The same without the position, for callers that have no use for it.
using record_only_sink = std::function<void(const dns::record&)>;

// Parses `text` as a master file; `filename` is used in diagnostics and as the base directory
// of relative $INCLUDE paths (when options.allow_include is set). The text may hold any bytes.
parse_result parse_text(std::string_view text, std::string_view filename,
                        const parse_options& options, const record_sink& sink);
parse_result parse_text(std::string_view text, std::string_view filename,
                        const parse_options& options, const record_only_sink& sink);

// Reads and parses a file (options.allow_include decides whether $INCLUDE is followed).
// A file that cannot be read is reported as an error diagnostic with line 0.
parse_result parse_file(const std::filesystem::path& path, const parse_options& options,
                        const record_sink& sink);
parse_result parse_file(const std::filesystem::path& path, const parse_options& options,
                        const record_only_sink& sink);

}  // namespace dnskit::zones
