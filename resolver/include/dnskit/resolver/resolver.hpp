#pragma once
// dnskit::resolver::resolver: an asynchronous DNS resolver. One object owns one c-ares channel
// and runs it on an Asio executor: c-ares says which sockets to watch (ARES_OPT_SOCK_STATE_CB),
// the resolver waits for them to become readable or writable and for one steady_timer armed
// from ares_timeout(), and lets c-ares process what is ready. No threads, no polling.
//
// Operations take any Asio completion token (a callback, boost::asio::use_future,
// boost::asio::use_awaitable, redirect_error(...), ...):
//
//   async_query(name, type[, class | query_options], token)
//       void(error_code, dns::message)   the whole response, every section, decoded by dns/
//                                        (name: text, or a dns::name asked as it is)
//   async_resolve(host[, resolve_options], token)
//       void(error_code, resolve_result) A and AAAA addresses (hosts file, search list, ndots)
//   async_reverse(address[, query_options], token)
//       void(error_code, std::vector<std::string>)   PTR names, without the trailing dot
//   async_transfer(zone, transfer_options, sink, token)
//       void(error_code, transfer_result)   AXFR/IXFR over TCP, records streamed to the sink
//
// async_query's outcomes: no error and the response when its rcode is NOERROR and the answer
// section holds records; errc::nodata (NOERROR, empty answer), errc::nxdomain, servfail,
// refused, formerr, notimp, other_rcode WITH the response in the message (a caller such as
// dnslookup prints it); errc::timeout, connection_refused, bad_response, bad_name,
// operation_aborted with an empty message. With use_future or use_awaitable an error is thrown
// (boost::system::system_error) and the message is lost: use
// boost::asio::redirect_error(boost::asio::use_awaitable, ec) to keep both.
//
// Handlers: a handler runs on its associated executor (by default the resolver's executor),
// never inside the call that started the operation, and exactly once.
//
// Thread safety: as Asio's I/O objects. Distinct resolvers: safe. One resolver: not safe; call
// its functions (and cancel_token::cancel) from the executor's thread, or its strand when the
// io_context runs on several threads (then make the resolver with that strand as executor).
//
// cancel() and destruction complete every pending operation with
// boost::asio::error::operation_aborted, exactly once. A handler may start new operations or
// destroy the resolver.
//
// An operation ends for the event loop when it ends for its caller: once a deadline or a
// cancel_token has completed it, nothing of it keeps io_context::run busy. c-ares 1.18 cannot
// drop one query, so the queries of such operations are dropped together (ares_cancel) as soon
// as they are all c-ares still holds; until then a live operation keeps the loop busy anyway.
// run() returns within milliseconds of the last deadline, not when c-ares's own retries end.
//
// Names: presentation text in ASCII, or UTF-8 that async_query and async_resolve convert to
// its IDNA2008 ASCII form (idn.hpp); text that is neither completes with errc::bad_name.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "dnskit/dns/message.hpp"
#include "dnskit/dns/name.hpp"
#include "dnskit/dns/rr_type.hpp"
#include "dnskit/resolver/detail/asio.hpp"
#include "dnskit/resolver/detail/completion.hpp"
#include "dnskit/resolver/detail/query_names.hpp"
#include "dnskit/resolver/error.hpp"
#include "dnskit/resolver/observer.hpp"
#include "dnskit/resolver/options.hpp"
#include "dnskit/resolver/transfer.hpp"

namespace dnskit::resolver {

namespace detail {
class core;
}

struct resolved_address {
  boost::asio::ip::address address;
  std::uint32_t ttl = 0;  // seconds (0 from the hosts file)
  friend bool operator==(const resolved_address&, const resolved_address&) = default;
};

struct resolve_result {
  std::string canonical_name;               // after CNAMEs, without the trailing dot
  // IPv6 addresses first, then IPv4, each family in the order the answer gave them (the hosts
  // file's order when it answered).
  std::vector<resolved_address> addresses;
};

// The reverse-lookup name of an address: "7.2.0.192.in-addr.arpa." (RFC 1035 §3.5),
// nibbles under "ip6.arpa." (RFC 3596 §2.5).
dns::name reverse_name(const boost::asio::ip::address& address);

class resolver {
 public:
  using executor_type = boost::asio::any_io_executor;

