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
#include "op_base.hpp"
#include "op_list.hpp"

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
  ares_channel channel() const noexcept { return channel_; }
  const options& opts() const noexcept { return opts_; }
  observer* watcher() const noexcept { return opts_.observer.get(); }
  const std::vector<std::string>& search_domains() const noexcept { return search_domains_; }
  int ndots() const noexcept { return ndots_; }

  // Registers a new operation (pending list, cancel token, deadline), then starts it or queues
  // it behind options::max_in_flight.
  void launch(op_ref op, std::chrono::milliseconds deadline, const std::optional<cancel_token>& token);
  // Leaves the pending list (an operation completing).
  void unlink(op_base& op) noexcept { live_.erase(op.live_hook); }

  // Bookkeeping of requests handed to c-ares: request_started() before the ares_* call that
  // starts one (its callback may run inside that call), request_sent() after it (the timer
  // must then follow the new query's timeout).
  void request_started() noexcept { ++in_flight_; }
  void request_sent() { schedule_timer_update(); }
  void request_finished() noexcept { --in_flight_; }
  // While c-ares is cancelling or destroying its queries, callbacks must not start new ones.
  bool draining() const noexcept { return draining_; }

  // For socket_io.cpp: what the observer is told about each socket.
  struct socket_info {
    transport proto = transport::udp;
    socket_address local;
    socket_address remote;
  };
  std::unordered_map<int, socket_info> socket_infos;

 private:
  struct watched_socket {
    explicit watched_socket(const executor_type& ex) : descriptor(ex) {}
    boost::asio::posix::stream_descriptor descriptor;
    std::uint64_t generation = 0;
    bool want_read = false, want_write = false;
    bool reading = false, writing = false;  // an async_wait is pending
  };

  static void on_sock_state(void* data, ares_socket_t fd, int readable, int writable);
  void sock_state(int fd, bool readable, bool writable);
  void arm(int fd, watched_socket& s);
  void on_ready(int fd, std::uint64_t generation, bool write, const boost::system::error_code& ec);
  void on_timer(const boost::system::error_code& ec);
  void update_timer();
  void schedule_timer_update();
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

  boost::asio::steady_timer timer_;
  bool timer_armed_ = false;
  bool timer_update_posted_ = false;
  std::chrono::steady_clock::time_point timer_at_;

  hook_list live_;             // operations not completed yet
  std::deque<op_ref> queue_;   // waiting for an in-flight slot
  std::size_t in_flight_ = 0;  // c-ares requests outstanding
  bool draining_ = false;
  bool pumping_ = false;
  // ARES_FLAG_STAYOPEN keeps c-ares's sockets between bursts; while nothing at all is pending
  // their waits are cancelled ("parked") so an idle resolver does not keep io_context::run busy.
  bool parked_ = false;
};

// The socket functions given to ares_set_socket_functions (socket_io.cpp): plain system calls
// that apply the buffer sizes, close-on-exec and non-blocking mode themselves (c-ares sets no
// option on sockets it did not create) and report each step to the observer.
const ares_socket_functions& socket_functions() noexcept;

}  // namespace dnskit::resolver::detail
