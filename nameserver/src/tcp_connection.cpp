#include "tcp_connection.hpp"

#include <linux/sockios.h>
#include <sys/ioctl.h>

#include <algorithm>
#include <cstring>

#include "log.hpp"
#include "query_log_format.hpp"
#include "server_worker.hpp"

namespace dnskit::nameserver {
namespace {

constexpr std::size_t initial_input = 4096;
// Buffers larger than this are freed once drained instead of being kept for the next answer.
constexpr std::size_t keep_output = std::size_t{64} * 1024;

request_info client_of(const asio::ip::tcp::endpoint& ep) {
  if (ep.address().is_v6()) {
    const auto bytes = ep.address().to_v6().to_bytes();
    std::array<std::uint8_t, 16> a{};
    std::copy(bytes.begin(), bytes.end(), a.begin());
    return request_info::v6(transport::tcp, a, ep.port());
  }
  const auto bytes = ep.address().to_v4().to_bytes();
  return request_info::v4(transport::tcp, {bytes[0], bytes[1], bytes[2], bytes[3]}, ep.port());
}

}  // namespace

tcp_connection::tcp_connection(server_worker& worker, asio::ip::tcp::socket socket)
    : worker_(worker), socket_(std::move(socket)), last_active_(std::chrono::steady_clock::now()) {}

tcp_connection::~tcp_connection() {
  if (!closed_) worker_.connection_closed(this);
}

void tcp_connection::start() {
  boost::system::error_code ec;
  const auto peer = socket_.remote_endpoint(ec);
  if (ec) {  // already reset by the client
    closed_ = true;
    worker_.connection_closed(this);
    return;
  }
  client_ = client_of(peer);
  // Answers go out as soon as they are ready; Nagle's algorithm would hold a second answer
  // until the first is acknowledged (RFC 7766 §8 asks for prompt answers).
  socket_.set_option(asio::ip::tcp::no_delay(true), ec);
  in_.resize(initial_input);
  pump();
}

void tcp_connection::finish() {
  if (closed_) return;
  finishing_ = true;
  if (reading_) {
    // Wakes the pending read with an end-of-file; queued answers are still written.
    boost::system::error_code ignored;
    socket_.shutdown(asio::ip::tcp::socket::shutdown_receive, ignored);
  }
  pump();
}

void tcp_connection::close(tcp_close_reason why) {
  if (closed_) return;
  closed_ = true;
  worker_.counters().tcp_closed[static_cast<std::size_t>(why)].add();
  boost::system::error_code ignored;
  socket_.close(ignored);
  end_transfer();
  worker_.connection_closed(this);
}

void tcp_connection::end_transfer() {
  axfr_.reset();
  axfr_signer_.reset();
  axfr_zones_.reset();
  axfr_processor_.reset();
  axfr_slot_.release();
}

bool tcp_connection::frame_complete() const noexcept {
  const std::size_t held = in_size_ - in_used_;
  if (held < 2) return false;
  const std::size_t length = (std::size_t{in_[in_used_]} << 8) | in_[in_used_ + 1];
  return held >= 2 + length;
}

void tcp_connection::touch(std::chrono::steady_clock::time_point now) {
  last_active_ = now;
  worker_.connection_active(this);
}

bool tcp_connection::client_acknowledged_more() noexcept {
  if (!writing_) return false;
  // SIOCOUTQ (tcp(7)): bytes in the send queue the peer has not acknowledged yet. The client's
  // kernel acknowledges what fits its receive buffer, so once that is full the count only moves
  // when the client reads.
  int unacknowledged = 0;
  if (::ioctl(socket_.native_handle(), SIOCOUTQ, &unacknowledged) != 0 || unacknowledged < 0) {
    return false;
  }
  // A write the kernel took whose completion has not run yet is in the queue but not in
  // bytes_written_: no conclusion until it is.
  if (static_cast<std::uint64_t>(unacknowledged) > bytes_written_) return false;
  const std::uint64_t acknowledged = bytes_written_ - static_cast<std::uint64_t>(unacknowledged);
  if (acknowledged <= bytes_acknowledged_) return false;
  bytes_acknowledged_ = acknowledged;
  return true;
}

void tcp_connection::review(std::chrono::steady_clock::time_point now,
                            std::chrono::steady_clock::time_point cutoff) {
  if (closed_) return;
  if (transfer_overdue(now)) {
    cut_transfer("it ran past --axfr-max-time");
  } else if (client_acknowledged_more()) {
    touch(now);
  } else if (last_active_ < cutoff) {
    if (transfer_deadline_) cut_transfer("the client stopped reading (--tcp-idle-timeout)");
    else close(tcp_close_reason::idle_timeout);
  }
}

void tcp_connection::cut_transfer(std::string_view why) {
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - transfer_started_);
  log::warning("zone transfer to {} cut after {} ms and {} bytes: {}", client_text(client_),
               took.count(), bytes_written_, why);
  close(tcp_close_reason::transfer_cut);
}

