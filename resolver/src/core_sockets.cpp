// The sockets c-ares wants watched (ARES_OPT_SOCK_STATE_CB), each waited on by a
// posix::stream_descriptor that never owns its fd; readiness calls ares_process_fd. While no
// operation is pending the waits are parked, so an idle resolver does not keep run() busy.
#include "core.hpp"

namespace dnskit::resolver::detail {

void core::on_sock_state(void* data, ares_socket_t fd, int readable, int writable) {
  static_cast<core*>(data)->sock_state(fd, readable != 0, writable != 0);
}

void core::sock_state(int fd, bool readable, bool writable) {
  if (!readable && !writable) {
    // c-ares closes the fd right after this: stop watching it without closing it. release()
    // deregisters it from the reactor and completes pending waits with operation_aborted;
    // their handlers find the generation gone (the fd number may come back for a new socket).
    const auto it = sockets_.find(fd);
    if (it == sockets_.end()) return;
    it->second->descriptor.release();
    sockets_.erase(it);
    return;
  }
  auto& slot = sockets_[fd];
  if (!slot) {
    slot = std::make_unique<watched_socket>(ex_);
    boost::system::error_code ec;
    slot->descriptor.assign(fd, ec);
    if (ec) {
      // Cannot watch it: c-ares's timeouts still end its queries.
      sockets_.erase(fd);
      return;
    }
    slot->generation = next_generation_++;
  }
  slot->want_read = readable;
  slot->want_write = writable;
  if (!parked_) arm(fd, *slot);
}

void core::arm(int fd, watched_socket& s) {
  // Re-armed from inside the handler, before control returns to the reactor: readiness that
  // arrives after c-ares read up to EAGAIN is a new edge the reactor reports to this wait.
  if (s.want_read && !s.reading) {
    s.reading = true;
    s.descriptor.async_wait(boost::asio::posix::stream_descriptor::wait_read,
                            [self = shared_from_this(), fd, gen = s.generation](
                                const boost::system::error_code& ec) { self->on_ready(fd, gen, false, ec); });
  }
  if (s.want_write && !s.writing) {
    s.writing = true;
    s.descriptor.async_wait(boost::asio::posix::stream_descriptor::wait_write,
                            [self = shared_from_this(), fd, gen = s.generation](
                                const boost::system::error_code& ec) { self->on_ready(fd, gen, true, ec); });
  }
}

void core::on_ready(int fd, std::uint64_t generation, bool write, const boost::system::error_code& ec) {
  auto it = sockets_.find(fd);
  if (it == sockets_.end() || it->second->generation != generation) return;  // closed meanwhile
  watched_socket& s = *it->second;
  (write ? s.writing : s.reading) = false;
  if (!channel_) return;
  if (ec == boost::asio::error::operation_aborted) {
    // Parked and unparked again before this handler ran: wait anew.
    if (!parked_) arm(fd, s);
    return;
  }
  const bool wanted = write ? s.want_write : s.want_read;
  if (wanted || ec) process_fd(write ? ARES_SOCKET_BAD : fd, write ? fd : ARES_SOCKET_BAD);
  if (!channel_) return;
  // c-ares may have closed the socket (and even opened another under the same number).
  it = sockets_.find(fd);
  if (!ec && it != sockets_.end() && it->second->generation == generation && !parked_) arm(fd, *it->second);
  // Retries and TCP fallbacks sent inside ares_process_fd have new timeouts.
  cover_new_timeouts();
  deliver_ready();
  if (!channel_) return;  // a handler destroyed the resolver
  settle();
}

void core::process_fd(int read_fd, int write_fd) {
  collecting_ = true;
  ares_process_fd(channel_, read_fd, write_fd);
  collecting_ = false;
}


void core::park_if_idle() {
  if (parked_ || in_flight_ != 0 || !live_.empty() || !queue_.empty()) return;
  parked_ = true;
  for (auto& [fd, s] : sockets_) {
    boost::system::error_code ignored;
    s->descriptor.cancel(ignored);  // the waits complete with operation_aborted
  }
}

void core::unpark() {
  if (!parked_) return;
  parked_ = false;
  for (auto& [fd, s] : sockets_) arm(fd, *s);
}


}  // namespace dnskit::resolver::detail
