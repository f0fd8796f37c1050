#pragma once
// A UDP socket on 127.0.0.1 (an ephemeral port) that plays the far side of one exchange in a
// test: it receives a datagram (a client's query, a primary's NOTIFY) and answers its sender.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <optional>
#include <system_error>
#include <vector>

namespace dnskit::test {

class udp_responder {
 public:
  // Throws std::system_error when no loopback port can be had.
  udp_responder() {
    fd_ = ::socket(AF_INET, SOCK_DGRAM, 0);
    if (fd_ < 0) throw std::system_error(errno, std::generic_category(), "udp_responder: socket");
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||  // NOLINT
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len) != 0) {  // NOLINT
      const int e = errno;
      ::close(fd_);
      throw std::system_error(e, std::generic_category(), "udp_responder: bind");
    }
    port_ = ntohs(a.sin_port);
  }
  ~udp_responder() { ::close(fd_); }
  udp_responder(const udp_responder&) = delete;
  udp_responder& operator=(const udp_responder&) = delete;

  std::uint16_t port() const { return port_; }

  // The next datagram (whole: up to 65535 bytes), remembering its sender; nullopt on timeout.
  std::optional<std::vector<std::uint8_t>> receive(std::chrono::milliseconds timeout) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(timeout.count())) != 1) return std::nullopt;
    std::vector<std::uint8_t> buf(65535);
    peer_len_ = sizeof peer_;
    const auto n = ::recvfrom(fd_, buf.data(), buf.size(), 0,
                              reinterpret_cast<sockaddr*>(&peer_), &peer_len_);  // NOLINT
    if (n < 0) return std::nullopt;
    buf.resize(static_cast<std::size_t>(n));
    return buf;
  }

  // Sends `message` to the sender of the last datagram received; true when all of it went out.
  bool reply(const std::vector<std::uint8_t>& message) {
    return ::sendto(fd_, message.data(), message.size(), 0, reinterpret_cast<sockaddr*>(&peer_),  // NOLINT
                    peer_len_) == static_cast<ssize_t>(message.size());
  }

 private:
  int fd_ = -1;
  std::uint16_t port_ = 0;
  sockaddr_storage peer_{};
  socklen_t peer_len_ = 0;
};

}  // namespace dnskit::test
