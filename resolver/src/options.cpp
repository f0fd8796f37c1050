#include "dnskit/resolver/options.hpp"

#include <charconv>

#include "cancel_state.hpp"
#include "dnskit/resolver/observer.hpp"

namespace dnskit::resolver {
namespace {

bool parse_port(std::string_view text, std::uint16_t& port) {
  unsigned value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, err] = std::from_chars(text.data(), end, value);
  if (text.empty() || err != std::errc{} || ptr != end || value == 0 || value > 65535) return false;
  port = static_cast<std::uint16_t>(value);
  return true;
}

}  // namespace

server_address server_address::parse(std::string_view text, error_code& ec) {
  ec = {};
  server_address out;
  if (text.empty()) {
    ec = errc::bad_server;
    return {};
  }
  std::string_view host = text;
  std::string_view port;
  if (!text.empty() && text.front() == '[') {
    // "[v6]" or "[v6]:port" (RFC 3986 §3.2.2 brackets)
    const auto close = text.find(']');
    if (close == std::string_view::npos) {
      ec = errc::bad_server;
      return {};
    }
    host = text.substr(1, close - 1);
    const auto rest = text.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') {
        ec = errc::bad_server;
        return {};
      }
      port = rest.substr(1);
      if (port.empty()) {
        ec = errc::bad_server;
        return {};
      }
    }
  } else if (text.find(':') != text.rfind(':')) {
    // Two colons or more and no brackets: a bare IPv6 address, no port.
  } else if (const auto colon = text.find(':'); colon != std::string_view::npos) {
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    if (port.empty()) {
      ec = errc::bad_server;
      return {};
    }
  }
  boost::system::error_code aec;
  out.address = boost::asio::ip::make_address(std::string(host), aec);
  if (aec || (text.front() == '[' && !out.address.is_v6())) {
    ec = errc::bad_server;
    return {};
  }
  if (!port.empty() && !parse_port(port, out.port)) {
    ec = errc::bad_server;
    return {};
  }
  return out;
}

server_address server_address::parse(std::string_view text) {
  error_code ec;
  server_address out = parse(text, ec);
  if (ec) throw boost::system::system_error(ec, std::string(text));
  return out;
}

std::string server_address::to_string() const {
  return socket_address{address, port}.to_string();
}

error_code options::validate() const {
  if (timeout && timeout->count() <= 0) return errc::bad_option;
  if (timeout && timeout->count() > 24L * 3600 * 1000) return errc::bad_option;
  if (tries && (*tries < 1 || *tries > 100)) return errc::bad_option;
  if (ndots && (*ndots < 0 || *ndots > 15)) return errc::bad_option;  // resolv.conf caps at 15
  if (socket_receive_buffer < 0 || socket_send_buffer < 0) return errc::bad_option;
  for (const auto& s : servers) {
    if (s.port == 0 || s.address.is_unspecified()) return errc::bad_server;
  }
  return {};
}

cancel_token::cancel_token() : state_(std::make_shared<detail::cancel_state>()) {}

void cancel_token::cancel() { state_->cancel(); }

bool cancel_token::cancelled() const noexcept { return state_->cancelled; }

}  // namespace dnskit::resolver
