// update_client: dynamic updates (RFC 2136) one at a time over ONE TCP connection, for
// bench/nameserver/update.sh. Each update adds one A record (u<N>.ZONE 60 A ...) and waits for
// its answer before the next is sent, so every figure includes the server's durability work
// (its journal sync) for that update.
//
// Usage: update_client ADDR PORT ZONE COUNT [FIRST]
//   ADDR must be a loopback address (127.0.0.0/8 or ::1). FIRST (default 0) numbers the
//   names, so runs against the same zone add new records.
// Output (one line): count=N ok=N failed=N seconds=S updates_per_s=R p50_us=X p99_us=Y max_us=Z
// Exit status 0 when every update was answered NOERROR.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "dnskit/dns/message.hpp"

namespace {

using dnskit::dns::message;

bool write_all(int fd, const std::uint8_t* data, std::size_t size) {
  while (size > 0) {
    const ssize_t n = ::send(fd, data, size, MSG_NOSIGNAL);
    if (n <= 0) return false;
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

bool read_all(int fd, std::uint8_t* data, std::size_t size) {
  while (size > 0) {
    const ssize_t n = ::recv(fd, data, size, 0);
    if (n <= 0) return false;
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

int connect_loopback(const std::string& address, std::uint16_t port) {
  sockaddr_storage storage{};
  socklen_t length = 0;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&storage);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&storage);
  if (::inet_pton(AF_INET, address.c_str(), &v4->sin_addr) == 1) {
    if ((ntohl(v4->sin_addr.s_addr) >> 24) != 127) return -1;
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    length = sizeof(sockaddr_in);
  } else if (::inet_pton(AF_INET6, address.c_str(), &v6->sin6_addr) == 1) {
    if (!IN6_IS_ADDR_LOOPBACK(&v6->sin6_addr)) return -1;
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    length = sizeof(sockaddr_in6);
  } else {
    return -1;
  }
  const int fd = ::socket(storage.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  timeval timeout{10, 0};  // a server that stops answering ends the run
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&storage), length) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

message make_update(std::uint16_t id, const dnskit::dns::name& zone, unsigned n) {
  message m;
  m.hdr.id = id;
  m.hdr.op = dnskit::dns::opcode::update;
  m.questions.push_back({zone, dnskit::dns::rr_type::soa, dnskit::dns::rr_class::in});
  dnskit::dns::record r;
  r.owner = dnskit::dns::name::from_text("u" + std::to_string(n) + "." + zone.to_text());
  r.type = dnskit::dns::rr_type::a;
  r.ttl = 60;
  const std::array<std::uint8_t, 4> address{10, static_cast<std::uint8_t>(n >> 16),
                                             static_cast<std::uint8_t>(n >> 8),
                                             static_cast<std::uint8_t>(n)};
  r.rdata.assign(address.begin(), address.end());
  m.authority.push_back(std::move(r));
  return m;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 5) {
    std::fprintf(stderr, "usage: update_client ADDR PORT ZONE COUNT [FIRST]\n");
    return 2;
  }
  const std::string address = argv[1];
  const long port = std::strtol(argv[2], nullptr, 10);
  std::error_code ec;
  const auto zone = dnskit::dns::name::from_text(argv[3], ec);
  const long count = std::strtol(argv[4], nullptr, 10);
  const long first = argc > 5 ? std::strtol(argv[5], nullptr, 10) : 0;
  if (port <= 0 || port > 65535 || ec || count <= 0 || first < 0) {
    std::fprintf(stderr, "update_client: bad PORT, ZONE, COUNT or FIRST\n");
    return 2;
  }
  const int fd = connect_loopback(address, static_cast<std::uint16_t>(port));
  if (fd < 0) {
    std::fprintf(stderr, "update_client: cannot connect to %s port %ld (loopback only)\n",
                 address.c_str(), port);
    return 1;
  }
  std::vector<double> latencies_us;
  latencies_us.reserve(static_cast<std::size_t>(count));
  long ok = 0;
  long failed = 0;
  std::vector<std::uint8_t> answer(65535);
  const auto start = std::chrono::steady_clock::now();
  for (long i = 0; i < count; ++i) {
    const auto id = static_cast<std::uint16_t>(i);
    std::vector<std::uint8_t> wire =
        dnskit::dns::encode(make_update(id, zone, static_cast<unsigned>(first + i)));
    const std::uint8_t prefix[2] = {static_cast<std::uint8_t>(wire.size() >> 8),
                                    static_cast<std::uint8_t>(wire.size())};
    const auto sent = std::chrono::steady_clock::now();
    std::uint8_t length[2];
    if (!write_all(fd, prefix, 2) || !write_all(fd, wire.data(), wire.size()) ||
        !read_all(fd, length, 2)) {
      std::fprintf(stderr, "update_client: connection lost after %ld updates\n", i);
      break;
    }
    const std::size_t size = (std::size_t{length[0]} << 8) | length[1];
    if (!read_all(fd, answer.data(), size)) {
      std::fprintf(stderr, "update_client: connection lost after %ld updates\n", i);
      break;
    }
    latencies_us.push_back(
        std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - sent).count());
    message reply;
    const bool good = !dnskit::dns::decode(std::span(answer.data(), size), reply) &&
                      reply.hdr.id == id && reply.rcode() == dnskit::dns::rcode::noerror;
    (good ? ok : failed) += 1;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ::close(fd);
  std::sort(latencies_us.begin(), latencies_us.end());
  const auto at = [&](double q) {
    if (latencies_us.empty()) return 0.0;
    return latencies_us[std::min(latencies_us.size() - 1,
                                 static_cast<std::size_t>(q * static_cast<double>(latencies_us.size())))];
  };
  std::printf("count=%zu ok=%ld failed=%ld seconds=%.3f updates_per_s=%.1f p50_us=%.0f p99_us=%.0f "
              "max_us=%.0f\n",
              latencies_us.size(), ok, failed, seconds,
              seconds > 0 ? static_cast<double>(latencies_us.size()) / seconds : 0.0, at(0.50),
              at(0.99), latencies_us.empty() ? 0.0 : latencies_us.back());
  return ok == count ? 0 : 1;
}
