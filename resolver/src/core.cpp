// The resolver's engine (core.hpp): its life (start, shutdown, cancel) and the scheduling of
// operations (in-flight limit, orphans, delivery). The channel's options are in
// core_channel.cpp, the socket waits in core_sockets.cpp, the timer in core_timer.cpp.
#include "core.hpp"

#include <cstdlib>

namespace dnskit::resolver::detail {

core::core(const executor_type& ex, const options& opts)
    : ex_(ex), opts_(opts), timer_(ex), cache_(opts.cache_entries, opts.cache_bytes) {
  if (const auto ec = opts_.validate()) {
    throw boost::system::system_error(ec, "dnskit::resolver options");
  }
  open_channel();
}

core::~core() {
  // A destructor must not throw: if posting the aborted handlers fails for lack of memory, the
  // ones not posted are dropped (with their work guards) rather than terminating the program.
  try {
    shutdown();
  } catch (...) {
  }
}

void core::shutdown() {
  if (!channel_) return;
  abort_all(boost::asio::error::operation_aborted);
  queue_.clear();
  // ares_destroy ends every request with ARES_EDESTRUCTION (each operation is done already,
  // so the callbacks only drop their references) and reports each open socket with
  // sock_state_cb(fd, 0, 0) before closing it.
  draining_ = true;
  ares_channel channel = channel_;
  ares_destroy(channel);
  channel_ = nullptr;
  for (auto& [fd, s] : sockets_) s->descriptor.release();
  sockets_.clear();
  timer_.cancel();
  timer_armed_ = false;
}

void core::refill_ids() noexcept {
  ::arc4random_buf(random_ids_.data(), sizeof random_ids_);
  ids_used_ = 0;
}

void core::cancel_all() {
  if (!channel_) return;
  abort_all(boost::asio::error::operation_aborted);
  queue_.clear();
  draining_ = true;
  ares_cancel(channel_);
  draining_ = false;
  update_timer();
  park_if_idle();
}


void core::abort_all(error_code ec) {
  while (list_hook* h = live_.front()) {
    op_ref keep(h->self);
    h->self->abort(ec);
  }
}


void core::launch(op_ref op, std::chrono::milliseconds deadline,
                  const std::optional<cancel_token>& token) {
  if (!channel_) {
    op->abort(boost::asio::error::operation_aborted);
    return;
  }
  unpark();
  live_.push_back(op->live_hook);
  op->arm(deadline, token);
  if (!op->done()) {
    queue_.push_back(std::move(op));
    pump();
  }
  // Completed already (a cancelled token, an answer from the cache): the socket waits that
  // unpark() armed must not keep io_context::run busy for nothing.
  park_if_idle();
}

void core::pump() {
  if (pumping_) return;
  pumping_ = true;
  const std::size_t limit = in_flight_limit_;
  while (!queue_.empty() && channel_ && (limit == 0 || in_flight_ < limit)) {
    op_ref op = std::move(queue_.front());
    queue_.pop_front();
    if (!op->done()) op->start();
  }
  pumping_ = false;
}

void core::deliver_ready() {
  if (ready_.empty()) return;
  // A batch of its own: a handler may run the io_context (and so this function) again.
  std::vector<op_ref> batch;
  batch.swap(ready_);
  std::size_t i = 0;
  try {
    for (; i < batch.size(); ++i) {
      const op_ref op = std::move(batch[i]);
      op->deliver(true);
    }
  } catch (...) {
    // A handler threw: the rest still complete, through the executor's queue.
    for (++i; i < batch.size(); ++i) batch[i]->deliver(false);
    throw;
  }
  batch.clear();
  if (ready_.empty()) ready_.swap(batch);  // keeps the capacity for the next batch
}

void core::abandon_orphans() {
  // Not from inside ares_process_fd or ares_send (an observer may cancel there): the settle()
  // that follows c-ares's processing checks again.
  if (collecting_ || pumping_ || draining_ || !channel_) return;
  settle();
}

void core::drop_orphans() {
  if (orphaned_ == 0 || orphaned_ != in_flight_ || draining_ || !channel_) return;
  // Every callback comes with ARES_ECANCELLED for an operation that is done: it only drops its
  // reference (and query_op starts no next search candidate while draining).
  draining_ = true;
  ares_cancel(channel_);
  draining_ = false;
}

void core::settle() {
  drop_orphans();
  pump();
  if (in_flight_ == 0 && timer_armed_) {
    // Nothing left in c-ares: a timer left armed would keep io_context::run busy.
    timer_.cancel();
    timer_armed_ = false;
  }
  park_if_idle();
}


}  // namespace dnskit::resolver::detail
