#include "axfr.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>

namespace dnskit::cli {
namespace {

class fd_guard {
 public:
  explicit fd_guard(int fd) : fd_(fd) {}
  ~fd_guard() {
    if (fd_ >= 0) ::close(fd_);
  }
  fd_guard(const fd_guard&) = delete;
  fd_guard& operator=(const fd_guard&) = delete;
  int get() const noexcept { return fd_; }

 private:
  int fd_;
};

using clock = std::chrono::steady_clock;

bool wait_for(int fd, short events, clock::time_point deadline) {
  for (int spins = 0; spins < 1000; ++spins) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now()).count();
    if (left <= 0) return false;
    pollfd p{fd, events, 0};
    int n = ::poll(&p, 1, static_cast<int>(left));
    if (n > 0) return true;
    if (n < 0 && errno != EINTR) return false;
  }
  return false;
}

bool read_exact(int fd, std::uint8_t* out, std::size_t size, clock::time_point deadline, std::string& error) {
  std::size_t got = 0;
  while (got < size) {
    if (!wait_for(fd, POLLIN, deadline)) {
      error = "timed out";
      return false;
    }
    ssize_t n = ::recv(fd, out + got, size - got, 0);
    if (n == 0) {
      error = "connection closed by the server";
      return false;
    }
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) continue;
      error = std::strerror(errno);
      return false;
    }
    got += static_cast<std::size_t>(n);
  }
  return true;
}

}  // namespace

axfr_result transfer_zone(const boost::asio::ip::address& server, std::uint16_t port, const dns::name& zone,
                          dns::rr_class qclass, std::chrono::milliseconds timeout, std::size_t max_records) {
  axfr_result result;
  sockaddr_storage ss{};
  socklen_t len = 0;
  if (server.is_v4()) {
    sockaddr_in in{};
    in.sin_family = AF_INET;
    in.sin_port = htons(port);
    auto b = server.to_v4().to_bytes();
    std::memcpy(&in.sin_addr, b.data(), b.size());
    std::memcpy(&ss, &in, sizeof in);
    len = sizeof in;
  } else {
    sockaddr_in6 in6{};
    in6.sin6_family = AF_INET6;
    in6.sin6_port = htons(port);
    auto b = server.to_v6().to_bytes();
    std::memcpy(&in6.sin6_addr, b.data(), b.size());
    std::memcpy(&ss, &in6, sizeof in6);
    len = sizeof in6;
  }
  fd_guard fd(::socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (fd.get() < 0) {
    result.error = std::strerror(errno);
    return result;
  }
  const clock::time_point deadline = clock::now() + timeout;
  if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&ss), len) != 0 && errno != EINPROGRESS) {
    result.error = std::strerror(errno);
    return result;
  }
  if (!wait_for(fd.get(), POLLOUT, deadline)) {
    result.error = "timed out";
    return result;
  }
  int so_error = 0;
  socklen_t so_len = sizeof so_error;
  ::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &so_error, &so_len);
  if (so_error != 0) {
    result.error = std::strerror(so_error);
    return result;
  }

  std::random_device rd;
  const auto id = static_cast<std::uint16_t>(rd());
  dns::message query = dns::make_query(id, zone, dns::rr_type::axfr, qclass, false, std::nullopt);
  std::vector<std::uint8_t> wire = dns::encode(query);
  std::vector<std::uint8_t> framed{static_cast<std::uint8_t>(wire.size() >> 8), static_cast<std::uint8_t>(wire.size())};
  framed.insert(framed.end(), wire.begin(), wire.end());
  std::size_t sent = 0;
  while (sent < framed.size()) {
    if (!wait_for(fd.get(), POLLOUT, deadline)) {
      result.error = "timed out";
      return result;
    }
    ssize_t n = ::send(fd.get(), framed.data() + sent, framed.size() - sent, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) continue;
      result.error = std::strerror(errno);
      return result;
    }
    sent += static_cast<std::size_t>(n);
  }

  int soa_seen = 0;
  std::vector<std::uint8_t> buffer;
  while (soa_seen < 2) {
    // Each message has its own wait: a large zone may take longer than one timeout in all.
    const clock::time_point message_deadline = clock::now() + timeout;
    std::uint8_t prefix[2];
    if (!read_exact(fd.get(), prefix, 2, message_deadline, result.error)) return result;
    const std::size_t size = (std::size_t{prefix[0]} << 8) | prefix[1];
    buffer.resize(size);
    if (!read_exact(fd.get(), buffer.data(), size, message_deadline, result.error)) return result;
    dns::message m;
    if (auto ec = dns::decode(buffer, m)) {
      result.error = "bad message: " + ec.message();
      return result;
    }
    ++result.messages;
    if (m.hdr.id != id) {
      result.error = "answer with another ID";
      return result;
    }
    if (m.rcode() != dns::rcode::noerror) {
      result.rcode = m.rcode();
      result.error = dns::to_string(m.rcode());
      return result;
    }
    if (m.answer.empty()) {
      result.error = "empty transfer message";
      return result;
    }
    // RFC 5936 §2.2: the transfer starts with the zone's SOA and ends with it again.
    for (dns::record& r : m.answer) {
      if (r.type == dns::rr_type::soa) ++soa_seen;
      if (result.records.empty() && r.type != dns::rr_type::soa) {
        result.error = "the transfer does not start with an SOA";
        return result;
      }
      result.records.push_back(std::move(r));
      if (result.records.size() > max_records) {
        result.error = "too many records";
        return result;
      }
      if (soa_seen >= 2) break;
    }
  }
  return result;
}

}  // namespace dnskit::cli
