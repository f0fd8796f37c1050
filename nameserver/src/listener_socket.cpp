#include "listener_socket.hpp"

#include <boost/asio/ip/v6_only.hpp>

#include <netinet/in.h>
#include <sys/socket.h>

#include <fmt/core.h>

namespace dnskit::nameserver {
namespace {

using reuse_port = asio::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>;

asio::ip::address to_address(const endpoint_spec& spec, std::error_code& ec) {
  boost::system::error_code bec;
  auto a = asio::ip::make_address(spec.address, bec);
  ec = bec;
  return a;
}

template <typename Socket>
std::error_code prepare(Socket& s, const asio::ip::address& address, bool shared) {
  boost::system::error_code ec;
  using protocol = typename Socket::protocol_type;
  s.open(address.is_v6() ? protocol::v6() : protocol::v4(), ec);
  if (ec) return ec;
  if (address.is_v6()) s.set_option(asio::ip::v6_only(true), ec);
  if (!ec && shared) s.set_option(reuse_port(true), ec);
  if (!ec) s.non_blocking(true, ec);
  return ec;
}

// Bursts of queries queue in the socket's receive buffer while the worker is busy; the
// default (~200 KiB) drops packets under load, so ask for more (best effort: SO_RCVBUFFORCE
// needs CAP_NET_ADMIN, SO_RCVBUF is capped by net.core.rmem_max).
void enlarge_buffers(int fd) {
  constexpr int size = 4 * 1024 * 1024;
  if (::setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size) != 0) {
    ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
  }
  if (::setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof size) != 0) {
    ::setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
  }
}

}  // namespace

std::error_code open_udp(asio::ip::udp::socket& socket, const asio::ip::udp::endpoint& ep,
                         bool shared) {
  if (auto ec = prepare(socket, ep.address(), shared)) return ec;
  enlarge_buffers(socket.native_handle());
  boost::system::error_code ec;
  socket.bind(ep, ec);
  if (ec) socket.close();
  return ec;
}

std::error_code open_tcp(asio::ip::tcp::acceptor& acceptor, const asio::ip::tcp::endpoint& ep,
                         bool shared) {
  if (auto ec = prepare(acceptor, ep.address(), shared)) return ec;
  boost::system::error_code ec;
  // SO_REUSEADDR: a restarted server may bind while old connections sit in TIME_WAIT.
  acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(ep, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) acceptor.close();
  return ec;
}

std::error_code probe_port(const endpoint_spec& spec, std::uint16_t& port) {
  std::error_code ec;
  const asio::ip::address address = to_address(spec, ec);
  if (ec) return ec;
  asio::io_context io;
  // With port 0 the kernel picks a free UDP port; TCP may have that port taken, so try again
  // a bounded number of times.
  const int attempts = spec.port == 0 ? 32 : 1;
  for (int i = 0; i < attempts; ++i) {
    asio::ip::udp::socket udp(io);
    ec = open_udp(udp, {address, spec.port}, false);
    if (ec) return ec;
    const std::uint16_t chosen = udp.local_endpoint().port();
    asio::ip::tcp::acceptor tcp(io);
    ec = open_tcp(tcp, {address, chosen}, false);
    if (!ec) {
      port = chosen;
      return {};
    }
    if (spec.port != 0 || ec != std::errc::address_in_use) return ec;
  }
  return ec;
}

std::string bind_error_text(const endpoint_spec& spec, const std::error_code& ec) {
  std::string text = fmt::format("cannot listen on {}: {}", spec.to_string(), ec.message());
  if (ec == std::errc::address_in_use) {
    text += " (another server is using this port; choose another with --listen)";
  } else if (ec == std::errc::permission_denied && spec.port < 1024) {
    text += fmt::format(" (ports below 1024 need privileges; try --listen {}:5300)",
                        spec.ipv6 ? "[" + spec.address + "]" : spec.address);
  } else if (ec == std::errc::address_not_available) {
    text += " (the address is not on this host)";
  }
  return text;
}

}  // namespace dnskit::nameserver
