#include "dnskit/zones/diagnostic.hpp"

namespace dnskit::zones {

std::string diagnostic::to_string() const {
  std::string out = file;
  if (line != 0) {
    out += ':';
    out += std::to_string(line);
    if (column != 0) {
      out += ':';
      out += std::to_string(column);
    }
  }
  out += is_error ? ": error: " : ": warning: ";
  out += message;
  return out;
}

}  // namespace dnskit::zones
