#pragma once
// Zone transfers as a resolver operation: resolver::async_transfer (resolver.hpp) asks one
// server for AXFR (RFC 5936) or IXFR (RFC 1995) over one TCP connection of its own (c-ares
// does not carry multi-message answers) and hands each message's records to a sink as they
// arrive, keeping none: memory stays bounded however large, or endless, the transfer.
//
// Two clocks bound it: each step (connecting, sending the query, every message) must be done
// within transfer_options::message_timeout (errc::timeout), and the whole transfer within
// transfer_options::deadline (errc::transfer_time_limit); a server that trickles small
// messages slowly is ended by the second. A cancel_token, resolver::cancel() and destruction
// end it with operation_aborted and close the connection.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>

#include "dnskit/dns/message.hpp"
#include "dnskit/dns/rr_type.hpp"
#include "dnskit/dns/tsig.hpp"
#include "dnskit/resolver/observer.hpp"
#include "dnskit/resolver/options.hpp"

namespace dnskit::resolver {

struct transfer_options {
  dns::rr_type type = dns::rr_type::axfr;  // axfr or ixfr (anything else: errc::bad_query)
  // IXFR: the serial of the zone the caller holds, sent as the SOA in the query's authority
  // section (RFC 1995 §3). The server answers with the differences since, the whole zone, or
  // the SOA alone when the caller is up to date.
  std::uint32_t ixfr_serial = 0;
  dns::rr_class qclass = dns::rr_class::in;
  // The server asked. Unset: the resolver's first server (effective_options().servers).
  std::optional<server_address> server;
  // Connecting, sending the query and receiving each message must each end within this.
  std::chrono::milliseconds message_timeout{10'000};
  // The whole transfer must end within this from the call; zero = no limit.
  std::chrono::milliseconds deadline{0};
  std::optional<cancel_token> cancel;
  // Sign the query with this key and check the messages (TSIG, RFC 8945 §5.3.1): each signed
  // one must verify, at most 99 in a row may come unsigned, and the last must be signed; a
  // message that fails ends the transfer with errc::bad_signature before its records reach the
  // sink (unsigned ones are handed over as they come, as dig does, and covered by the next
  // signed one). Unset: no TSIG.
  std::optional<dns::tsig::key> tsig;
};

// The records of one message, in transfer order, as they arrive: `last` on the message that
// ends the transfer (records after the closing SOA in it are not handed over). `message` is
// the whole decoded message (header, question, OPT, TSIG when present); `records` is the part
// of its answer section that belongs to the transfer. Both are valid only during the call.
// Called on the resolver's executor; it must not throw. It may cancel the transfer (its
// cancel_token, resolver::cancel()) but must not destroy the resolver.
using transfer_sink =
    std::function<void(const dns::message& message, std::span<const dns::record> records, bool last)>;

struct transfer_result {
  std::size_t messages = 0;  // messages received and accepted
  std::size_t records = 0;   // records handed to the sink, the closing SOA included
  std::size_t bytes = 0;     // message bytes received (without the 2-byte length prefixes)
  socket_address server;     // the server asked
  // The rcode of a message that refused the transfer (with errc::refused, notauth as
  // errc::other_rcode, ...); noerror otherwise.
  dns::rcode rcode = dns::rcode::noerror;
  // With transfer_options::tsig: what checking the last message gave (verified, badsig,
  // badkey, badtime, formerr, unsigned_message...).
  dns::tsig::status tsig = dns::tsig::status::unsigned_message;
};

}  // namespace dnskit::resolver