  // Throws boost::system::system_error: errc::bad_option (options::validate), errc::bad_server,
  // errc::file_error / no_memory / ... from c-ares's initialisation.
  explicit resolver(const executor_type& ex, const options& opts = {});
  template <typename ExecutionContext,
            std::enable_if_t<std::is_convertible_v<ExecutionContext&, boost::asio::execution_context&>,
                             int> = 0>
  explicit resolver(ExecutionContext& context, const options& opts = {})
      : resolver(executor_type(context.get_executor()), opts) {}

  // Completes every pending operation with operation_aborted and destroys the channel.
  ~resolver();

  resolver(resolver&& other) noexcept;
  resolver& operator=(resolver&& other) noexcept;  // destroys this one's channel first
  resolver(const resolver&) = delete;
  resolver& operator=(const resolver&) = delete;

  executor_type get_executor() const noexcept;

  // The options in effect: those given, completed with what the resolv.conf says (servers,
  // search/domain, and `options timeout: attempts: ndots: rotate edns0 use-vc`: timeout, tries,
  // ndots, rotate, edns_payload_size 1232, tcp_only) where they were left unset, the UDP receive buffer the
  // kernel granted (socket_receive_buffer, as SO_RCVBUF reports it) and the in-flight bound
  // in effect (max_in_flight, 0 = none).
  options effective_options() const;

  // Operations started and not completed yet.
  std::size_t pending() const noexcept;

  // What the response cache did so far (all zero without one: options::cache_entries).
  cache_statistics cache_stats() const noexcept;

  // Completes every pending operation with operation_aborted (their handlers are posted).
  // The resolver stays usable.
  void cancel();

  // --- async_query --------------------------------------------------------------------------
  // `name` is presentation text ("www.example.test", trailing dot optional, `\.` and `\DDD`
  // escapes) or a name in UTF-8 ("bücher.example", asked as "xn--bcher-kva.example"); a name
  // that does not parse, or is not a valid IDN, completes with errc::bad_name.
  template <typename Token>
  auto async_query(std::string_view name, dns::rr_type type, const query_options& opts,
                   Token&& token) {
    return boost::asio::async_initiate<Token, void(error_code, dns::message)>(
        initiate_query{this}, token, names_for(name, opts), type, opts);
  }
  template <typename Token>
  auto async_query(std::string_view name, dns::rr_type type, Token&& token) {
    return async_query(name, type, query_options{}, std::forward<Token>(token));
  }
  // A name already parsed is asked as it is: a dns::name is absolute, so neither the search
  // list (query_options::search) nor IDN conversion applies, and no text is parsed again (a
  // caller that has the name in hand, such as bulk resolution, spares the round trip through
  // text).
  template <typename Token>
  auto async_query(const dns::name& name, dns::rr_type type, const query_options& opts, Token&& token) {
    return boost::asio::async_initiate<Token, void(error_code, dns::message)>(
        initiate_query{this}, token, detail::query_names{{name}, {}}, type, opts);
  }
  template <typename Token>
  auto async_query(std::string_view name, dns::rr_type type, dns::rr_class qclass, Token&& token) {
    query_options opts;
    opts.qclass = qclass;
    return async_query(name, type, opts, std::forward<Token>(token));
  }

  // --- async_resolve ------------------------------------------------------------------------
  // A host name (the search list and ndots apply, the hosts file first when enabled) or a
  // numeric address. With the hosts file off, "localhost" and the names under it are ::1 and
  // 127.0.0.1 without asking anyone (RFC 6761 §6.3). Errors: errc::nxdomain, nodata, timeout,
  // connection_refused, bad_name, ...
  template <typename Token>
  auto async_resolve(std::string_view host, const resolve_options& opts, Token&& token) {
    return boost::asio::async_initiate<Token, void(error_code, resolve_result)>(
        initiate_resolve{this}, token, std::string(host), opts);
  }
  template <typename Token>
  auto async_resolve(std::string_view host, Token&& token) {
    return async_resolve(host, resolve_options{}, std::forward<Token>(token));
  }

