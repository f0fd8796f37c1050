#include "udp_listener.hpp"

#include <sys/time.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <string>
#include <system_error>

#include "log.hpp"
#include "server_worker.hpp"

namespace dnskit::nameserver {
namespace {

// How long one sendmmsg may wait for room in the socket's send buffer before the rest of the
// batch is dropped (as lost packets): a stop never waits longer than this for a send.
constexpr timeval send_timeout{1, 0};

request_info client_of(const sockaddr_in6& storage) {
  if (storage.sin6_family == AF_INET6) {
    std::array<std::uint8_t, 16> a{};
    std::memcpy(a.data(), &storage.sin6_addr, 16);
    return request_info::v6(transport::udp, a, ntohs(storage.sin6_port));
  }
  sockaddr_in v4{};
  std::memcpy(&v4, &storage, sizeof v4);
  std::array<std::uint8_t, 4> a{};
  std::memcpy(a.data(), &v4.sin_addr, 4);
  return request_info::v4(transport::udp, a, ntohs(v4.sin_port));
}

}  // namespace

udp_listener::udp_listener(server_worker& worker, asio::ip::udp::socket socket)
    : worker_(worker), socket_(std::move(socket)) {
  fd_ = socket_.native_handle();
  const auto local = socket_.local_endpoint();
  v6_ = local.address().is_v6();
  answer_size_ = std::max<std::size_t>(512, worker_.context().transport.udp_max_response);
  limiter_ = worker_.context().rate_limit.get();
  if (local.address().is_unspecified()) {
    int on = 1;
    pktinfo_ = v6_ ? ::setsockopt(fd_, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on, sizeof on) == 0
                   : ::setsockopt(fd_, IPPROTO_IP, IP_PKTINFO, &on, sizeof on) == 0;
  }
  // The loop blocks in recvmmsg and sendmmsg; the timeouts bound each wait (SO_RCVTIMEO: the
  // idle wake-up; SO_SNDTIMEO: a send buffer that stays full).
  boost::system::error_code ec;
  socket_.non_blocking(false, ec);
  const timeval idle{idle_wake_ms / 1000, static_cast<suseconds_t>(idle_wake_ms % 1000) * 1000};
  if (ec || ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &idle, sizeof idle) != 0 ||
      ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &send_timeout, sizeof send_timeout) != 0) {
    throw std::system_error(ec ? std::error_code(ec) : std::error_code(errno, std::generic_category()),
                            "udp socket");
  }
  in_buffer_ = std::make_unique_for_overwrite<std::uint8_t[]>(batch * max_query);
  out_buffer_.resize(batch * answer_size_);
  for (std::size_t i = 0; i < batch; ++i) {
    in_iov_[i] = {in_buffer_.get() + i * max_query, max_query};
    out_iov_[i] = {out_buffer_.data() + i * answer_size_, 0};
  }
}

void udp_listener::run() {
  while (!stop_.load(std::memory_order_acquire)) {
    for (std::size_t i = 0; i < batch; ++i) {
      msghdr& h = in_[i].msg_hdr;
      h.msg_name = &peer_[i];
      h.msg_namelen = sizeof peer_[i];
      h.msg_iov = &in_iov_[i];
      h.msg_iovlen = 1;
      h.msg_control = pktinfo_ ? in_control_[i].data() : nullptr;
      h.msg_controllen = pktinfo_ ? control_size : 0;
      h.msg_flags = 0;
    }
    // Blocks until one datagram is there, then takes those already queued behind it without
    // waiting for more: a lone query is answered at once, a burst in one call.
    const int got = ::recvmmsg(fd_, in_.data(), batch, MSG_WAITFORONE, nullptr);
    const int error = got < 0 ? errno : 0;
    if (stop_.load(std::memory_order_acquire)) break;
    // A zone set published since the last wake-up (a reload, a dynamic update): the old one
    // is let go here even when the wake-up is only the idle timeout.
    worker_.zones().refresh();
    if (got <= 0) {
      // EAGAIN: idle_wake_ms without a query; EINTR: a signal came to this thread.
      if (error != 0 && error != EAGAIN && error != EWOULDBLOCK && error != EINTR) {
        log::debug("udp receive failed: {}", std::strerror(error));
      }
      continue;
    }
    send_batch(answer_batch(static_cast<std::size_t>(got)));
  }
  close_socket();
}

void udp_listener::stop() {
  std::lock_guard lock(close_mutex_);
  stop_.store(true, std::memory_order_release);
  // On an unconnected UDP socket Linux answers ENOTCONN but still marks it shut for reading
  // and wakes the thread blocked in recvmmsg; should it not, the idle timeout does.
  if (!closed_) ::shutdown(fd_, SHUT_RD);
}

void udp_listener::close_socket() {
  std::lock_guard lock(close_mutex_);
  if (closed_) return;
  closed_ = true;
  if (rate_dropped_ + rate_slipped_ != 0) {
    boost::system::error_code ec;
    const auto local = socket_.local_endpoint(ec);
    log::info("rate limit on udp {}: {} answers dropped, {} sent truncated (TC)",
              ec ? std::string("?") : local.address().to_string(), rate_dropped_, rate_slipped_);
  }
  boost::system::error_code ignored;
  socket_.close(ignored);
}