void tcp_connection::pump() {
  if (closed_) return;
  const std::size_t limit = worker_.context().transport.tcp_max_pending_output;
  worker_.zones().refresh();
  while (!closed_ && pending_output() < limit) {
    if (axfr_) {
      const auto buffer = worker_.tcp_answer_buffer();
      const std::size_t n = axfr_signer_.sign(buffer, axfr_->next(axfr_signer_.room(buffer)));
      if (n == 0) {
        end_transfer();
        continue;
      }
      append_answer(buffer.first(n));
      continue;
    }
    if (!answer_next_frame()) break;
  }
  if (closed_) return;
  if (!writing_ && !queue_.empty()) start_write();

  const bool frame_waiting = frame_complete();
  const bool done_reading = finishing_ || peer_done_;
  if (!reading_ && !done_reading && !axfr_ && !frame_waiting && pending_output() < limit) {
    start_read();
  }
  // The transfer is over once its last byte is written.
  if (transfer_deadline_ && !axfr_ && pending_output() == 0) transfer_deadline_.reset();
  // Everything owed is written and no more queries will come: done (a partial frame left by
  // a client that stopped sending is dropped).
  if (done_reading && !reading_ && idle() && !frame_waiting) {
    close(peer_done_ && !finishing_ ? tcp_close_reason::client_closed : tcp_close_reason::shutdown);
  }
}

bool tcp_connection::answer_next_frame() {
  const std::size_t held = in_size_ - in_used_;
  if (held < 2) return false;
  const std::size_t length = (std::size_t{in_[in_used_]} << 8) | in_[in_used_ + 1];
  if (held < 2 + length) return false;
  const std::span<const std::uint8_t> query(in_.data() + in_used_ + 2, length);
  const auto buffer = worker_.tcp_answer_buffer();
  const outcome result = worker_.process(query, client_, buffer);
  // Only a frame that gets an answer is activity: zero-length frames and messages dropped
  // unanswered (responses, malformed ones) leave the idle timer running.
  if (result.what != outcome::action::drop) touch(std::chrono::steady_clock::now());
  if (result.what == outcome::action::reply && result.size > 0) {
    append_answer(buffer.first(result.size));
  } else if (result.what == outcome::action::transfer) {
    const responder_options& options = worker_.zones().processor().options();
    if (auto slot = worker_.context().transfers.try_acquire()) {
      axfr_slot_ = std::move(slot);
      axfr_zones_ = worker_.zones().shared();
      axfr_processor_ = worker_.zones().shared_processor();
      axfr_.emplace(query, *axfr_zones_, options);
      transfer_started_ = last_active_;
      transfer_deadline_ = transfer_started_ + worker_.context().transport.axfr_max_time;
      axfr_signer_.start(worker_.tsig_state());
    } else {
      // As BIND does past transfers-out (NSD and Knot have no such limit): SERVFAIL, a
      // temporary failure, so a secondary retries at its SOA retry interval. REFUSED would say
      // the client is not allowed to transfer (a configuration error to its operator), and
      // closing the connection would look like a network fault and invite an immediate retry.
      log::warning("zone transfer not started: {} already running (--axfr-max-concurrent)",
                   worker_.context().transfers.max());
      axfr_signer_.start(worker_.tsig_state());
      const std::size_t n =
          axfr_signer_.sign(buffer, axfr_busy_answer(query, options, axfr_signer_.room(buffer)));
      axfr_signer_.reset();
      if (n > 0) append_answer(buffer.first(n));
    }
  }
  in_used_ += 2 + length;
  if (in_used_ == in_size_) {
    in_used_ = in_size_ = 0;
    // A large query has been answered: go back to a small buffer (no read is in flight while
    // a frame is being answered, so the buffer is not in use).
    if (in_.size() > initial_input && !reading_) {
      in_.resize(initial_input);
      in_.shrink_to_fit();
    }
  }
  return true;
}

