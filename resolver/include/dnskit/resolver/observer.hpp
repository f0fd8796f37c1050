#pragma once
// An observer sees what the resolver does on the network: every socket c-ares opens, connects,
// sends on, receives on and closes (through ares_set_socket_functions), with local and remote
// addresses, transport, byte counts, the bytes themselves and a timestamp; and every DNS query
// the resolver hands to c-ares and how it ended. It tells which server answered a query and how
// long each step took (`dnslookup --stats`, `--explain`).
//
// Calls happen synchronously on the resolver's executor, inside c-ares's processing. An
// observer must be quick, must not throw, and must not call the resolver (no new queries, no
// cancel, no destruction) from inside a callback: record what it needs and act later.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "dnskit/dns/message.hpp"
#include "dnskit/resolver/detail/asio.hpp"
#include "dnskit/resolver/error.hpp"

namespace dnskit::resolver {

enum class transport : std::uint8_t { udp, tcp };

// "udp" / "tcp".
const char* to_string(transport t) noexcept;

// An IP address and port ("192.0.2.1:53", "[2001:db8::1]:53"); unspecified when unknown.
struct socket_address {
  boost::asio::ip::address address;
  std::uint16_t port = 0;

  std::string to_string() const;
  friend bool operator==(const socket_address&, const socket_address&) = default;
};

struct socket_event {
  int fd = -1;
  transport proto = transport::udp;
  socket_address local;   // known after connect (the kernel picks the port then)
  socket_address remote;  // known from connect on
  // send/receive: bytes moved (0 for an orderly TCP close by the peer); the bytes themselves,
  // valid only during the call (TCP: the 2-byte length prefix is part of the stream, RFC 1035
  // §4.2.2, so chunks may start or end anywhere in a message).
  std::size_t bytes = 0;
  std::span<const std::uint8_t> data;
  std::chrono::steady_clock::time_point time;
  // A failed connect/send/receive (errno as a system error). "Would block" is not reported.
  error_code error;
};

struct query_event {
  dns::question question;      // the name actually asked (after the search list)
  std::uint16_t payload_size = 0;  // EDNS payload size offered, 0 without EDNS
  bool recursion_desired = true;
  std::chrono::steady_clock::time_point time;
  // on_query_end only: how it ended and the response size (0 when none came).
  error_code result;
  std::size_t response_size = 0;
  int timeouts = 0;  // tries that timed out before the end (c-ares's count)
};

class observer {
 public:
  virtual ~observer() = default;

  virtual void on_open(const socket_event&) {}     // socket created (fd, transport)
  virtual void on_connect(const socket_event&) {}  // connect() issued: remote, and local once bound
  virtual void on_send(const socket_event&) {}     // bytes written
  virtual void on_receive(const socket_event&) {}  // bytes read (UDP: one datagram)
  virtual void on_close(const socket_event&) {}    // socket about to be closed

  virtual void on_query_start(const query_event&) {}  // a query handed to c-ares
  virtual void on_query_end(const query_event&) {}    // c-ares finished with it
  // A question answered from the response cache (options::cache_entries) instead: `result` set,
  // response_size 0, nothing sent.
  virtual void on_cache_hit(const query_event&) {}
};

}  // namespace dnskit::resolver
