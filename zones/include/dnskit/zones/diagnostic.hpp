#pragma once
// A message about a zone file: an error (the zone is not loaded) or a warning (it is), with the
// place it refers to.
#include <cstdint>
#include <string>
#include <string_view>

namespace dnskit::zones {

struct diagnostic {
  std::string file;  // the file name as given (or the name passed to parse_text)
  std::uint32_t line = 0;    // 1-based; 0 when the message is about the file as a whole
  std::uint32_t column = 0;  // 1-based byte column; 0 when unknown
  std::string message;       // names the offending token, e.g. "unknown type 'AAA'"
  bool is_error = true;      // false: a warning

  // "file:line:column: error: message" (or "warning:"); the line and column are left out when
  // they are 0, so "file: error: cannot open: No such file or directory".
  std::string to_string() const;
};

// Where a record was read: the parser hands it to its sink with each record, the zone builder
// keeps it until build() for the checks' diagnostics.
struct record_position {
  // The file the record is in: the name given to parse_text/parse_file, or the path of the
  // $INCLUDE file it came from (the including file's directory joined with the $INCLUDE argument).
  // From the parser, valid only during the sink call (the builder copies it).
  std::string_view file;
  // 1-based line and byte column of the entry's first field: the owner name, or the first field
  // after a blank owner (TTL, class or type), or `$GENERATE` for the records that line makes.
  // 0 when unknown.
  std::uint32_t line = 0;
  std::uint32_t column = 0;
};

}  // namespace dnskit::zones