void tcp_connection::append_answer(std::span<const std::uint8_t> answer) {
  queue_.push_back(static_cast<std::uint8_t>(answer.size() >> 8));
  queue_.push_back(static_cast<std::uint8_t>(answer.size() & 0xff));
  queue_.insert(queue_.end(), answer.begin(), answer.end());
}

void tcp_connection::start_read() {
  // Keep the unanswered bytes at the front and make room for the frame being received.
  if (in_used_ > 0) {
    std::memmove(in_.data(), in_.data() + in_used_, in_size_ - in_used_);
    in_size_ -= in_used_;
    in_used_ = 0;
  }
  if (in_.size() < initial_input) in_.resize(initial_input);
  if (in_size_ == in_.size()) {
    // Full, and the frame in it is not complete (else it would have been answered): grow by
    // doubling, up to the length the frame announces. The buffer tracks the bytes received, so
    // a client announcing 65535 bytes and sending 10 holds 4 KiB here, not 64 KiB.
    const std::size_t frame = 2 + ((std::size_t{in_[0]} << 8) | in_[1]);
    in_.resize(std::min(frame, in_.size() * 2));
  }
  reading_ = true;
  socket_.async_read_some(
      asio::buffer(in_.data() + in_size_, in_.size() - in_size_),
      [self = shared_from_this()](const boost::system::error_code& ec, std::size_t n) {
        self->reading_ = false;
        if (self->closed_) return;
        if (ec) {
          if (ec == asio::error::eof || self->finishing_) {
            // The client has sent all it will (RFC 7766 §6.2.4: it may half-close after its
            // last query); answer what is complete, then close.
            self->peer_done_ = true;
            self->pump();
          } else {
            self->close(tcp_close_reason::error);
          }
          return;
        }
        // Bytes received are not activity by themselves: a frame trickled in byte by byte
        // does not keep the connection from the idle timeout (as Knot's tcp-io-timeout bounds
        // a slow query); answering it does (answer_next_frame).
        self->in_size_ += n;
        self->pump();
      });
}

void tcp_connection::start_write() {
  writing_ = true;
  std::swap(queue_, sending_);
  queue_.clear();
  sending_offset_ = 0;
  write_some();
}

void tcp_connection::write_some() {
  socket_.async_write_some(
      asio::buffer(sending_.data() + sending_offset_, sending_.size() - sending_offset_),
      [self = shared_from_this()](const boost::system::error_code& ec, std::size_t n) {
        if (self->closed_) return;
        if (ec) {
          self->writing_ = false;
          self->close(tcp_close_reason::error);
          return;
        }
        self->sending_offset_ += n;
        self->bytes_written_ += n;
        const auto now = std::chrono::steady_clock::now();
        if (self->transfer_overdue(now)) {
          self->writing_ = false;
          self->cut_transfer("it ran past --axfr-max-time");
          return;
        }
        self->touch(now);
        if (self->sending_offset_ < self->sending_.size()) {
          self->write_some();
          return;
        }
        self->writing_ = false;
        self->sending_.clear();
        if (self->sending_.capacity() > keep_output) std::vector<std::uint8_t>().swap(self->sending_);
        self->sending_offset_ = 0;
        self->pump();
      });
}

}  // namespace dnskit::nameserver
