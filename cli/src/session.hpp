#pragma once
// One DNS exchange at a time, the way nslookup makes it: each try is one c-ares query with one
// try (so "retry=N" means N tries, each waiting the full timeout, as dig's engine does), the
// network seen through the resolver's observer (who answered, over what, bytes, time, TC).
#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "dnskit/dns/message.hpp"
#include "dnskit/resolver/observer.hpp"
#include "dnskit/resolver/resolver.hpp"
#include "settings.hpp"

namespace dnskit::cli {

// One thing seen on the network, kept for --explain and --stats.
struct net_event {
  enum class kind { open, connect, send, receive, close, query_start, query_end };
  kind what = kind::open;
  resolver::transport proto = resolver::transport::udp;
  resolver::socket_address local, remote;
  std::size_t bytes = 0;
  std::chrono::steady_clock::time_point time;
  resolver::error_code error;
  dns::header header;     // send/receive of a whole message: its header
  bool has_header = false;
  dns::question question;  // query_start
  bool recursion_desired = true;
};

// Why a try got no answer (one ";; communications error" line each).
struct try_failure {
  resolver::socket_address server;
  resolver::error_code error;  // errc::timeout, errc::connection_refused, ...
  bool tcp = false;
};

struct exchange {
  dns::question question;
  resolver::error_code error;   // the resolver's outcome of the last try
  dns::message response;
  bool has_response = false;
  resolver::socket_address server;  // the server that answered (or the last one tried)
  resolver::transport proto = resolver::transport::udp;
  bool truncated_retry = false;     // a UDP answer had TC set and the query went again over TCP
  std::size_t bytes_sent = 0, bytes_received = 0;
  double time_ms = 0;               // from the first send to the answer
  std::vector<try_failure> failures;
  std::vector<net_event> events;
};

class session {
 public:
  explicit session(const settings& s);
  ~session();

  // Asks `qname` (absolute) for `type` with the settings' class, RD, transport, timeout and
  // tries, starting with server address number `first_server`.
  exchange ask(const dns::name& qname, dns::rr_type type, std::size_t first_server = 0);

  const settings& config() const noexcept { return settings_; }

 private:
  class recorder;
  const settings& settings_;
  boost::asio::io_context io_;
  std::shared_ptr<recorder> recorder_;
};

// "127.0.0.1#53", "::1#53" (how dig's engine writes a server address).
std::string server_text(const resolver::socket_address& a);

}  // namespace dnskit::cli
