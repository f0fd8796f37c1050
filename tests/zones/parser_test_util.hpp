#pragma once
// Helpers for the parser tests: parse a text and collect the records as canonical lines.
#include <string>
#include <string_view>
#include <vector>

#include "dnskit/dns/record.hpp"
#include "dnskit/zones/parser.hpp"

namespace parser_test {

struct parsed {
  dnskit::zones::parse_result result;
  std::vector<dnskit::dns::record> records;
  std::vector<std::string> lines;  // record::to_text() of each record, in order
  // Every diagnostic as "file:line:column: error: message".
  std::vector<std::string> messages() const {
    std::vector<std::string> out;
    for (const auto& d : result.diagnostics) out.push_back(d.to_string());
    return out;
  }
  // Only the errors, as messages() does.
  std::vector<std::string> errors() const {
    std::vector<std::string> out;
    for (const auto& d : result.diagnostics)
      if (d.is_error) out.push_back(d.to_string());
    return out;
  }
};

inline dnskit::zones::parse_options options(std::string_view origin = "example.") {
  dnskit::zones::parse_options o;
  o.origin = dnskit::dns::name::from_text(origin);
  return o;
}

inline parsed parse(std::string_view text, const dnskit::zones::parse_options& o = options()) {
  parsed p;
  p.result = dnskit::zones::parse_text(text, "t.zone", o, [&](const dnskit::dns::record& r) {
    p.records.push_back(r);
    p.lines.push_back(r.to_text());
  });
  return p;
}

}  // namespace parser_test
