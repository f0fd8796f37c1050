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
// drained. Only whole queries and written answers count as activity, so a client that trickles
// a query byte by byte (or announces a long one and goes silent) is closed by the idle timeout.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "dnskit/nameserver/axfr.hpp"
#include "dnskit/nameserver/request.hpp"
#include "server_asio.hpp"
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
  // Close now (idle timeout, connection limit).
  void close();

  bool idle() const noexcept { return !writing_ && pending_output() == 0 && !axfr_; }
  std::chrono::steady_clock::time_point last_active() const noexcept { return last_active_; }

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
  void touch();
  bool frame_complete() const noexcept;
  void end_transfer();

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
  std::shared_ptr<const zones::zone_set> axfr_zones_;  // keeps the transferred snapshot alive
  transfer_limit::slot axfr_slot_;
  std::chrono::steady_clock::time_point last_active_;
  bool reading_ = false;
  bool writing_ = false;
  bool finishing_ = false;
  bool closed_ = false;
  bool peer_done_ = false;  // the client closed its side: answer what is queued, then close
};

}  // namespace dnskit::nameserver
