#pragma once
// The resolver's engine: one c-ares channel driven by Asio.
//
// c-ares reports through ARES_OPT_SOCK_STATE_CB which sockets it wants watched for reading
// and writing; each gets a posix::stream_descriptor that waits for readiness (async_wait)
// without owning the fd: c-ares closes it, after telling us with sock_state_cb(fd, 0, 0), so
// the descriptor is release()d there, never closed. One steady_timer follows ares_timeout().
// Readiness and timer expiry call ares_process_fd. Everything runs on one executor.
//
// Shared ownership: the resolver holds the core, and so does every pending wait handler, so a
// handler that fires after the resolver is gone (operation_aborted) still finds valid memory.
#include <ares.h>

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "dnskit/resolver/detail/asio.hpp"
#include "dnskit/resolver/observer.hpp"
#include "dnskit/resolver/options.hpp"
#include "flow_control.hpp"
#include "op_base.hpp"
#include "op_list.hpp"
#include "response_cache.hpp"
#include "socket_table.hpp"

namespace dnskit::resolver::detail {

class core : public std::enable_shared_from_this<core> {
 public:
  using executor_type = boost::asio::any_io_executor;

  // Throws boost::system::system_error (bad options, c-ares initialisation).
  core(const executor_type& ex, const options& opts);
  ~core();
  core(const core&) = delete;
  core& operator=(const core&) = delete;

  // Completes every pending operation with operation_aborted and destroys the channel.
  // Idempotent; the core refuses new operations afterwards.
  void shutdown();
  // Completes every pending operation with operation_aborted; the channel stays usable.
  void cancel_all();

  options effective_options() const;
  std::size_t pending() const noexcept { return live_.size(); }
  bool closed() const noexcept { return channel_ == nullptr; }

  const executor_type& executor() const noexcept { return ex_; }
  // The receive buffer each UDP socket asks for (options::socket_receive_buffer or the
  // automatic size, flow_control.hpp).
  int udp_receive_buffer() const noexcept { return udp_receive_buffer_; }
  ares_channel channel() const noexcept { return channel_; }
  const options& opts() const noexcept { return opts_; }
  observer* watcher() const noexcept { return opts_.observer.get(); }
  response_cache& cache() noexcept { return cache_; }
  const response_cache& cache() const noexcept { return cache_; }
  const std::vector<std::string>& search_domains() const noexcept { return search_domains_; }
  int ndots() const noexcept { return ndots_; }

  // Registers a new operation (pending list, cancel token, deadline), then starts it or queues
  // it behind options::max_in_flight.
  void launch(op_ref op, std::chrono::milliseconds deadline, const std::optional<cancel_token>& token);
  // Leaves the pending list (an operation completing).
  void unlink(op_base& op) noexcept { live_.erase(op.live_hook); }

  // Bookkeeping of requests handed to c-ares: request_started() before the ares_* call that
  // starts one (its callback may run inside that call), request_sent() after it (the timer
  // must then cover the new query's timeout).
  void request_started(op_base& op) noexcept {
    ++in_flight_;
    op.set_in_cares(true);
  }
  void request_sent() { cover_new_timeouts(); }
  void request_finished(op_base& op) noexcept {
    --in_flight_;
    op.set_in_cares(false);
    if (op.done()) --orphaned_;
  }
  // An operation completed (deadline, cancel) while its request was still in c-ares.
  void request_orphaned() noexcept { ++orphaned_; }

  // Called after an operation was aborted from outside c-ares (deadline, cancel_token): when
  // every request c-ares holds is an orphan, drops them all (ares_cancel) so that no retry
  // timer or socket wait keeps io_context::run busy for nobody. Then starts what waits for an
  // in-flight slot and parks the sockets when nothing is left.
  void abandon_orphans();
  // An unpredictable query ID (RFC 5452 §9.2). c-ares 1.18's ares_send keeps the ID it is
  // given. glibc's arc4random is one getrandom() system call per call, so IDs are drawn from
  // the kernel's generator a few hundred at a time.
  std::uint16_t next_query_id() noexcept {
    if (ids_used_ == random_ids_.size()) refill_ids();
    return random_ids_[ids_used_++];
  }

  // While c-ares is cancelling or destroying its queries, callbacks must not start new ones.
  bool draining() const noexcept { return draining_; }

  // True inside ares_process_fd called from a readiness or timer handler: an operation that
  // completes then may leave its result with defer(), to be handed over when c-ares has
  // returned (deliver_ready) instead of being posted.
  bool collecting() const noexcept { return collecting_; }
  void defer(op_ref op) { ready_.push_back(std::move(op)); }

