#pragma once
// Options of a resolver (one c-ares channel) and of each operation.
//
// What is per resolver: servers, ports, transport, timeout, tries, rotate, search list, ndots,
// resolv.conf, hosts file, socket buffers, the observer. c-ares keeps those per channel, so a
// program that needs another server or TCP for one query makes a second resolver (cheap: one
// channel, no thread). What is per query (query_options): class, RD, EDNS payload and DO/CD
// bits, the search list on/off, a deadline and a cancel_token.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dnskit/dns/message.hpp"
#include "dnskit/dns/rr_type.hpp"
#include "dnskit/resolver/detail/asio.hpp"
#include "dnskit/resolver/error.hpp"

namespace dnskit::resolver {

class observer;

namespace detail {
struct cancel_state;
}

// A name server's address and port.
struct server_address {
  boost::asio::ip::address address;
  std::uint16_t port = 53;

  // Parses "192.0.2.1", "192.0.2.1:5300", "2001:db8::1", "[2001:db8::1]" or
  // "[2001:db8::1]:5300". Errors: errc::bad_server (also for port 0 or above 65535).
  static server_address parse(std::string_view text, error_code& ec);
  static server_address parse(std::string_view text);  // throws boost::system::system_error

  // "192.0.2.1:53", "[2001:db8::1]:53".
  std::string to_string() const;
  friend bool operator==(const server_address&, const server_address&) = default;
};

struct options {
  // Servers in the order c-ares tries them. Empty: those of resolv.conf (c-ares's default,
  // 127.0.0.1:53, when it names none).
  std::vector<server_address> servers;
  // Timeout of the first try to each server (c-ares doubles it each round). Unset: resolv.conf's
  // `options timeout:` (read by dnskit; c-ares 1.18 reads only `retrans:`) or 5 s.
  std::optional<std::chrono::milliseconds> timeout;
  // Rounds over the server list (ARES_OPT_TRIES). Unset: resolv.conf's `attempts:` or 4.
  std::optional<int> tries;
  // Spread queries over the servers instead of always starting with the first.
  std::optional<bool> rotate;
  bool tcp_only = false;       // ARES_FLAG_USEVC: every query over TCP (or resolv.conf's use-vc)
  bool no_recursion = false;   // RD=0 on every query unless query_options says otherwise
  // EDNS0 (RFC 6891) UDP payload size offered on every query; 0 = no OPT record (c-ares's
  // default), or 1232 when resolv.conf says `options edns0`. async_resolve uses it through
  // ARES_FLAG_EDNS + ARES_OPT_EDNSPSZ.
  std::uint16_t edns_payload_size = 0;
  // Search list and ndots (resolv.conf's `search` and `options ndots:`). Unset: resolv.conf's.
  std::optional<std::vector<std::string>> search_domains;
  std::optional<int> ndots;
  // The resolv.conf to read (ARES_OPT_RESOLVCONF, and dnskit's reading of the options c-ares
  // skips). Unset: /etc/resolv.conf. "/dev/null" reads nothing: only what is set here counts
  // (what tests do).
  std::optional<std::string> resolv_conf;
  // Whether async_resolve consults the hosts file before DNS (c-ares lookups "fb" or "b").
  bool hosts_file = true;
  // SO_RCVBUF of every socket in bytes. 0 = automatic: UDP sockets ask for 4 MiB (the kernel
  // caps it at net.core.rmem_max; it bounds what may queue, an idle socket costs nothing) and
  // TCP sockets keep the system's default. With hundreds of UDP queries in flight on one
  // socket, the system's default (~208 KiB) overflows and answers are lost to timeouts.
  int socket_receive_buffer = 0;
  int socket_send_buffer = 0;  // SO_SNDBUF of every socket; 0 = the system's default
  // At most this many requests handed to c-ares at once; more wait in a FIFO queue (their
  // deadline runs from the call). 0 = automatic: as many UDP answers as the receive buffer
  // the kernel granted holds (2,304 bytes each: ~3,600 when the 4 MiB asked for is granted,
  // ~180 with a stock rmem_max of 208 KiB), no bound with tcp_only. effective_options()
  // tells the bound and the buffer in effect.
  std::size_t max_in_flight = 0;
  // A response cache for async_query and async_reverse, off by default: at most this many
  // responses (0 = no cache) and this many bytes (their wire size plus bookkeeping), the least
  // recently used dropped first. Positive answers are kept for their smallest TTL (7 days at
  // most), NXDOMAIN and NODATA for the SOA's TTL and MINIMUM (RFC 2308 §5, 3 hours at most),
  // and served with the TTLs counted down. The key: name (without case), type, class, DO, CD
  // and answer_only. async_resolve (c-ares's getaddrinfo) does not use it.
  std::size_t cache_entries = 0;
  std::size_t cache_bytes = std::size_t{4} << 20;
  // Sees socket and query events (observer.hpp). Shared: it must outlive the resolver's use.
  std::shared_ptr<dnskit::resolver::observer> observer;

