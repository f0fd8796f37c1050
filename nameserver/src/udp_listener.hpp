#pragma once
// UDP on one listener for one worker. Asio owns the event loop (async_wait for readability);
// the datagrams themselves move in batches with recvmmsg/sendmmsg (as Knot does), so one
// wake-up and two system calls serve up to `batch` queries. Nothing is allocated per query.
// On a wildcard address (0.0.0.0, ::) each answer leaves from the address its query came to
// (IP_PKTINFO / IPV6_PKTINFO), which matters on hosts with several addresses.
#include <netinet/in.h>
#include <sys/socket.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
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

  udp_listener(server_worker& worker, asio::ip::udp::socket socket);
  udp_listener(const udp_listener&) = delete;
  udp_listener& operator=(const udp_listener&) = delete;

  void start();
  void close();

 private:
  void arm();
  void on_readable();
  // Sends out_[from, count); returns false when the socket buffer is full (wait for writable).
  bool flush();
  // Applies response rate limiting to an answer: the size to send (0: drop it).
  std::size_t rate_limit(const request_info& client, const outcome& result, std::uint32_t now,
                         std::span<std::uint8_t> answer);

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
  std::size_t out_count_ = 0;  // answers prepared in out_
  std::size_t out_sent_ = 0;   // of which sent
  bool closed_ = false;
};

}  // namespace dnskit::nameserver
