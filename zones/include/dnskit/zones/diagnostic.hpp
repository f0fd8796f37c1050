#pragma once
// A message about a zone file: an error (the zone is not loaded) or a warning (it is), with the
// place it refers to.
#include <cstdint>
#include <string>

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

}  // namespace dnskit::zones
