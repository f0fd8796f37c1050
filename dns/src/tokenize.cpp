#include "dnskit/dns/errc.hpp"
#include "dnskit/dns/rdata.hpp"

namespace dnskit::dns {
namespace {

bool is_space(char c) noexcept { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

}  // namespace

std::error_code tokenize(std::string_view line, std::vector<text_token>& out) {
  std::size_t i = 0;
  const std::size_t n = line.size();
  while (i < n) {
    char c = line[i];
    if (is_space(c)) {
      ++i;
      continue;
    }
    if (c == ';') break;  // comment to the end of the line
    if (c == '"') {
      std::size_t start = ++i;
      while (i < n && line[i] != '"') i += line[i] == '\\' ? 2 : 1;
      if (i >= n) return errc::bad_string;
      out.push_back({line.substr(start, i - start), true});
      ++i;
      continue;
    }
    // A bare token runs to unescaped white space or ';'. `key="a b"` (RFC 9460 SvcParams) keeps
    // the quoted value, spaces included, inside the one token.
    std::size_t start = i;
    while (i < n && !is_space(line[i]) && line[i] != ';') {
      if (line[i] == '\\') {
        i += 2;
        continue;
      }
      if (line[i] == '"' && i > start && line[i - 1] == '=') {
        ++i;
        while (i < n && line[i] != '"') i += line[i] == '\\' ? 2 : 1;
        if (i >= n) return errc::bad_string;
      }
      ++i;
    }
    if (i > n) i = n;  // a trailing lone backslash; the field parser reports it
    out.push_back({line.substr(start, i - start), false});
  }
  return {};
}

}  // namespace dnskit::dns
