#pragma once
// The resolvers of one dnslookup run, and one DNS exchange at a time the way nslookup makes
// it. One resolver (one c-ares channel) serves every question of the run; another is built
// only when the settings ask for what a channel fixes (servers, port, transport, timeout,
// tries: `server` and `set` in interactive mode, a TCP-only question such as ANY), and the
// last few stay for the run. Tries are the library's rounds (query_options::rounds): each
// waits the full timeout, as dig's engine does; the network is seen through the resolver's
// observer (who answered, over what, bytes, time, TC). Zone transfers are the library's
// async_transfer.
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
  resolver::error_code error;   // the resolver's outcome
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

// A zone transfer's end: the library's outcome and counts.
struct transfer_outcome {
  resolver::error_code error;
  resolver::transfer_result result;
};

class session {
 public:
  session();
  ~session();
  session(const session&) = delete;
  session& operator=(const session&) = delete;

  // Asks `qname` (absolute) for `type` with the settings' class, RD, transport, timeout and
  // tries, starting with server address number `first_server`.
  exchange ask(const settings& s, const dns::name& qname, dns::rr_type type, std::size_t first_server = 0);

  // AXFR of `zone` from the settings' first server and port: each message's records go to
  // `sink` as they arrive; -timeout bounds each step, --transfer-timeout the whole.
  transfer_outcome transfer(const settings& s, const dns::name& zone, const resolver::transfer_sink& sink);

  // Resolvers built so far in this run (each one c-ares channel).
  std::size_t resolvers_built() const noexcept { return built_; }

 private:
  class recorder;
  struct channel {
    std::string key;
    std::unique_ptr<resolver::resolver> r;
  };
  // The resolver for these settings, built on first use.
  resolver::resolver& resolver_for(const settings& s, bool tcp, std::size_t first_server);

  boost::asio::io_context io_;
  std::shared_ptr<recorder> recorder_;
  std::vector<channel> channels_;  // most recently used last
  std::size_t built_ = 0;
};

// "127.0.0.1#53", "::1#53" (how dig's engine writes a server address).
std::string server_text(const resolver::socket_address& a);

}  // namespace dnskit::cli
