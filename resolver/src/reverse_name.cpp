#include "dnskit/resolver/resolver.hpp"

namespace dnskit::resolver {

dns::name reverse_name(const boost::asio::ip::address& address) {
  std::string text;
  if (address.is_v4()) {
    // RFC 1035 §3.5: the octets in reverse order under in-addr.arpa.
    const auto b = address.to_v4().to_bytes();
    for (auto it = b.rbegin(); it != b.rend(); ++it) {
      text += std::to_string(*it);
      text += '.';
    }
    text += "in-addr.arpa.";
  } else {
    // RFC 3596 §2.5: each nibble, least significant first, under ip6.arpa.
    static constexpr char hex[] = "0123456789abcdef";
    const auto b = address.to_v6().to_bytes();
    for (auto it = b.rbegin(); it != b.rend(); ++it) {
      text += hex[*it & 0x0f];
      text += '.';
      text += hex[*it >> 4];
      text += '.';
    }
    text += "ip6.arpa.";
  }
  return dns::name::from_text(text);
}

}  // namespace dnskit::resolver
