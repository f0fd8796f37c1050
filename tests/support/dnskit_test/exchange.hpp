#pragma once
// DNS exchanges for tests, over plain sockets on loopback, every one with a time limit.
#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "dnskit/dns/message.hpp"

namespace dnskit::test {

using namespace std::chrono_literals;

struct server_address {
  std::string address = "127.0.0.1";  // numeric IPv4 or IPv6 (no brackets)
  std::uint16_t port = 0;
};

using bytes = std::vector<std::uint8_t>;

// One datagram out, the first datagram back (any content). std::nullopt on timeout/error.
std::optional<bytes> udp_exchange(const server_address& server, std::span<const std::uint8_t> query,
                                  std::chrono::milliseconds timeout = 2000ms);
// Encodes `query`, exchanges it over UDP and decodes the answer (std::nullopt when there is no
// answer or it does not decode).
std::optional<dns::message> udp_query(const server_address& server, const dns::message& query,
                                      std::chrono::milliseconds timeout = 2000ms);

// A DNS-over-TCP client connection (2-byte length framing).
class tcp_client {
 public:
  tcp_client() = default;
  ~tcp_client();
  tcp_client(tcp_client&& other) noexcept;
  tcp_client& operator=(tcp_client&& other) noexcept;

  bool connect(const server_address& server, std::chrono::milliseconds timeout = 2000ms);
  bool connected() const noexcept { return fd_ >= 0; }
  int fd() const noexcept { return fd_; }
  // Sends raw bytes (the test decides the framing).
  bool send_raw(std::span<const std::uint8_t> data);
  // Sends one framed message.
  bool send_message(std::span<const std::uint8_t> message);
  // Receives one framed message; std::nullopt on timeout, error or end of stream.
  std::optional<bytes> receive_message(std::chrono::milliseconds timeout = 2000ms);
  // True when the server has closed the connection (read returns 0) within `timeout`.
  bool wait_closed(std::chrono::milliseconds timeout);
  void close();

 private:
  bool read_exact(std::uint8_t* out, std::size_t n, std::chrono::steady_clock::time_point deadline);
  int fd_ = -1;
};

// One query over a fresh TCP connection.
std::optional<dns::message> tcp_query(const server_address& server, const dns::message& query,
                                      std::chrono::milliseconds timeout = 2000ms);

}  // namespace dnskit::test
