#pragma once
// The operator's HTTP endpoint (--http ADDR:PORT, [http] listen): GET /metrics (Prometheus text)
// and GET /status (JSON), served with Boost.Beast on a thread and io_context of its own, so
// nothing it does -- slow clients, floods, bad requests -- runs on the query threads. Requests
// are small and bounded (8 KiB of headers, no body, 10 s to send one); a malformed one gets 400
// and the connection is closed; at most 64 connections at once (more are closed at accept).
#include <functional>
#include <memory>
#include <string>

#include "dnskit/nameserver/config.hpp"

namespace dnskit::nameserver {

struct http_handlers {
  std::function<std::string()> metrics;  // the body of GET /metrics
  std::function<std::string()> status;   // the body of GET /status
};

class http_server {
 public:
  // Binds `where` (port 0: any free port). nullptr with a one-line `error` on failure.
  static std::unique_ptr<http_server> open(const endpoint_spec& where, http_handlers handlers,
                                           std::string& error);
  ~http_server();  // stops and joins
  http_server(const http_server&) = delete;
  http_server& operator=(const http_server&) = delete;

  // As bound (the port the system chose for port 0).
  endpoint_spec bound() const;
  // Starts serving on its own thread.
  void start();
  // Thread-safe: closes everything and joins the thread.
  void stop();

  struct impl;

 private:
  explicit http_server(std::unique_ptr<impl> i);
  std::unique_ptr<impl> impl_;
};

}  // namespace dnskit::nameserver
