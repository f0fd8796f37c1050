// The socket functions c-ares uses (ares_set_socket_functions): thin system calls, plus the
// observer's view of each step. c-ares reads errno after a failed call, so every function
// returns with the errno of its system call, whatever the observer did meanwhile.
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <vector>

#include "core.hpp"
#include "datagram_batch.hpp"
#include "dnskit/dns/header_bits.hpp"
#include "dnskit/resolver/observer.hpp"

namespace dnskit::resolver::detail {
namespace {

socket_address to_socket_address(const sockaddr* sa) {
  socket_address out;
  if (sa == nullptr) return out;
  if (sa->sa_family == AF_INET) {
    sockaddr_in in;
    std::memcpy(&in, sa, sizeof in);
    boost::asio::ip::address_v4::bytes_type b;
    std::memcpy(b.data(), &in.sin_addr, b.size());
    out.address = boost::asio::ip::address_v4(b);
    out.port = ntohs(in.sin_port);
  } else if (sa->sa_family == AF_INET6) {
    sockaddr_in6 in6;
    std::memcpy(&in6, sa, sizeof in6);
    boost::asio::ip::address_v6::bytes_type b;
    std::memcpy(b.data(), &in6.sin6_addr, b.size());
    out.address = boost::asio::ip::address_v6(b, in6.sin6_scope_id);
    out.port = ntohs(in6.sin6_port);
  }
  return out;
}

socket_address local_address(int fd) {
  sockaddr_storage ss;
  socklen_t len = sizeof ss;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return {};
  return to_socket_address(reinterpret_cast<const sockaddr*>(&ss));
}

socket_event make_event(core& c, int fd) {
  socket_event ev;
  ev.fd = fd;
  ev.time = std::chrono::steady_clock::now();
  if (const socket_table::entry* e = c.sockets().find(fd)) {
    ev.proto = e->proto;
    ev.local = e->local;
    ev.remote = e->remote;
  }
  return ev;
}

bool would_block(int e) { return e == EAGAIN || e == EWOULDBLOCK || e == EINTR; }

ares_socket_t open_socket(int domain, int type, int protocol, void* data) {
  auto& c = *static_cast<core*>(data);
  const int fd = ::socket(domain, type | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol);
  if (fd < 0) return ARES_SOCKET_BAD;
  const int saved = errno;
  // c-ares configures only sockets it creates itself, so the buffer sizes are set here. UDP
  // sockets get the core's size (by default larger than the system's, flow_control.hpp).
  const bool tcp = type == SOCK_STREAM;
  if (const int size = tcp ? c.opts().socket_receive_buffer : c.udp_receive_buffer(); size > 0) {
    ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
  }
  if (const int size = c.opts().socket_send_buffer; size > 0) {
    ::setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
  }
  if (tcp) {
    // A query is one small write: no reason to wait for Nagle's algorithm (RFC 7766 §6.2.1).
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  c.sockets().opened(fd, tcp ? transport::tcp : transport::udp);
  if (observer* w = c.watcher()) w->on_open(make_event(c, fd));
  errno = saved;
  return fd;
}

int close_socket(ares_socket_t fd, void* data) {
  auto& c = *static_cast<core*>(data);
  if (observer* w = c.watcher()) w->on_close(make_event(c, fd));
  c.sockets().closed(fd);
  return ::close(fd);
}

int connect_socket(ares_socket_t fd, const sockaddr* addr, ares_socklen_t len, void* data) {
  auto& c = *static_cast<core*>(data);
  const int rc = ::connect(fd, addr, len);
  const int saved = errno;
  if (socket_table::entry* e = c.sockets().find(fd)) {
    e->remote = to_socket_address(addr);
    // UDP is bound by connect(); TCP is bound once the SYN is on its way (EINPROGRESS).
    e->local = local_address(fd);
  }
  if (observer* w = c.watcher()) {
    socket_event ev = make_event(c, fd);
    if (rc != 0 && saved != EINPROGRESS) ev.error = error_code(saved, boost::system::system_category());
    w->on_connect(ev);
  }
  errno = saved;
  return rc;
}

// A datagram that cannot be an answer: shorter than a header, or with QR=0 (RFC 1035 §4.1.1),
// e.g. a query reflected back. c-ares 1.18 checks neither QR nor, before closing the socket
// and retrying everything on it, whether an empty datagram came from the server.
bool not_an_answer(const void* buffer, ssize_t n) {
  if (n < 0) return true;
  return !dns::is_response({static_cast<const std::uint8_t*>(buffer), static_cast<std::size_t>(n)});
}

ares_ssize_t recv_from(ares_socket_t fd, void* buffer, std::size_t size, int flags, sockaddr* from,
                       ares_socklen_t* from_len, void* data) {
  auto& c = *static_cast<core*>(data);
  socket_table::entry* info = c.sockets().find(fd);
  const bool udp = info != nullptr && info->proto == transport::udp;
  datagram_batch* batch = udp && flags == 0 ? info->received.get() : nullptr;
  const ares_socklen_t from_room = from_len != nullptr ? *from_len : 0;
  const auto receive = [&] {
    return batch != nullptr ? batch->receive(fd, buffer, size, from, from_len)
                            : ::recvfrom(fd, buffer, size, flags, from, from_len);
  };
  ssize_t n = receive();
  // Such datagrams are dropped here, before c-ares sees them: the query keeps waiting for its
  // answer (or its timeout), as it does for an answer with a wrong ID. (Over TCP a byte stream
  // is read in pieces; query_op rejects a QR=0 message there.)
  while (n >= 0 && udp && not_an_answer(buffer, n)) {
    if (from_len != nullptr) *from_len = from_room;
    n = receive();
  }
  if (observer* w = c.watcher()) {
    const int saved = errno;
    if (n >= 0 || !would_block(saved)) {
      socket_event ev = make_event(c, fd);
      if (from != nullptr && n >= 0) ev.remote = to_socket_address(from);
      if (n >= 0) {
        ev.bytes = static_cast<std::size_t>(n);
        ev.data = {static_cast<const std::uint8_t*>(buffer), ev.bytes};
      } else {
        ev.error = error_code(saved, boost::system::system_category());
      }
      w->on_receive(ev);
    }
    errno = saved;
  }
  return n;
}

ares_ssize_t send_vector(ares_socket_t fd, const iovec* vec, int count, void* data) {
  auto& c = *static_cast<core*>(data);
  // MSG_NOSIGNAL: a TCP peer that went away is an error to report, not a SIGPIPE.
  ssize_t n;
  if (count == 1) {
    // Every UDP query: send() spares the kernel copying in a message header and vector.
    n = ::send(fd, vec[0].iov_base, vec[0].iov_len, MSG_NOSIGNAL);
  } else {
    msghdr msg;
    std::memset(&msg, 0, sizeof msg);
    msg.msg_iov = const_cast<iovec*>(vec);
    msg.msg_iovlen = static_cast<std::size_t>(count);
    n = ::sendmsg(fd, &msg, MSG_NOSIGNAL);
  }
  if (observer* w = c.watcher()) {
    const int saved = errno;
    if (n >= 0 || !would_block(saved)) {
      socket_event ev = make_event(c, fd);
      std::vector<std::uint8_t> bytes;
      if (n >= 0) {
        // What was actually written: the first n bytes of the vector.
        std::size_t left = static_cast<std::size_t>(n);
        for (int i = 0; i < count && left > 0; ++i) {
          const std::size_t take = std::min(left, vec[i].iov_len);
          const auto* p = static_cast<const std::uint8_t*>(vec[i].iov_base);
          bytes.insert(bytes.end(), p, p + take);
          left -= take;
        }
        ev.bytes = bytes.size();
        ev.data = bytes;
      } else {
        ev.error = error_code(saved, boost::system::system_category());
      }
      w->on_send(ev);
    }
    errno = saved;
  }
  return n;
}

}  // namespace

int granted_udp_receive_buffer(int requested) noexcept {
  const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return 0;
  if (requested > 0) ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &requested, sizeof requested);
  int granted = 0;
  socklen_t len = sizeof granted;
  if (::getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &granted, &len) != 0) granted = 0;
  ::close(fd);
  return granted;
}

namespace {

const ares_socket_functions functions = {&open_socket, &close_socket, &connect_socket, &recv_from,
                                         &send_vector};

}  // namespace

const ares_socket_functions& socket_functions() noexcept { return functions; }

}  // namespace dnskit::resolver::detail
