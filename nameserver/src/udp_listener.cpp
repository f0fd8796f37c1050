#include "udp_listener.hpp"

#include <cerrno>
#include <chrono>
#include <cstring>

#include "log.hpp"
#include "server_worker.hpp"

namespace dnskit::nameserver {
namespace {

// Rounds of recvmmsg per wake-up before yielding to the worker's other sockets and timers.
constexpr int max_rounds = 8;

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
  in_buffer_ = std::make_unique_for_overwrite<std::uint8_t[]>(batch * max_query);
  out_buffer_.resize(batch * answer_size_);
  for (std::size_t i = 0; i < batch; ++i) {
    in_iov_[i] = {in_buffer_.get() + i * max_query, max_query};
    out_iov_[i] = {out_buffer_.data() + i * answer_size_, 0};
  }
}

void udp_listener::start() { arm(); }

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

void udp_listener::close() {
  if (!closed_ && rate_dropped_ + rate_slipped_ != 0) {
    boost::system::error_code ec;
    const auto local = socket_.local_endpoint(ec);
    log::info("rate limit on udp {}: {} answers dropped, {} sent truncated (TC)",
              ec ? std::string("?") : local.address().to_string(), rate_dropped_, rate_slipped_);
  }
  closed_ = true;
  boost::system::error_code ignored;
  socket_.close(ignored);
}

void udp_listener::arm() {
  if (closed_) return;
  socket_.async_wait(asio::socket_base::wait_read, [this](const boost::system::error_code& ec) {
    if (ec || closed_) return;
    on_readable();
  });
}

void udp_listener::on_readable() {
  worker_.zones().refresh();
  for (int round = 0; round < max_rounds; ++round) {
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
    const int got = ::recvmmsg(fd_, in_.data(), batch, MSG_DONTWAIT, nullptr);
    if (got <= 0) break;  // EAGAIN (drained) or an error: wait for the next readiness

    out_count_ = 0;
    out_sent_ = 0;
    // One clock reading per batch is precise enough for per-second rate windows.
    const std::uint32_t now = limiter_ != nullptr ? rate_limiter::seconds(std::chrono::steady_clock::now()) : 0;
    for (std::size_t i = 0; i < static_cast<std::size_t>(got); ++i) {
      const msghdr& h = in_[i].msg_hdr;
      if ((h.msg_flags & MSG_TRUNC) != 0) continue;  // cannot happen with 64 KiB of room
      const std::span<const std::uint8_t> query(in_buffer_.get() + i * max_query, in_[i].msg_len);
      std::uint8_t* answer = out_buffer_.data() + out_count_ * answer_size_;
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

      mmsghdr& o = out_[out_count_];
      out_iov_[out_count_].iov_base = answer;
      out_iov_[out_count_].iov_len = size;
      o.msg_hdr = {};
      o.msg_hdr.msg_name = &peer_[i];
      o.msg_hdr.msg_namelen = h.msg_namelen;
      o.msg_hdr.msg_iov = &out_iov_[out_count_];
      o.msg_hdr.msg_iovlen = 1;
      if (pktinfo_) {
        // Answer from the address the query was sent to (RFC 1035 §4.2.1 expects it).
        msghdr in_copy = h;
        unsigned char* control = out_control_[out_count_].data();
        std::memset(control, 0, control_size);
        o.msg_hdr.msg_control = control;
        o.msg_hdr.msg_controllen = 0;
        for (cmsghdr* c = CMSG_FIRSTHDR(&in_copy); c != nullptr; c = CMSG_NXTHDR(&in_copy, c)) {
          if (!v6_ && c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
            in_pktinfo info{};
            std::memcpy(&info, CMSG_DATA(c), sizeof info);
            in_pktinfo reply{};
            reply.ipi_spec_dst = info.ipi_addr;
            o.msg_hdr.msg_controllen = CMSG_SPACE(sizeof reply);
            cmsghdr* oc = CMSG_FIRSTHDR(&o.msg_hdr);
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
            o.msg_hdr.msg_controllen = CMSG_SPACE(sizeof info);
            cmsghdr* oc = CMSG_FIRSTHDR(&o.msg_hdr);
            oc->cmsg_level = IPPROTO_IPV6;
            oc->cmsg_type = IPV6_PKTINFO;
            oc->cmsg_len = CMSG_LEN(sizeof info);
            std::memcpy(CMSG_DATA(oc), &info, sizeof info);
            break;
          }
        }
        if (o.msg_hdr.msg_controllen == 0) o.msg_hdr.msg_control = nullptr;
      }
      ++out_count_;
    }
    if (!flush()) {
      // The socket's send buffer is full: finish this batch when it drains, then read again.
      socket_.async_wait(asio::socket_base::wait_write, [this](const boost::system::error_code& ec) {
        if (ec || closed_) return;
        if (flush()) {
          arm();
        } else {
          out_count_ = out_sent_;  // still full after being reported writable: drop the rest
          arm();
        }
      });
      return;
    }
    if (static_cast<std::size_t>(got) < batch) break;  // most likely drained
  }
  arm();
}

bool udp_listener::flush() {
  while (out_sent_ < out_count_) {
    const int sent = ::sendmmsg(fd_, out_.data() + out_sent_,
                                static_cast<unsigned>(out_count_ - out_sent_), MSG_DONTWAIT);
    if (sent > 0) {
      out_sent_ += static_cast<std::size_t>(sent);
      continue;
    }
    if (errno == EAGAIN || errno == EWOULDBLOCK) return false;
    if (errno == EINTR) continue;
    // This datagram cannot go (e.g. an unreachable or invalid address): skip it, as a lost
    // packet, and send the others.
    log::debug("udp send failed: {}", std::strerror(errno));
    ++out_sent_;
  }
  return true;
}

}  // namespace dnskit::nameserver
