#pragma once
// One DNS-over-TCP connection (RFC 7766): 2-byte length framing (RFC 1035 §4.2.2), any number
// of queries, pipelined queries answered in order as each is processed, partial reads and
// writes, and bounded buffering: when answers pile up because the client reads slowly, the
// connection stops reading queries until they drain, so it only ever slows itself. AXFR
// answers (RFC 5936) are produced message by message as the socket takes them, at most
// --axfr-max-concurrent at once over the server.
//
// Memory per connection follows what the client actually sent: the input buffer grows with the
// bytes received (not with the length a frame announces), and large buffers are given back once
// drained.
//
// The idle timeout counts time without useful work (RFC 7766 §6.2.3 leaves its measure to the
// server). Activity is a query that gets an answer or starts a transfer, and output the client
// takes: a write the socket completes or, while a write waits, bytes the client acknowledged
// (the kernel wakes a blocked writer only once a third of the send buffer has drained, which at
// 20 KB/s can take minutes; review() asks it). A query trickled byte by byte, a length that
// announces more than comes, zero-length frames and frames that get no answer (responses,
// malformed messages) are not activity, so they do not keep a connection open. A zone transfer
// also ends at --axfr-max-time, however steadily its client reads.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "dnskit/nameserver/axfr.hpp"
#include "tsig_transfer.hpp"
#include "dnskit/nameserver/request.hpp"
#include "server_asio.hpp"
#include "server_metrics.hpp"
#include "transfer_limit.hpp"

namespace dnskit::zones {
class zone_set;
}

namespace dnskit::nameserver {

class server_worker;

class tcp_connection : public std::enable_shared_from_this<tcp_connection> {
 public:
  tcp_connection(server_worker& worker, asio::ip::tcp::socket socket);
  ~tcp_connection();
  tcp_connection(const tcp_connection&) = delete;
  tcp_connection& operator=(const tcp_connection&) = delete;

  void start();
  // Stop reading; close once every answer owed has been written (graceful shutdown).
  void finish();
  // Close now (idle timeout, connection limit); `why` is counted (server_metrics.hpp).
  void close(tcp_close_reason why);

  bool idle() const noexcept { return !writing_ && pending_output() == 0 && !axfr_; }
  std::chrono::steady_clock::time_point last_active() const noexcept { return last_active_; }
  // For the idle sweep, on a connection quiet for a while: output the client acknowledged since
  // the last look counts as activity (the connection moves to the newest end); without it the
  // connection is closed once quiet since before `cutoff`. A transfer past --axfr-max-time is
  // closed in any case.
  void review(std::chrono::steady_clock::time_point now,
              std::chrono::steady_clock::time_point cutoff);

  // Intrusive list links, owned by the worker (oldest activity first).
  tcp_connection* older = nullptr;
  tcp_connection* newer = nullptr;

 private:
  void pump();
  bool answer_next_frame();
  void start_read();
  void start_write();
  void write_some();
  void append_answer(std::span<const std::uint8_t> answer);
  std::size_t pending_output() const noexcept {
    return queue_.size() + (sending_.size() - sending_offset_);
  }
  void touch(std::chrono::steady_clock::time_point now);
  bool frame_complete() const noexcept;
  void end_transfer();
  bool client_acknowledged_more() noexcept;
  bool transfer_overdue(std::chrono::steady_clock::time_point now) const noexcept {
    return transfer_deadline_ && now >= *transfer_deadline_;
  }
  void cut_transfer(std::string_view why);

  server_worker& worker_;
  asio::ip::tcp::socket socket_;
  request_info client_;
  std::vector<std::uint8_t> in_;  // received bytes: [in_used_, in_size_) not yet answered
  std::size_t in_used_ = 0;
  std::size_t in_size_ = 0;
  // Framed answers. `sending_` is handed to the socket and never touched while a write is in
  // flight; new answers collect in `queue_` and go out with the next write.
  std::vector<std::uint8_t> queue_;
  std::vector<std::uint8_t> sending_;
  std::size_t sending_offset_ = 0;
  std::optional<axfr_stream> axfr_;
  transfer_signer axfr_signer_;  // TSIG on each message when the request was signed
  std::shared_ptr<const zones::zone_set> axfr_zones_;  // keeps the transferred snapshot alive
  // And the configuration it started under: the TSIG key signing it lives there (a reload
  // during the transfer publishes another).
  std::shared_ptr<const responder> axfr_processor_;
  transfer_limit::slot axfr_slot_;
  std::chrono::steady_clock::time_point last_active_;
  // Output progress: bytes the socket has taken, and how many of them the client had
  // acknowledged at the last look (review()).
  std::uint64_t bytes_written_ = 0;
  std::uint64_t bytes_acknowledged_ = 0;
  // While a transfer runs (from its query until its last byte is written): when it started and
  // when --axfr-max-time ends it.
  std::chrono::steady_clock::time_point transfer_started_;
  std::optional<std::chrono::steady_clock::time_point> transfer_deadline_;
  bool reading_ = false;
  bool writing_ = false;
  bool finishing_ = false;
  bool closed_ = false;
  bool peer_done_ = false;  // the client closed its side: answer what is queued, then close
};

}  // namespace dnskit::nameserver
