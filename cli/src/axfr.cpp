#include "axfr.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
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

// The earlier of the message's and the transfer's deadlines, and what to say when it passes.
struct deadline_pair {
  clock::time_point message;
  clock::time_point overall;
  std::string overall_text;
  clock::time_point first() const noexcept { return std::min(message, overall); }
  std::string expired() const { return overall <= message ? overall_text : "timed out"; }
};

bool read_exact(int fd, std::uint8_t* out, std::size_t size, const deadline_pair& deadline, std::string& error) {
  std::size_t got = 0;
  while (got < size) {
    if (!wait_for(fd, POLLIN, deadline.first())) {
      error = deadline.expired();
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
                          dns::rr_class qclass, const transfer_limits& limits, const transfer_records& on_records) {
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
  const clock::time_point started = clock::now();
  const clock::time_point deadline = started + std::min(limits.per_message, limits.overall.count() > 0 ? limits.overall : limits.per_message);
  const clock::time_point overall_deadline =
      limits.overall.count() > 0 ? started + limits.overall : clock::time_point::max();
  const std::string overall_text =
      "the transfer did not end within its time limit (" + std::to_string(limits.overall.count() / 1000) + " s)";
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
  std::vector<std::uint8_t> framed(wire.size() + 2);
  framed[0] = static_cast<std::uint8_t>(wire.size() >> 8);
  framed[1] = static_cast<std::uint8_t>(wire.size());
  std::copy(wire.begin(), wire.end(), framed.begin() + 2);
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
  std::vector<std::uint8_t> buffer;  // one message at a time: at most 64 KiB, reused
  while (soa_seen < 2) {
    // Each message has its own wait (a large zone may take longer than one timeout in all),
    // and the transfer as a whole its own.
    const deadline_pair waits{clock::now() + limits.per_message, overall_deadline, overall_text};
    std::uint8_t prefix[2];
    if (!read_exact(fd.get(), prefix, 2, waits, result.error)) return result;
    const std::size_t size = (std::size_t{prefix[0]} << 8) | prefix[1];
    buffer.resize(size);
    if (!read_exact(fd.get(), buffer.data(), size, waits, result.error)) return result;
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
    std::size_t taken = 0;
    for (const dns::record& r : m.answer) {
      if (result.records + taken == 0 && r.type != dns::rr_type::soa) {
        result.error = "the transfer does not start with an SOA";
        return result;
      }
      ++taken;
      if (r.type == dns::rr_type::soa && ++soa_seen >= 2) break;
    }
    result.records += taken;
    on_records(std::span<const dns::record>(m.answer.data(), taken), soa_seen >= 2);
  }
  return result;
}

}  // namespace dnskit::cli
