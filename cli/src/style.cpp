#include "style.hpp"

#include <unistd.h>

#include <cstdlib>

namespace dnskit::cli {

style style::for_stdout(colour_mode mode) {
  switch (mode) {
    case colour_mode::always: return style(true);
    case colour_mode::never: return style(false);
    case colour_mode::automatic: break;
  }
  const char* no_colour = std::getenv("NO_COLOR");
  if (no_colour != nullptr && *no_colour != '\0') return style(false);
  const char* term = std::getenv("TERM");
  if (term != nullptr && std::string_view(term) == "dumb") return style(false);
  return style(::isatty(STDOUT_FILENO) == 1);
}

std::string style::paint(role r, std::string_view text) const {
  if (!enabled_ || text.empty()) return std::string(text);
  const char* code = "";
  switch (r) {
    case role::name: code = "\033[1m"; break;
    case role::address: code = "\033[32m"; break;
    case role::error: code = "\033[31m"; break;
    case role::heading: code = "\033[36m"; break;
    case role::dim: code = "\033[2m"; break;
  }
  std::string out(code);
  out += text;
  out += "\033[0m";
  return out;
}

}  // namespace dnskit::cli
