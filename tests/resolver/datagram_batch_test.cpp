// detail::datagram_batch: datagrams read a batch at a time come out one by one exactly as
// recvfrom would give them (order, length, source, cut to the buffer), and errors come back from
// the call that meets them. Real UDP sockets on 127.0.0.1.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <vector>

#include <catch2/catch.hpp>

#include "datagram_batch.hpp"

namespace {

using dnskit::resolver::detail::datagram_batch;

// A non-blocking UDP socket bound to 127.0.0.1 on a port the kernel picks; closed at scope end.
class udp_socket {
 public:
  udp_socket() : fd_(::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) {
    REQUIRE(fd_ >= 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd_, reinterpret_cast<const sockaddr*>(&a), sizeof a) == 0);
    socklen_t len = sizeof address_;
    REQUIRE(::getsockname(fd_, reinterpret_cast<sockaddr*>(&address_), &len) == 0);
  }
  ~udp_socket() { ::close(fd_); }
  udp_socket(const udp_socket&) = delete;
  udp_socket& operator=(const udp_socket&) = delete;

  int fd() const { return fd_; }
  const sockaddr_in& address() const { return address_; }

  void send_to(const udp_socket& peer, const std::vector<std::uint8_t>& bytes) const {
    REQUIRE(::sendto(fd_, bytes.data(), bytes.size(), 0, reinterpret_cast<const sockaddr*>(&peer.address_),
                     sizeof peer.address_) == static_cast<ssize_t>(bytes.size()));
  }

 private:
  int fd_;
  sockaddr_in address_{};
};

std::vector<std::uint8_t> datagram(std::size_t size, std::uint8_t fill) {
  return std::vector<std::uint8_t>(size, fill);
}

}  // namespace

TEST_CASE("datagram_batch: datagrams come out in order with their lengths and source", "[unit]") {
  udp_socket receiver, sender;
  constexpr std::size_t count = datagram_batch::batch_size * 2 + 5;  // three batches
  for (std::size_t i = 0; i < count; ++i) sender.send_to(receiver, datagram(i + 1, static_cast<std::uint8_t>(i)));

  datagram_batch batch;
  std::array<std::uint8_t, 512> buffer{};
  for (std::size_t i = 0; i < count; ++i) {
    sockaddr_storage from{};
    socklen_t from_len = sizeof from;
    const ssize_t n = batch.receive(receiver.fd(), buffer.data(), buffer.size(), reinterpret_cast<sockaddr*>(&from), &from_len);
    REQUIRE(n == static_cast<ssize_t>(i + 1));
    CHECK(buffer[i] == static_cast<std::uint8_t>(i));
    REQUIRE(from_len == sizeof(sockaddr_in));
    sockaddr_in source;
    std::memcpy(&source, &from, sizeof source);
    CHECK(source.sin_port == sender.address().sin_port);
    CHECK(source.sin_addr.s_addr == sender.address().sin_addr.s_addr);
    if (i == 0) CHECK(batch.buffered() == datagram_batch::batch_size - 1);  // one read, a whole batch
  }
  sockaddr_storage from{};
  socklen_t from_len = sizeof from;
  errno = 0;
  CHECK(batch.receive(receiver.fd(), buffer.data(), buffer.size(), reinterpret_cast<sockaddr*>(&from), &from_len) == -1);
  CHECK((errno == EAGAIN || errno == EWOULDBLOCK));
  CHECK(batch.buffered() == 0);

  SECTION("a datagram that arrives later is read by the next call") {
    sender.send_to(receiver, datagram(7, 0xab));
    CHECK(batch.receive(receiver.fd(), buffer.data(), buffer.size(), nullptr, nullptr) == 7);
    CHECK(buffer[6] == 0xab);
  }
}

TEST_CASE("datagram_batch: a datagram longer than the buffer is cut as recvfrom cuts it", "[unit]") {
  udp_socket receiver, sender;
  sender.send_to(receiver, datagram(300, 1));
  sender.send_to(receiver, datagram(0, 0));  // an empty datagram is a datagram of length 0
  sender.send_to(receiver, datagram(20, 2));
  datagram_batch batch;
  std::array<std::uint8_t, 100> buffer{};
  CHECK(batch.receive(receiver.fd(), buffer.data(), buffer.size(), nullptr, nullptr) == 100);
  CHECK(buffer[99] == 1);
  CHECK(batch.receive(receiver.fd(), buffer.data(), buffer.size(), nullptr, nullptr) == 0);
  CHECK(batch.receive(receiver.fd(), buffer.data(), buffer.size(), nullptr, nullptr) == 20);
  CHECK(buffer[19] == 2);
}

TEST_CASE("datagram_batch: an ICMP port unreachable comes back as ECONNREFUSED", "[unit]") {
  udp_socket client;
  sockaddr_in nobody;
  {
    const udp_socket closed;  // its port is free again once it is closed
    nobody = closed.address();
  }
  REQUIRE(::connect(client.fd(), reinterpret_cast<const sockaddr*>(&nobody), sizeof nobody) == 0);
  const std::uint8_t byte = 0;
  REQUIRE(::send(client.fd(), &byte, 1, 0) == 1);
  pollfd p{client.fd(), POLLIN, 0};
  REQUIRE(::poll(&p, 1, 2000) == 1);  // the error is pending on the socket
  datagram_batch batch;
  std::array<std::uint8_t, 64> buffer{};
  errno = 0;
  CHECK(batch.receive(client.fd(), buffer.data(), buffer.size(), nullptr, nullptr) == -1);
  CHECK(errno == ECONNREFUSED);
}
