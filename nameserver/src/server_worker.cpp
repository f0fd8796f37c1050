#include "server_worker.hpp"

#include <algorithm>
#include <arpa/inet.h>

#include "dnskit/nameserver/tsig_responder.hpp"
#include "log.hpp"
#include "server_query_log.hpp"
#include "tcp_connection.hpp"
#include "tcp_listener.hpp"
#include "udp_listener.hpp"

namespace dnskit::nameserver {

server_worker::server_worker(server_context& context, unsigned index, unsigned max_connections)
    : context_(context),
      index_(index),
      max_connections_(std::max(1u, max_connections)),
      zones_(context.zones),
      sweep_timer_(io_) {}

server_worker::~server_worker() {
  // Connections still open (a forced stop) are unlinked before the members go away.
  while (oldest_ != nullptr) oldest_->close(tcp_close_reason::shutdown);
}

void server_worker::add_udp(asio::ip::udp::socket socket) {
  udp_ = std::make_unique<udp_listener>(*this, std::move(socket));
}

void server_worker::add_tcp(asio::ip::tcp::acceptor acceptor) {
  if (tcp_answer_.empty()) tcp_answer_.resize(65535);
  tcp_.push_back(std::make_shared<tcp_listener>(*this, std::move(acceptor)));
}

void server_worker::run() {
  if (!udp_) {
    for (auto& t : tcp_) t->start();
    arm_sweep();
  }
  for (;;) {
    try {
      if (udp_) {
        udp_->run();
      } else {
        io_.run();
      }
      return;
    } catch (const std::exception& e) {
      // A handler threw (out of memory, most likely): log it and keep serving.
      log::error("worker {}: {}", index_, e.what());
    }
  }
}

void server_worker::stop() {
  if (udp_) {
    udp_->stop();  // thread-safe; the loop closes the socket as it ends
    return;
  }
  asio::post(io_, [this] {
    if (stopping_) return;
    stopping_ = true;
    for (auto& t : tcp_) t->close();
    sweep_timer_.cancel();
    // Every connection answers what it has received, then closes (finish() may close it at
    // once, which unlinks it: walk from a saved pointer).
    for (tcp_connection* c = oldest_; c != nullptr;) {
      tcp_connection* next = c->newer;
      c->finish();
      c = next;
    }
  });
}

void server_worker::zones_changed() {
  // The UDP loop refreshes at each wake-up, the idle timeout included; its io_context never
  // runs.
  if (udp_) return;
  asio::post(io_, [this] { zones_.refresh(); });
}

outcome server_worker::process(std::span<const std::uint8_t> query, const request_info& client,
                               std::span<std::uint8_t> out) {
  // A version published by a dynamic update is seen by the next query on every thread (one
  // atomic load when nothing changed), not only once zones_changed() gets its turn.
  zones_.refresh();
  const auto respond = [&] {
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
        std::chrono::system_clock::now().time_since_epoch());
    return respond_with_tsig(zones_.processor(), query, client, zones_.get(), scratch_, out,
                             static_cast<std::uint64_t>(now.count()), tsig_state_);
  };
  query_log* const query_logger = context_.query_logger.get();
  if (query_logger == nullptr && !context_.metrics) {
    const outcome result = respond();
    if (result.notify != outcome::notify_verdict::none) hand_over_notify(result, client);
    return result;
  }
  // Timed only when someone looks: the query log or the metrics.
  const auto start = std::chrono::steady_clock::now();
  const outcome result = respond();
  const auto took = std::chrono::steady_clock::now() - start;
  if (query_logger != nullptr) query_logger->record(index_, query, client, result, took);
  if (context_.metrics) {
    count_query(counters_, client, result, took,
                result.zone != nullptr ? zones_.slots().slot_of(result.zone) : no_zone);
  }
  if (result.notify != outcome::notify_verdict::none) hand_over_notify(result, client);
  return result;
}

void server_worker::hand_over_notify(const outcome& result, const request_info& client) {
  if (!context_.notify_received) return;
  std::error_code ec;
  const dns::name zone = dns::name::from_wire(result.notify_zone, ec);
  if (ec) return;
  // respond_with_tsig set the key on its own copy of `client`: the verification tells it here.
  request_info sender = client;
  if (tsig_state_.outcome == dns::tsig::status::verified) sender.tsig_key = &tsig_state_.key_name;
  context_.notify_received(zone, result.notify, sender);
}

void server_worker::connection_opened(tcp_connection* c) {
  c->older = newest_;
  c->newer = nullptr;
  if (newest_ != nullptr) newest_->newer = c;
  newest_ = c;
  if (oldest_ == nullptr) oldest_ = c;
  ++connection_count_;
}

void server_worker::connection_closed(tcp_connection* c) {
  if (c->older != nullptr) c->older->newer = c->newer;
  else if (oldest_ == c) oldest_ = c->newer;
  else return;  // not linked
  if (c->newer != nullptr) c->newer->older = c->older;
  else newest_ = c->older;
  c->older = c->newer = nullptr;
  --connection_count_;
}

void server_worker::connection_active(tcp_connection* c) {
  if (newest_ == c) return;
  // Unlink and append at the newest end.
  if (c->older != nullptr) c->older->newer = c->newer;
  else oldest_ = c->newer;
  if (c->newer != nullptr) c->newer->older = c->older;
  c->older = newest_;
  c->newer = nullptr;
  if (newest_ != nullptr) newest_->newer = c;
  newest_ = c;
  if (oldest_ == nullptr) oldest_ = c;
}

void server_worker::make_room_for_connection() {
  // RFC 7766 §6.2.2: at the limit, close the connection idle the longest, so a flood of new
  // connections ages out old ones instead of locking every new client out.
  while (connection_count_ >= max_connections_ && oldest_ != nullptr) {
    log::debug("tcp connection limit ({}) reached: closing the least recently active one",
               max_connections_);
    oldest_->close(tcp_close_reason::evicted);
  }
}

void server_worker::arm_sweep() {
  const auto timeout = context_.transport.tcp_idle_timeout;
  const auto period = std::clamp<std::chrono::milliseconds>(timeout / 4, std::chrono::milliseconds(50),
                                                             std::chrono::milliseconds(1000));
  sweep_timer_.expires_after(period);
  sweep_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || stopping_) return;
    sweep();
    arm_sweep();
  });
}

void server_worker::sweep() {
  auto timeout = context_.transport.tcp_idle_timeout;
  // Under pressure (over three quarters of the allowed connections) idle clients get a quarter
  // of the usual time (RFC 7766 §6.2.3 lets servers shorten the timeout under load).
  if (connection_count_ * 4 >= std::size_t{max_connections_} * 3) timeout /= 4;
  const auto now = std::chrono::steady_clock::now();
  const auto cutoff = now - timeout;
  // Connections quiet for half the timeout are looked at (oldest first): one whose client
  // acknowledged output since the last look is active again and moves to the newest end, where
  // the walk stops; the others are closed once quiet for the whole timeout. A client that
  // stops reading is so closed between one and two timeouts after its last progress (its last
  // progress may be seen up to half a timeout and a sweep period late).
  const auto look_from = now - timeout / 2;
  for (tcp_connection* c = oldest_; c != nullptr && c->last_active() < look_from;) {
    tcp_connection* next = c->newer;  // review() may close c, which unlinks it, or move it
    c->review(now, cutoff);
    c = next;
  }
}

}  // namespace dnskit::nameserver
