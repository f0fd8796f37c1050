#include "tcp_connection.hpp"

#include <algorithm>
#include <cstring>

#include "log.hpp"
#include "server_worker.hpp"

namespace dnskit::nameserver {
namespace {

constexpr std::size_t initial_input = 4096;
constexpr std::size_t max_frame = 2 + 65535;

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

void tcp_connection::close() {
  if (closed_) return;
  closed_ = true;
  boost::system::error_code ignored;
  socket_.close(ignored);
  axfr_.reset();
  axfr_zones_.reset();
  worker_.connection_closed(this);
}

void tcp_connection::touch() {
  last_active_ = std::chrono::steady_clock::now();
  worker_.connection_active(this);
}

void tcp_connection::pump() {
  if (closed_) return;
  const std::size_t limit = worker_.context().transport.tcp_max_pending_output;
  worker_.zones().refresh();
  while (!closed_ && pending_output() < limit) {
    if (axfr_) {
      const auto buffer = worker_.tcp_answer_buffer();
      const std::size_t n = axfr_->next(buffer);
      if (n == 0) {
        axfr_.reset();
        axfr_zones_.reset();
        continue;
      }
      append_answer(buffer.first(n));
      continue;
    }
    if (!answer_next_frame()) break;
  }
  if (closed_) return;
  if (!writing_ && !queue_.empty()) start_write();

  const std::size_t held = in_size_ - in_used_;
  bool frame_waiting = false;
  if (held >= 2) {
    const std::size_t length = (std::size_t{in_[in_used_]} << 8) | in_[in_used_ + 1];
    frame_waiting = held >= 2 + length;
  }
  const bool done_reading = finishing_ || peer_done_;
  if (!reading_ && !done_reading && !axfr_ && !frame_waiting && pending_output() < limit) {
    start_read();
  }
  // Everything owed is written and no more queries will come: done (a partial frame left by
  // a client that stopped sending is dropped).
  if (done_reading && !reading_ && idle() && !frame_waiting) close();
}

bool tcp_connection::answer_next_frame() {
  const std::size_t held = in_size_ - in_used_;
  if (held < 2) return false;
  const std::size_t length = (std::size_t{in_[in_used_]} << 8) | in_[in_used_ + 1];
  if (held < 2 + length) return false;
  const std::span<const std::uint8_t> query(in_.data() + in_used_ + 2, length);
  const auto buffer = worker_.tcp_answer_buffer();
  const outcome result = worker_.process(query, client_, buffer);
  if (result.what == outcome::action::reply && result.size > 0) {
    append_answer(buffer.first(result.size));
  } else if (result.what == outcome::action::transfer) {
    axfr_zones_ = worker_.zones().shared();
    axfr_.emplace(query, *axfr_zones_, worker_.context().query_processor.options());
  }
  in_used_ += 2 + length;
  if (in_used_ == in_size_) in_used_ = in_size_ = 0;
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
  std::size_t need = initial_input;
  if (in_size_ >= 2) need = std::max(need, 2 + ((std::size_t{in_[0]} << 8) | in_[1]));
  if (in_.size() < need) in_.resize(std::min(need, max_frame));
  if (in_size_ == in_.size()) return;  // cannot happen: a full frame would have been answered
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
            self->close();
          }
          return;
        }
        self->in_size_ += n;
        self->touch();
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
          self->close();
          return;
        }
        self->sending_offset_ += n;
        self->touch();
        if (self->sending_offset_ < self->sending_.size()) {
          self->write_some();
          return;
        }
        self->writing_ = false;
        self->sending_.clear();
        self->sending_offset_ = 0;
        self->pump();
      });
}

}  // namespace dnskit::nameserver
