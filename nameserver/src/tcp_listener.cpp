#include "tcp_listener.hpp"

#include "log.hpp"
#include "server_worker.hpp"
#include "tcp_connection.hpp"

namespace dnskit::nameserver {

tcp_listener::tcp_listener(server_worker& worker, asio::ip::tcp::acceptor acceptor)
    : worker_(worker), acceptor_(std::move(acceptor)), backoff_(worker.io()) {}

void tcp_listener::start() { accept(); }

void tcp_listener::close() {
  closed_ = true;
  boost::system::error_code ignored;
  acceptor_.close(ignored);
  backoff_.cancel();
}

void tcp_listener::accept() {
  if (closed_) return;
  acceptor_.async_accept(worker_.io(), [self = shared_from_this()](
                                           const boost::system::error_code& ec,
                                           asio::ip::tcp::socket socket) {
    if (self->closed_) return;
    if (ec) {
      if (ec == asio::error::operation_aborted) return;
      // Out of descriptors or memory (EMFILE, ENFILE, ENOBUFS): accepting again at once would
      // spin; wait a little while the existing connections keep being served.
      log::warning("tcp accept failed: {}", ec.message());
      self->backoff_.expires_after(std::chrono::milliseconds(100));
      self->backoff_.async_wait([self](const boost::system::error_code& wait_ec) {
        if (!wait_ec) self->accept();
      });
      return;
    }
    self->worker_.counters().tcp_accepted.add();
    self->worker_.make_room_for_connection();
    auto connection = std::make_shared<tcp_connection>(self->worker_, std::move(socket));
    self->worker_.connection_opened(connection.get());
    connection->start();
    self->accept();
  });
}

}  // namespace dnskit::nameserver