  // Checks ranges (timeout > 0, tries >= 1, ndots 0..15, buffer sizes >= 0) without building
  // anything: errc::bad_option.
  error_code validate() const;
};

// What the response cache did (resolver::cache_stats()).
struct cache_statistics {
  std::uint64_t hits = 0;       // questions answered from the cache
  std::uint64_t misses = 0;     // questions asked of a server (cache on)
  std::uint64_t inserts = 0;    // responses stored
  std::uint64_t evictions = 0;  // dropped to stay within cache_entries / cache_bytes
  std::uint64_t expired = 0;    // dropped when found past their TTL
  std::size_t entries = 0;      // held now
  std::size_t bytes = 0;        // counted against cache_bytes now
};

// Cancels one or several operations without touching the others (Boost 1.74 has no
// cancellation slots). Copies share one state. cancel() completes every operation started with
// this token that has not completed yet with boost::asio::error::operation_aborted; operations
// started with it afterwards complete at once with operation_aborted. c-ares itself cannot drop
// one query: the request stays inside c-ares (its late result absorbed) until every request
// c-ares holds belongs to a completed operation; then they are all dropped, so a cancelled
// operation never keeps the event loop busy.
// Call cancel() on the resolver's executor, like every other resolver function.
class cancel_token {
 public:
  cancel_token();
  void cancel();
  bool cancelled() const noexcept;

  // Internal.
  const std::shared_ptr<detail::cancel_state>& state() const noexcept { return state_; }

 private:
  std::shared_ptr<detail::cancel_state> state_;
};

// Per-operation options for async_query and async_reverse.
struct query_options {
  dns::rr_class qclass = dns::rr_class::in;
  // RD bit. Unset: !options::no_recursion.
  std::optional<bool> recursion_desired;
  // EDNS payload size. Unset: options::edns_payload_size; 0: no OPT record.
  std::optional<std::uint16_t> edns_payload_size;
  bool dnssec_ok = false;          // DO bit (RFC 3225); implies an OPT record (1232 if no size)
  bool checking_disabled = false;  // CD bit (RFC 4035 §3.2.2)
  // EDNS options sent in the OPT record (NSID, a cookie...); implies an OPT record. Options
  // that would not fit a 512-byte query are left out.
  std::vector<dns::edns_option> edns_options;
  // Apply the search list and ndots to a name given as text without a trailing dot, as
  // res_search does: names with at least ndots dots are tried as they are first, others last;
  // NXDOMAIN and NODATA move on to the next candidate. Off: the text is taken as absolute.
  bool search = false;
  // Decode only the question and answer sections (the OPT record too, so the rcode stays
  // whole); authority and additional come back empty. For callers that want only the answers
  // at a high rate, such as bulk resolution: a typical authoritative answer carries most of its
  // records in the sections skipped (dns::decode_options::answer_only).
  bool answer_only = false;
  // Rounds asked by dnskit itself: a round that ends without an answer (errc::timeout, eof, or
  // connection_refused unless tcp_only) asks the same name again, as a fresh c-ares request,
  // until this many rounds were made. With options::tries = 1 each round tries every server once
  // with the same timeout, as dig and nslookup retry (c-ares doubles its timeout on each of its
  // own rounds). The observer sees every round's on_query_start and on_query_end. 1: one request
  // (c-ares's tries only).
  int rounds = 1;
  // A deadline for the whole operation from the call, independent of the channel's
  // timeout × tries; zero = none. On expiry the operation completes with errc::timeout.
  std::chrono::milliseconds deadline{0};
  std::optional<cancel_token> cancel;
};

enum class address_family : std::uint8_t { any, v4, v6 };

// Per-operation options for async_resolve.
struct resolve_options {
  address_family family = address_family::any;
  std::chrono::milliseconds deadline{0};
  std::optional<cancel_token> cancel;
};

}  // namespace dnskit::resolver
