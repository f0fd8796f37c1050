#pragma once
// The operator's HTTP endpoint (--http ADDR:PORT, [http] listen): GET /metrics (Prometheus text),
// GET /status (JSON) and POST /reload, served with Boost.Beast on a thread and io_context of its
// own, so nothing it does -- slow clients, floods, bad requests -- runs on the query threads.
// Requests are small and bounded (8 KiB of headers, no body, 10 s to send a whole request, so a
// client sending a byte a second is closed as one that sends nothing; 10 s to take an answer); a
// malformed one gets 400 and the connection is closed. At most 64 connections at once: more are
// answered 503 and closed at accept, with a warning at most every 10 s. The thread runs at a
// lower CPU priority than the query threads, and backs off when accept() finds no descriptor
// left, so a flood of HTTP clients costs the DNS service neither CPU nor descriptors (the server
// reserves `max_connections` + 2 of them for this endpoint, descriptor_limit.hpp).
// A method a path does not take gets 405 with Allow.
//
// POST /reload changes what the server serves, so it is answered only for clients in
// `reload_allowed` (default loopback, whatever address the endpoint listens on; 403 for the
// others), while /metrics and /status, read-only, are open to whoever reaches the endpoint.
// The answer comes when the reload has finished.
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "dnskit/nameserver/acl.hpp"
#include "dnskit/nameserver/config.hpp"

namespace dnskit::nameserver {

struct http_handlers {
  std::function<std::string()> metrics;  // the body of GET /metrics
  std::function<std::string()> status;   // the body of GET /status
  // POST /reload (`zone` empty) and POST /reload?zone=NAME (`zone` as given, percent-decoded):
  // starts a reload and calls `done` once (on any thread) when it has finished, with the HTTP
  // status and the JSON body to answer. Unset: 404.
  using reload_done = std::function<void(unsigned status, std::string body)>;
  std::function<void(std::string zone, reload_done done)> reload;
  acl reload_allowed = acl::loopback();
};

class http_server {
 public:
  // Connections served at once; descriptors the endpoint may hold are this + 2 (the listening
  // socket and one over the limit while it is answered 503).
  static constexpr std::size_t max_connections = 64;

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
