#pragma once
// A name server written the way dig, kdig and doggo users write one (after the `@`, or in
// nslookup's server position): ADDR, ADDR#PORT (how dnslookup itself prints a server),
// IPV4:PORT, NAME:PORT, [IPV6], [IPV6]:PORT, [IPV6]#PORT, IPV6#PORT. A bare IPv6 address has
// no port (its colons are its own).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace dnskit::cli {

struct server_arg {
  std::string host;                    // an address, or a name for the system's resolver
  std::optional<std::uint16_t> port;   // when the argument gives one
};

// std::nullopt and `error` set ("bad port in '@127.0.0.1#0'") when `text` is not one of the
// forms above; `shown` is the argument as typed, for the message.
std::optional<server_arg> parse_server_arg(std::string_view text, std::string_view shown, std::string& error);

}  // namespace dnskit::cli
