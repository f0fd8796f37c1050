#pragma once
// Accepts TCP connections on one listener for one worker.
#include <memory>

#include "server_asio.hpp"

namespace dnskit::nameserver {

class server_worker;

class tcp_listener : public std::enable_shared_from_this<tcp_listener> {
 public:
  tcp_listener(server_worker& worker, asio::ip::tcp::acceptor acceptor);
  void start();
  void close();

 private:
  void accept();

  server_worker& worker_;
  asio::ip::tcp::acceptor acceptor_;
  asio::steady_timer backoff_;
  bool closed_ = false;
};

}  // namespace dnskit::nameserver
