#pragma once
// UDP on one socket, served by a thread of its own outside Asio: a blocking recvmmsg with
// MSG_WAITFORONE (it returns as soon as one datagram is there, with every other one already
// queued, so nothing waits for a batch to fill), the batch answered, then one sendmmsg. Two
// system calls per wake-up, as low as the kernel's UDP interface goes; waiting through Asio's
// epoll cost two more (epoll_wait, and the EPOLL_CTL_MOD with which Asio 1.18 re-arms a socket
// on every async_wait). Nothing is allocated per query.
// On a wildcard address (0.0.0.0, ::) each answer leaves from the address its query came to
// (IP_PKTINFO / IPV6_PKTINFO), which matters on hosts with several addresses.
#include <netinet/in.h>
#include <sys/socket.h>

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <vector>

#include "dnskit/nameserver/request.hpp"
#include "dnskit/nameserver/responder.hpp"
#include "rate_limiter.hpp"
#include "server_asio.hpp"

namespace dnskit::nameserver {

class server_worker;

class udp_listener {
 public:
  static constexpr std::size_t batch = 32;
  // Room for the largest datagram, so every query is read whole and answered (NSD and Knot
  // answer queries of any size; RFC 1035 §4.2.1 bounds answers, not queries). The buffers are
  // left uninitialised: the kernel touches only the pages a datagram fills, so the memory used
  // follows the queries actually received, which are almost all far below 4 KiB.
  static constexpr std::size_t max_query = 65535;

  // Takes a bound socket (made blocking here: the loop waits in recvmmsg itself).
  udp_listener(server_worker& worker, asio::ip::udp::socket socket);
  udp_listener(const udp_listener&) = delete;
  udp_listener& operator=(const udp_listener&) = delete;

  // The loop, on the worker's thread: serves until stop(), then closes the socket. An idle
  // loop wakes every idle_wake_ms to pick up a newly published zone set (so an old one is
  // freed even when no query comes).
  void run();
  // Thread-safe: ends run() promptly (shutdown(SHUT_RD) wakes the blocked recvmmsg).
  void stop();

  static constexpr int idle_wake_ms = 500;

 private:
  // Answers in_[0, count) into out_; returns the answers to send.
  std::size_t answer_batch(std::size_t count);
  // Sends out_[0, count); a datagram the kernel refuses is skipped, as a lost packet.
  void send_batch(std::size_t count);
  // Applies response rate limiting to an answer: the size to send (0: drop it).
  std::size_t rate_limit(const request_info& client, const outcome& result, std::uint32_t now,
                         std::span<std::uint8_t> answer);
  // Copies the query's destination address (IP_PKTINFO / IPV6_PKTINFO) into answer `o`'s
  // control data, so the answer leaves from it.
  void answer_from_destination(const msghdr& query, std::size_t o);
  void close_socket();

  server_worker& worker_;
  asio::ip::udp::socket socket_;
  int fd_;
  bool v6_;
  bool pktinfo_ = false;  // wildcard address: answer from the query's destination address
  std::size_t answer_size_;
  rate_limiter* limiter_ = nullptr;  // shared by every worker; nullptr: RRL off
  std::uint64_t rate_dropped_ = 0;
  std::uint64_t rate_slipped_ = 0;
  std::uint32_t rate_log_second_ = 0;

  // Control space for one IPv6 (the larger) packet-info message.
  static constexpr std::size_t control_size = CMSG_SPACE(sizeof(in6_pktinfo));

  std::array<mmsghdr, batch> in_{};
  std::array<iovec, batch> in_iov_{};
  std::array<sockaddr_in6, batch> peer_{};  // large enough for either family
  std::array<std::array<unsigned char, control_size>, batch> in_control_{};
  std::unique_ptr<std::uint8_t[]> in_buffer_;

  std::array<mmsghdr, batch> out_{};
  std::array<iovec, batch> out_iov_{};
  std::array<std::array<unsigned char, control_size>, batch> out_control_{};
  std::vector<std::uint8_t> out_buffer_;

  // stop() and the loop's end: the socket is shut down and closed exactly once, and never
  // after it is closed (its number could by then be another descriptor's). Not on the query
  // path.
  std::atomic<bool> stop_{false};
  std::mutex close_mutex_;
  bool closed_ = false;
};

}  // namespace dnskit::nameserver