  // --- async_reverse ------------------------------------------------------------------------
  // PTR names of an address (DNS only), without the trailing dot; errors as async_query's
  // (nodata when the response holds no PTR).
  template <typename Token>
  auto async_reverse(const boost::asio::ip::address& address, const query_options& opts,
                     Token&& token) {
    return boost::asio::async_initiate<Token, void(error_code, std::vector<std::string>)>(
        initiate_reverse{this}, token, address, opts);
  }
  template <typename Token>
  auto async_reverse(const boost::asio::ip::address& address, Token&& token) {
    return async_reverse(address, query_options{}, std::forward<Token>(token));
  }

  // --- async_transfer -----------------------------------------------------------------------
  // A zone transfer (transfer.hpp): AXFR, or IXFR from opts.ixfr_serial, of `zone` (text as
  // async_query takes it, always absolute) from opts.server or the resolver's first server,
  // over a TCP connection of its own. `sink` gets each message's records as they arrive, on the
  // resolver's executor; the handler runs once after the last call of the sink. Outcomes: no
  // error when the transfer ended as RFC 5936 §2.2 / RFC 1995 §4 say (the closing SOA came);
  // errc::timeout (a step took longer than opts.message_timeout), errc::transfer_time_limit
  // (opts.deadline passed), errc::refused / notauth as errc::other_rcode / ... with
  // transfer_result::rcode (the server refused), errc::eof (the server closed the connection
  // early), errc::bad_response (a message that does not decode), errc::bad_transfer (no SOA
  // first, an empty message, another ID), errc::bad_signature (opts.tsig: a message that does
  // not verify, transfer_result::tsig says why), errc::bad_name, errc::bad_query (a type other than
  // AXFR or IXFR), a system error from connecting (connection_refused...), operation_aborted.
  // The result counts what was handed over before the end, whatever it was.
  template <typename Token>
  auto async_transfer(std::string_view zone, const transfer_options& opts, transfer_sink sink,
                      Token&& token) {
    return boost::asio::async_initiate<Token, void(error_code, transfer_result)>(
        initiate_transfer{this}, token, std::string(zone), opts, std::move(sink));
  }

 private:
  using transfer_completion = detail::completion<transfer_result>;
  using query_completion = detail::completion<dns::message>;
  using resolve_completion = detail::completion<resolve_result>;
  using reverse_completion = detail::completion<std::vector<std::string>>;

  // The search list applied to `name` (empty, and an error, when it does not parse).
  detail::query_names names_for(std::string_view name, const query_options& opts) const;
  // (Names and handler are moved once, into the operation.)
  void start_query(detail::query_names&& names, dns::rr_type type, const query_options& opts,
                   query_completion&& done);
  void start_resolve(std::string host, const resolve_options& opts, resolve_completion done);
  void start_reverse(const boost::asio::ip::address& address, const query_options& opts,
                     reverse_completion done);
  void start_transfer(const std::string& zone, const transfer_options& opts, transfer_sink sink,
                      transfer_completion done);

  struct initiate_query {
    resolver* self;
    template <typename Handler>
    void operator()(Handler&& handler, detail::query_names names, dns::rr_type type,
                    const query_options& opts) const {
      self->start_query(std::move(names), type, opts,
                        query_completion(std::forward<Handler>(handler), self->get_executor()));
    }
  };
  struct initiate_resolve {
    resolver* self;
    template <typename Handler>
    void operator()(Handler&& handler, std::string host, const resolve_options& opts) const {
      self->start_resolve(std::move(host), opts,
                          resolve_completion(std::forward<Handler>(handler), self->get_executor()));
    }
  };
  struct initiate_reverse {
    resolver* self;
    template <typename Handler>
    void operator()(Handler&& handler, const boost::asio::ip::address& address,
                    const query_options& opts) const {
      self->start_reverse(address, opts,
                          reverse_completion(std::forward<Handler>(handler), self->get_executor()));
    }
  };

  struct initiate_transfer {
    resolver* self;
    template <typename Handler>
    void operator()(Handler&& handler, const std::string& zone, const transfer_options& opts,
                    transfer_sink sink) const {
      self->start_transfer(zone, opts, std::move(sink),
                           transfer_completion(std::forward<Handler>(handler), self->get_executor()));
    }
  };

  executor_type executor_;
  std::shared_ptr<detail::core> core_;
};

}  // namespace dnskit::resolver
