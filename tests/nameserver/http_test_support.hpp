#pragma once
// The --http endpoint from a test's side: raw exchanges, GET/POST with status and body, the
// port the server logged, and /metrics samples as a map.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <map>
#include <sstream>

#include <fmt/core.h>

#include "integration_support.hpp"

namespace nstest {

inline int connect_to(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(fd >= 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::connect(fd, reinterpret_cast<const sockaddr*>(&a), sizeof a) == 0);
  return fd;
}

// Sends `request` as is and reads until the server closes (at most 10 s).
inline std::string http_exchange(std::uint16_t port, std::string_view request) {
  const int fd = connect_to(port);
  REQUIRE(::send(fd, request.data(), request.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(request.size()));
  std::string reply;
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 1000) <= 0) continue;
    char buffer[16384];
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) break;
    reply.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return reply;
}

struct http_reply {
  int status = 0;
  std::string headers;
  std::string body;
};

inline http_reply get(std::uint16_t port, std::string_view path, std::string_view method = "GET") {
  const std::string raw = http_exchange(port, fmt::format("{} {} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                                     "Connection: close\r\n\r\n", method, path));
  http_reply r;
  const auto end = raw.find("\r\n\r\n");
  if (!raw.starts_with("HTTP/1.1 ") || end == std::string::npos) return r;
  r.status = std::stoi(raw.substr(9, 3));
  r.headers = raw.substr(0, end);
  r.body = raw.substr(end + 4);
  return r;
}

inline std::uint16_t http_port(test::server_process& server) {
  const auto line = server.process().wait_for_line("http: GET /metrics and /status on 127.0.0.1:", 10s);
  REQUIRE(line.has_value());
  return static_cast<std::uint16_t>(std::stoi(line->substr(line->rfind(':') + 1)));
}

// Sample lines as name{labels} -> value.
inline std::map<std::string, double> samples_of(const std::string& text) {
  std::map<std::string, double> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line.starts_with('#')) continue;
    const auto space = line.rfind(' ');
    out[line.substr(0, space)] = std::stod(line.substr(space + 1));
  }
  return out;
}

}  // namespace nstest
