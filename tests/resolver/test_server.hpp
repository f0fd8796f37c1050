#pragma once
// A scripted DNS server on 127.0.0.1 (UDP and TCP on one port) running on its own thread, for
// resolver tests that need answers no real server gives on purpose: every rcode, a truncated
// UDP answer, garbage, a wrong ID or question, an answer after the timeout, a TCP connection
// closed mid-answer, silence.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>
#include <vector>

#include "dnskit/dns/message.hpp"
#include "dnskit/resolver/options.hpp"

namespace dnskit::resolver::test {

struct reply {
  enum class kind { message, raw, none, close };
  kind what = kind::message;
  dns::message msg;               // kind::message: encoded as is (the script sets TC, ID...)
  std::vector<std::uint8_t> raw;  // kind::raw: sent as is (over TCP without framing)
  std::chrono::milliseconds delay{0};
  bool close_after = false;  // TCP: close the connection after sending
  // TCP: write the framed reply `chunk` bytes at a time with `chunk_pause` between writes
  // (0: all at once).
  std::size_t chunk = 0;
  std::chrono::milliseconds chunk_pause{0};

  static reply answer(dns::message m, std::chrono::milliseconds delay = {}) {
    reply r;
    r.msg = std::move(m);
    r.delay = delay;
    return r;
  }
  static reply bytes(std::vector<std::uint8_t> b, bool close_after = false) {
    reply r;
    r.what = kind::raw;
    r.raw = std::move(b);
    r.close_after = close_after;
    return r;
  }
  static reply silence() {
    reply r;
    r.what = kind::none;
    return r;
  }
  static reply in_pieces(dns::message m, std::size_t chunk, std::chrono::milliseconds pause) {
    reply r = answer(std::move(m));
    r.chunk = chunk;
    r.chunk_pause = pause;
    return r;
  }
  static reply close() {
    reply r;
    r.what = kind::close;
    return r;
  }
};

// Called on the server's thread for each query that decodes.
using script = std::function<reply(const dns::message& query, bool tcp)>;

// A response skeleton for `query`: same ID, question, opcode and RD; QR and AA set.
dns::message response_to(const dns::message& query, dns::rcode rc = dns::rcode::noerror);
// A record from presentation rdata ("192.0.2.1", "10 mail.example.test."); throws on bad text.
dns::record make_record(std::string_view owner, dns::rr_type type, std::string_view rdata,
                        std::uint32_t ttl = 300);
// Answers from `records` like an authoritative server: the RRset asked for, NODATA (with the
// first SOA in `records`, if any, in authority) when the name exists, NXDOMAIN otherwise.
script zone_script(std::vector<dns::record> records);

class test_server {
 public:
  explicit test_server(script s);
  ~test_server();
  test_server(const test_server&) = delete;
  test_server& operator=(const test_server&) = delete;

  std::uint16_t port() const noexcept { return port_; }
  ::dnskit::resolver::server_address address() const;

  int udp_queries() const noexcept { return udp_queries_.load(); }
  int tcp_queries() const noexcept { return tcp_queries_.load(); }
  int tcp_connections() const noexcept { return tcp_connections_.load(); }

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
  std::uint16_t port_ = 0;
  std::atomic<int> udp_queries_{0}, tcp_queries_{0}, tcp_connections_{0};
};

// Options every test starts from: this server only, no resolv.conf, no hosts file, short
// timeouts. Tests never touch the system's resolver configuration.
::dnskit::resolver::options loopback_options(const test_server& server,
                                   std::chrono::milliseconds timeout = std::chrono::milliseconds(500),
                                   int tries = 2);

}  // namespace dnskit::resolver::test
