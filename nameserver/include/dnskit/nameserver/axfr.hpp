#pragma once
// Outgoing zone transfers (RFC 5936): the messages of an AXFR answer, one at a time, so the TCP
// transport can write each before asking for the next. respond() decides whether a transfer is
// allowed (outcome::action::transfer); this produces it.
//
// Message sequence (RFC 5936 §2.2): the zone's SOA first, every other record of the zone exactly
// once (delegation NS and glue included, §3), the SOA again last. Each message holds as many
// whole records as fit (options.axfr_message_size, at most the buffer given and 65535), names
// compressed within it. The first message echoes the question (§2.2.1), later ones have none.
// Every message has the query's ID, QR and AA set, opcode QUERY, RCODE NOERROR. An IXFR asked
// over TCP is answered with the condensed differences from the client's serial when the zone's
// history (zones::zone_set::history) reaches back to it (RFC 1995 §4: current SOA, client's SOA,
// removed records, current SOA, added records, current SOA), else in the AXFR form (the whole
// zone, SOA first and last, which RFC 1995 §4 allows).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "dnskit/nameserver/responder.hpp"

namespace dnskit::nameserver {

class axfr_stream {
 public:
  // Prepares the transfer asked by `query` (the bytes respond() reported as a transfer).
  // `zones` must outlive the stream: keep the snapshot's owner alive until done().
  // If the query or the zone turns out unusable, the stream yields one SERVFAIL message.
  axfr_stream(std::span<const std::uint8_t> query, const zones::zone_set& zones,
              const responder_options& options = {});
  ~axfr_stream();
  axfr_stream(axfr_stream&&) noexcept;
  axfr_stream& operator=(axfr_stream&&) noexcept;

  // Writes the next message into `out` and returns its size; 0 once the transfer is complete.
  // `out` should hold 65535 bytes (at least 512).
  std::size_t next(std::span<std::uint8_t> out);
  bool done() const noexcept;

  // Counters for logging.
  std::size_t messages() const noexcept;
  std::size_t records() const noexcept;

  struct state;

 private:
  std::unique_ptr<state> state_;
};

// The answer to a transfer the server will not stream now (as many are running as it allows):
// one message with RCODE SERVFAIL, the question echoed, an OPT when the query had one. Returns
// its size, 0 when `query` is no query. `out` should hold at least 512 bytes.
std::size_t axfr_busy_answer(std::span<const std::uint8_t> query, const responder_options& options,
                             std::span<std::uint8_t> out);

}  // namespace dnskit::nameserver
