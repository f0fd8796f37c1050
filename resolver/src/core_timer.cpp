// One steady_timer follows the earliest c-ares timeout (ares_timeout), lazily: see core.hpp.
#include "core.hpp"

namespace dnskit::resolver::detail {

void core::cover_new_timeouts() {
  if (!channel_ || in_flight_ == 0) return;
  // A query sent now times out at now + base_timeout_ or later: a timer armed before that
  // already covers it. Only otherwise is the earliest timeout looked up.
  if (timer_armed_ && timer_at_ <= std::chrono::steady_clock::now() + base_timeout_) return;
  update_timer();
}

void core::update_timer() {
  timeval tv;
  const timeval* left = ares_timeout(channel_, nullptr, &tv);
  if (left == nullptr) {
    // Nothing to time: drop the wait so an idle resolver does not keep io_context::run busy.
    if (timer_armed_) {
      timer_.cancel();
      timer_armed_ = false;
    }
    return;
  }
  const auto at = std::chrono::steady_clock::now() + std::chrono::seconds(left->tv_sec) +
                  std::chrono::microseconds(left->tv_usec);
  if (timer_armed_ && timer_at_ <= at) return;  // fires early at worst: c-ares just re-checks
  timer_armed_ = true;
  timer_at_ = at;
  timer_.expires_at(at);  // a pending wait completes with operation_aborted
  timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) { self->on_timer(ec); });
}

void core::on_timer(const boost::system::error_code& ec) {
  if (ec == boost::asio::error::operation_aborted || !channel_) return;
  timer_armed_ = false;
  // Read what is waiting before c-ares judges timeouts: an answer already in a socket buffer
  // must not count as lost (and readiness consumed by another thread running the reactor,
  // with a strand executor, is caught up here).
  std::vector<std::pair<int, std::uint64_t>> readable;
  for (const auto& [fd, s] : sockets_) {
    // Not a TCP socket still connecting (it wants writing): reading it would look like a failure.
    if (s->want_read && !s->want_write) readable.emplace_back(fd, s->generation);
  }
  for (const auto& [fd, gen] : readable) {
    const auto it = sockets_.find(fd);
    if (it != sockets_.end() && it->second->generation == gen) process_fd(fd, ARES_SOCKET_BAD);
  }
  process_fd(ARES_SOCKET_BAD, ARES_SOCKET_BAD);
  update_timer();
  deliver_ready();
  if (!channel_) return;  // a handler destroyed the resolver
  settle();
}


}  // namespace dnskit::resolver::detail
