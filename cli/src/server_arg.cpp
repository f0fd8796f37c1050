#include "server_arg.hpp"

#include <algorithm>
#include <charconv>

#include "dnskit/resolver/detail/asio.hpp"

namespace dnskit::cli {
namespace {

std::optional<std::uint16_t> parse_port(std::string_view text) {
  unsigned v = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, v);
  if (text.empty() || ec != std::errc{} || ptr != end || v == 0 || v > 65535) return std::nullopt;
  return static_cast<std::uint16_t>(v);
}

bool is_v6(std::string_view text) {
  boost::system::error_code ec;
  const auto a = boost::asio::ip::make_address(std::string(text), ec);
  return !ec && a.is_v6();
}

}  // namespace

std::optional<server_arg> parse_server_arg(std::string_view text, std::string_view shown, std::string& error) {
  const auto bad = [&](const std::string& why) -> std::optional<server_arg> {
    error = "bad server '" + std::string(shown) + "': " + why;
    return std::nullopt;
  };
  server_arg out;
  std::string_view host = text;
  std::string_view port;
  bool has_port = false;
  if (!text.empty() && text.front() == '[') {
    // RFC 3986 §3.2.2: an IPv6 literal in brackets, then an optional port.
    const auto close = text.find(']');
    if (close == std::string_view::npos) return bad("no ']' after the IPv6 address");
    host = text.substr(1, close - 1);
    const std::string_view rest = text.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':' && rest.front() != '#') return bad("expected ':PORT' or '#PORT' after ']'");
      port = rest.substr(1);
      has_port = true;
    }
    if (!is_v6(host)) return bad("'" + std::string(host) + "' is not an IPv6 address");
  } else if (const auto hash = text.rfind('#'); hash != std::string_view::npos) {
    host = text.substr(0, hash);
    port = text.substr(hash + 1);
    has_port = true;
  } else if (std::count(text.begin(), text.end(), ':') == 1) {
    const auto colon = text.find(':');
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    has_port = true;
  }
  // (An empty argument is left to find_server, which says what nslookup says.)
  if (host.empty() && (has_port || !text.empty())) return bad("no address");
  if (has_port) {
    const auto p = parse_port(port);
    if (!p) return bad("the port must be a number from 1 to 65535, not '" + std::string(port) + "'");
    out.port = *p;
  }
  out.host = std::string(host);
  return out;
}

}  // namespace dnskit::cli