std::size_t udp_listener::rate_limit(const request_info& client, const outcome& result,
                                     std::uint32_t now, std::span<std::uint8_t> answer) {
  const rate_limiter::verdict v = limiter_->check(client, result, now);
  if (v == rate_limiter::verdict::send) return result.size;
  if (now - rate_log_second_ >= 60 || rate_dropped_ + rate_slipped_ == 0) {
    // One line a minute at most: a flood must not turn into a flood of log lines.
    rate_log_second_ = now;
    log::info("rate limit: more than {} identical answers/s to {}, limiting (slip {})",
              limiter_->limit(), rate_limit_network(client), limiter_->slip());
  }
  if (v == rate_limiter::verdict::drop) {
    ++rate_dropped_;
    worker_.counters().rrl_dropped.add();
    return 0;
  }
  ++rate_slipped_;
  worker_.counters().rrl_slipped.add();
  return make_slip_response(answer, result.size);
}

std::size_t udp_listener::answer_batch(std::size_t count) {
  std::size_t answers = 0;
  // One clock reading per batch is precise enough for per-second rate windows.
  const std::uint32_t now =
      limiter_ != nullptr ? rate_limiter::seconds(std::chrono::steady_clock::now()) : 0;
  for (std::size_t i = 0; i < count; ++i) {
    const msghdr& h = in_[i].msg_hdr;
    if ((h.msg_flags & MSG_TRUNC) != 0) continue;  // cannot happen with 64 KiB of room
    const std::span<const std::uint8_t> query(in_buffer_.get() + i * max_query, in_[i].msg_len);
    std::uint8_t* answer = out_buffer_.data() + answers * answer_size_;
    const request_info client = client_of(peer_[i]);
    const outcome result = worker_.process(query, client, {answer, answer_size_});
    if (result.what != outcome::action::reply || result.size == 0) continue;
    std::size_t size = result.size;
    // Response rate limiting: after the answer is known (its rcode and name decide which
    // stream it counts in), before it is sent.
    // A valid server cookie proves the address is the client's own (RFC 7873 §5.2.4), so it
    // cannot be a reflection victim: exempt, as BIND and Knot do. A flag test, no allocation.
    if (limiter_ != nullptr && !result.valid_cookie) {
      size = rate_limit(client, result, now, {answer, answer_size_});
      if (size == 0) continue;
    }

    mmsghdr& o = out_[answers];
    out_iov_[answers].iov_base = answer;
    out_iov_[answers].iov_len = size;
    o.msg_hdr = {};
    o.msg_hdr.msg_name = &peer_[i];
    o.msg_hdr.msg_namelen = h.msg_namelen;
    o.msg_hdr.msg_iov = &out_iov_[answers];
    o.msg_hdr.msg_iovlen = 1;
    if (pktinfo_) answer_from_destination(h, answers);
    ++answers;
  }
  return answers;
}

void udp_listener::answer_from_destination(const msghdr& query, std::size_t o) {
  // Answer from the address the query was sent to (RFC 1035 §4.2.1 expects it).
  msghdr& out = out_[o].msg_hdr;
  msghdr in_copy = query;
  unsigned char* control = out_control_[o].data();
  std::memset(control, 0, control_size);
  out.msg_control = control;
  out.msg_controllen = 0;
  for (cmsghdr* c = CMSG_FIRSTHDR(&in_copy); c != nullptr; c = CMSG_NXTHDR(&in_copy, c)) {
    if (!v6_ && c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
      in_pktinfo info{};
      std::memcpy(&info, CMSG_DATA(c), sizeof info);
      in_pktinfo reply{};
      reply.ipi_spec_dst = info.ipi_addr;
      out.msg_controllen = CMSG_SPACE(sizeof reply);
      cmsghdr* oc = CMSG_FIRSTHDR(&out);
      oc->cmsg_level = IPPROTO_IP;
      oc->cmsg_type = IP_PKTINFO;
      oc->cmsg_len = CMSG_LEN(sizeof reply);
      std::memcpy(CMSG_DATA(oc), &reply, sizeof reply);
      break;
    }
    if (v6_ && c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
      in6_pktinfo info{};
      std::memcpy(&info, CMSG_DATA(c), sizeof info);
      info.ipi6_ifindex = 0;
      out.msg_controllen = CMSG_SPACE(sizeof info);
      cmsghdr* oc = CMSG_FIRSTHDR(&out);
      oc->cmsg_level = IPPROTO_IPV6;
      oc->cmsg_type = IPV6_PKTINFO;
      oc->cmsg_len = CMSG_LEN(sizeof info);
      std::memcpy(CMSG_DATA(oc), &info, sizeof info);
      break;
    }
  }
  if (out.msg_controllen == 0) out.msg_control = nullptr;
}

void udp_listener::send_batch(std::size_t count) {
  std::size_t sent = 0;
  while (sent < count) {
    const int n = ::sendmmsg(fd_, out_.data() + sent, static_cast<unsigned>(count - sent), 0);
    if (n > 0) {
      sent += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      // The send buffer stayed full for send_timeout: the rest is lost, as on a full queue.
      log::debug("udp send buffer full: {} answers dropped", count - sent);
      return;
    }
    // This datagram cannot go (e.g. an unreachable or invalid address): skip it, as a lost
    // packet, and send the others.
    if (n < 0) log::debug("udp send failed: {}", std::strerror(errno));
    ++sent;
  }
}

}  // namespace dnskit::nameserver
