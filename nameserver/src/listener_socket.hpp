#pragma once
// Opening the listening sockets. Several threads serve one listener through one socket each,
// all bound to the same address with SO_REUSEPORT so the kernel spreads packets and connections
// over them. Because SO_REUSEPORT would also let a second server process (same user) share a
// port that is already taken, the port is first probed with plain sockets: a port in use is an
// error at start, never a silent split of the traffic.
#include <cstdint>
#include <string>
#include <system_error>

#include "dnskit/nameserver/config.hpp"
#include "server_asio.hpp"

namespace dnskit::nameserver {

// Finds the port to bind for `spec`: spec.port when UDP and TCP can both bind it, or (port 0) a
// port free for both. Returns the error of the failed bind otherwise.
std::error_code probe_port(const endpoint_spec& spec, std::uint16_t& port);

// Opens and binds a UDP socket (non-blocking; SO_REUSEPORT when `shared`; IPV6_V6ONLY for IPv6).
std::error_code open_udp(asio::ip::udp::socket& socket, const asio::ip::udp::endpoint& ep,
                         bool shared);
// Opens, binds and listens on a TCP acceptor (SO_REUSEADDR; SO_REUSEPORT when `shared`).
std::error_code open_tcp(asio::ip::tcp::acceptor& acceptor, const asio::ip::tcp::endpoint& ep,
                         bool shared);

// One line explaining a bind failure, with a hint for the usual causes (port in use, a
// privileged port without privileges, an address not on this host).
std::string bind_error_text(const endpoint_spec& spec, const std::error_code& ec);

}  // namespace dnskit::nameserver
