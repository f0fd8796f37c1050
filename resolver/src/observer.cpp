#include "dnskit/resolver/observer.hpp"

namespace dnskit::resolver {

const char* to_string(transport t) noexcept { return t == transport::tcp ? "tcp" : "udp"; }

std::string socket_address::to_string() const {
  std::string out;
  if (address.is_v6()) {
    out = "[" + address.to_string() + "]";
  } else {
    out = address.to_string();
  }
  out += ':';
  out += std::to_string(port);
  return out;
}

}  // namespace dnskit::resolver