  // The sockets c-ares opened, as socket_io.cpp records them.
  socket_table& sockets() noexcept { return socket_table_; }

 private:
  struct watched_socket {
    explicit watched_socket(const executor_type& ex) : descriptor(ex) {}
    boost::asio::posix::stream_descriptor descriptor;
    std::uint64_t generation = 0;
    bool want_read = false, want_write = false;
    bool reading = false, writing = false;  // an async_wait is pending
  };

  void open_channel();  // core_channel.cpp
  static void on_sock_state(void* data, ares_socket_t fd, int readable, int writable);
  void sock_state(int fd, bool readable, bool writable);
  void arm(int fd, watched_socket& s);
  void on_ready(int fd, std::uint64_t generation, bool write, const boost::system::error_code& ec);
  void on_timer(const boost::system::error_code& ec);
  void update_timer();
  void cover_new_timeouts();
  void settle();
  void drop_orphans();
  void refill_ids() noexcept;
  void process_fd(int read_fd, int write_fd);
  void deliver_ready();
  void pump();
  void abort_all(error_code ec);
  void park_if_idle();
  void unpark();

  executor_type ex_;
  options opts_;
  ares_channel channel_ = nullptr;
  std::vector<std::string> search_domains_;
  int ndots_ = 1;

  std::unordered_map<int, std::unique_ptr<watched_socket>> sockets_;
  std::uint64_t next_generation_ = 1;

  // The timer follows the earliest c-ares timeout lazily: it is moved earlier when a send may
  // need it, never later when answers remove queries (it then fires early and c-ares finds
  // nothing due, once per timeout period at most), so ares_timeout(), which walks every query
  // in c-ares 1.18, runs once per timer expiry instead of once per event.
  boost::asio::steady_timer timer_;
  bool timer_armed_ = false;
  std::chrono::steady_clock::time_point timer_at_;
  // The channel's first-try timeout: no query c-ares sends from now on times out sooner
  // than now + this (later tries double it).
  std::chrono::milliseconds base_timeout_{0};

  std::array<std::uint16_t, 256> random_ids_{};
  std::size_t ids_used_ = random_ids_.size();

  int udp_receive_buffer_ = 0;
  // Requests handed to c-ares at once at most (0: no bound): options::max_in_flight, or what
  // the granted UDP receive buffer can hold (flow_control.hpp).
  std::size_t in_flight_limit_ = 0;
  int granted_receive_buffer_ = 0;

  response_cache cache_;
  socket_table socket_table_;
  hook_list live_;             // operations not completed yet
  std::deque<op_ref> queue_;   // waiting for an in-flight slot
  std::size_t in_flight_ = 0;  // c-ares requests outstanding
  // Of those, the requests of operations completed already (deadline, cancel). c-ares 1.18
  // cannot cancel one query, only all of them (ares_cancel), so orphans are dropped the moment
  // they are all that c-ares holds. Until then a live operation keeps the event loop busy
  // anyway, so an orphan beside it delays nobody; it only holds its in-flight slot (as an
  // answer may still arrive for it and take receive-buffer space, flow_control.hpp) and is
  // absorbed if its answer or timeout comes first. Cancelling everything and re-sending the
  // live requests instead would restart their retry schedule and make servers see duplicates.
  std::size_t orphaned_ = 0;
  bool draining_ = false;
  bool pumping_ = false;
  // Completed while c-ares processed a batch of answers; their handlers run right after it,
  // on this executor, as a dispatch() would: no trip through the executor's queue per answer.
  bool collecting_ = false;
  std::vector<op_ref> ready_;
  // ARES_FLAG_STAYOPEN keeps c-ares's sockets between bursts; while nothing at all is pending
  // their waits are cancelled ("parked") so an idle resolver does not keep io_context::run busy.
  bool parked_ = false;
};

// The socket functions given to ares_set_socket_functions (socket_io.cpp): plain system calls
// that apply the buffer sizes, close-on-exec and non-blocking mode themselves (c-ares sets no
// option on sockets it did not create) and report each step to the observer.
const ares_socket_functions& socket_functions() noexcept;

// The SO_RCVBUF the kernel grants a UDP socket that asks for `requested` bytes (Linux reports
// twice the request, capped by net.core.rmem_max); 0 when it cannot tell.
int granted_udp_receive_buffer(int requested) noexcept;

}  // namespace dnskit::resolver::detail
