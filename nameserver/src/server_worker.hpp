#pragma once
// One worker thread and the per-thread memory its query path reuses (responder scratch, the
// zone set it serves from, its counters), so handlers need no locks. A worker serves either
// TCP, through an io_context of its own (one acceptor per listener, SO_REUSEPORT, and its
// connections), or one UDP socket, in a loop of its own outside Asio (udp_listener.hpp): with
// --threads N the server runs N TCP workers and N UDP workers per listener.
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "dnskit/nameserver/request.hpp"
#include "dnskit/nameserver/responder.hpp"
#include "server_asio.hpp"
#include "server_context.hpp"
#include "server_metrics.hpp"

namespace dnskit::nameserver {

class udp_listener;
class tcp_listener;
class tcp_connection;

class server_worker {
 public:
  server_worker(server_context& context, unsigned index, unsigned max_connections);
  ~server_worker();
  server_worker(const server_worker&) = delete;
  server_worker& operator=(const server_worker&) = delete;

  asio::io_context& io() noexcept { return io_; }
  server_context& context() noexcept { return context_; }
  unsigned index() const noexcept { return index_; }

  // Before run(): adopt bound sockets (opened on io()): acceptors, or one UDP socket (which
  // makes this a UDP worker).
  void add_udp(asio::ip::udp::socket socket);
  void add_tcp(asio::ip::tcp::acceptor acceptor);

  // The thread body: serves until stop() has drained everything.
  void run();
  // Thread-safe: closes the listeners, lets connections finish the answers they owe, then
  // run() returns.
  void stop();
  // Thread-safe: makes the worker pick up a newly published zone set now (so the old one is
  // freed promptly even when this worker is idle; a UDP worker picks it up at its next
  // wake-up, within udp_listener::idle_wake_ms).
  void zones_changed();

  // --- used by the transports, on this worker's thread ---
  zone_view& zones() noexcept { return zones_; }
  // Runs the query processor (and the query log) on one query.
  outcome process(std::span<const std::uint8_t> query, const request_info& client,
                  std::span<std::uint8_t> out);
  // The TSIG verification of the last query process() saw (what signs a transfer it started).
  const dns::tsig::request_state& tsig_state() const noexcept { return tsig_state_; }
  // A 65535-byte buffer for TCP answers and AXFR messages.
  std::span<std::uint8_t> tcp_answer_buffer() noexcept { return tcp_answer_; }
  bool stopping() const noexcept { return stopping_; }

  // TCP connection bookkeeping: an intrusive list ordered by last activity (oldest first).
  void connection_opened(tcp_connection* c);
  void connection_closed(tcp_connection* c);
  void connection_active(tcp_connection* c);
  // Before accepting: closes the least recently active connection when at the limit.
  void make_room_for_connection();
  std::size_t connection_count() const noexcept { return connection_count_; }
  // Written on this worker's thread only; read by the metrics scrape (server_metrics.hpp).
  worker_counters& counters() noexcept { return counters_; }
  const worker_counters& counters() const noexcept { return counters_; }

 private:
  void arm_sweep();
  // A NOTIFY for a secondary zone goes to the control thread (server_context::notify_received).
  void hand_over_notify(const outcome& result, const request_info& client);
  void sweep();

  server_context& context_;
  unsigned index_;
  unsigned max_connections_;
  asio::io_context io_{1};
  zone_view zones_;
  scratch scratch_;
  dns::tsig::request_state tsig_state_;
  std::vector<std::uint8_t> tcp_answer_;
  std::unique_ptr<udp_listener> udp_;  // a UDP worker's one socket
  std::vector<std::shared_ptr<tcp_listener>> tcp_;
  asio::steady_timer sweep_timer_;
  tcp_connection* oldest_ = nullptr;
  tcp_connection* newest_ = nullptr;
  std::size_t connection_count_ = 0;
  bool stopping_ = false;
  worker_counters counters_;
};

}  // namespace dnskit::nameserver
