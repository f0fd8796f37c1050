#include "dnskit_test/exchange.hpp"

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace dnskit::test {
namespace {

bool make_sockaddr(const server_address& server, sockaddr_storage& out, socklen_t& length) {
  std::memset(&out, 0, sizeof out);
  sockaddr_in v4{};
  if (::inet_pton(AF_INET, server.address.c_str(), &v4.sin_addr) == 1) {
    v4.sin_family = AF_INET;
    v4.sin_port = htons(server.port);
    std::memcpy(&out, &v4, sizeof v4);
    length = sizeof v4;
    return true;
  }
  sockaddr_in6 v6{};
  if (::inet_pton(AF_INET6, server.address.c_str(), &v6.sin6_addr) == 1) {
    v6.sin6_family = AF_INET6;
    v6.sin6_port = htons(server.port);
    std::memcpy(&out, &v6, sizeof v6);
    length = sizeof v6;
    return true;
  }
  return false;
}

int remaining_ms(std::chrono::steady_clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  return left.count() < 0 ? 0 : static_cast<int>(left.count());
}

bool wait_fd(int fd, short events, std::chrono::steady_clock::time_point deadline) {
  for (;;) {
    pollfd p{fd, events, 0};
    const int r = ::poll(&p, 1, remaining_ms(deadline));
    if (r < 0 && errno == EINTR) continue;
    return r > 0;
  }
}

}  // namespace

std::optional<bytes> udp_exchange(const server_address& server, std::span<const std::uint8_t> query,
                                  std::chrono::milliseconds timeout) {
  sockaddr_storage to{};
  socklen_t length = 0;
  if (!make_sockaddr(server, to, length)) return std::nullopt;
  const int fd = ::socket(to.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return std::nullopt;
  std::optional<bytes> result;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  // connect(): only the server's datagrams are delivered to this socket.
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&to), length) == 0 &&
      ::send(fd, query.data(), query.size(), 0) == static_cast<ssize_t>(query.size()) &&
      wait_fd(fd, POLLIN, deadline)) {
    bytes buffer(65535);
    const ssize_t n = ::recv(fd, buffer.data(), buffer.size(), 0);
    if (n >= 0) {
      buffer.resize(static_cast<std::size_t>(n));
      result = std::move(buffer);
    }
  }
  ::close(fd);
  return result;
}

std::optional<dns::message> udp_query(const server_address& server, const dns::message& query,
                                      std::chrono::milliseconds timeout) {
  const bytes wire = dns::encode(query);
  auto answer = udp_exchange(server, wire, timeout);
  if (!answer) return std::nullopt;
  dns::message m;
  if (dns::decode(*answer, m)) return std::nullopt;
  return m;
}

tcp_client::~tcp_client() { close(); }

tcp_client::tcp_client(tcp_client&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }

tcp_client& tcp_client::operator=(tcp_client&& other) noexcept {
  if (this != &other) {
    close();
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

bool tcp_client::connect(const server_address& server, std::chrono::milliseconds timeout) {
  close();
  sockaddr_storage to{};
  socklen_t length = 0;
  if (!make_sockaddr(server, to, length)) return false;
  fd_ = ::socket(to.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd_ < 0) return false;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  if (::connect(fd_, reinterpret_cast<const sockaddr*>(&to), length) != 0) {
    if (errno != EINPROGRESS || !wait_fd(fd_, POLLOUT, deadline)) {
      close();
      return false;
    }
    int error = 0;
    socklen_t size = sizeof error;
    if (::getsockopt(fd_, SOL_SOCKET, SO_ERROR, &error, &size) != 0 || error != 0) {
      close();
      return false;
    }
  }
  int on = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
  return true;
}

bool tcp_client::send_raw(std::span<const std::uint8_t> data) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  std::size_t sent = 0;
  while (fd_ >= 0 && sent < data.size()) {
    const ssize_t n = ::send(fd_, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<std::size_t>(n);
    } else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
      if (!wait_fd(fd_, POLLOUT, deadline)) return false;
    } else {
      return false;
    }
  }
  return sent == data.size();
}

bool tcp_client::send_message(std::span<const std::uint8_t> message) {
  bytes framed;
  framed.reserve(message.size() + 2);
  framed.push_back(static_cast<std::uint8_t>(message.size() >> 8));
  framed.push_back(static_cast<std::uint8_t>(message.size() & 0xff));
  framed.insert(framed.end(), message.begin(), message.end());
  return send_raw(framed);
}

bool tcp_client::read_exact(std::uint8_t* out, std::size_t n,
                            std::chrono::steady_clock::time_point deadline) {
  std::size_t got = 0;
  while (got < n) {
    const ssize_t r = ::recv(fd_, out + got, n - got, 0);
    if (r > 0) {
      got += static_cast<std::size_t>(r);
    } else if (r < 0 && (errno == EAGAIN || errno == EINTR)) {
      if (!wait_fd(fd_, POLLIN, deadline)) return false;
    } else {
      return false;
    }
  }
  return true;
}

std::optional<bytes> tcp_client::receive_message(std::chrono::milliseconds timeout) {
  if (fd_ < 0) return std::nullopt;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::uint8_t prefix[2];
  if (!read_exact(prefix, 2, deadline)) return std::nullopt;
  bytes message((std::size_t{prefix[0]} << 8) | prefix[1]);
  if (!read_exact(message.data(), message.size(), deadline)) return std::nullopt;
  return message;
}

bool tcp_client::wait_closed(std::chrono::milliseconds timeout) {
  if (fd_ < 0) return true;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::uint8_t buffer[4096];
  for (;;) {
    const ssize_t r = ::recv(fd_, buffer, sizeof buffer, 0);
    if (r == 0) return true;
    if (r < 0 && errno != EAGAIN && errno != EINTR) return true;  // reset counts as closed
    if (r < 0 && !wait_fd(fd_, POLLIN, deadline)) return false;
  }
}

void tcp_client::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

std::optional<dns::message> tcp_query(const server_address& server, const dns::message& query,
                                      std::chrono::milliseconds timeout) {
  tcp_client client;
  if (!client.connect(server, timeout)) return std::nullopt;
  if (!client.send_message(dns::encode(query))) return std::nullopt;
  auto answer = client.receive_message(timeout);
  if (!answer) return std::nullopt;
  dns::message m;
  if (dns::decode(*answer, m)) return std::nullopt;
  return m;
}

}  // namespace dnskit::test
