#pragma once
// The messages of a transfer in (RFC 5936), without any I/O: the SOA query and the AXFR query
// a secondary sends its primary (signed when the zone has a key, RFC 8945 §5.1), the serial in
// the answer to the first, and the stream of answers to the second read message by message into
// a zone_builder, so that the zone is checked exactly as a zone file is (zones/checks.hpp).
// Everything from the primary is untrusted: each message is decoded by dns::decode (bounded,
// strict) and every rule below ends the transfer with one line saying what was wrong.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "dnskit/dns/message.hpp"
#include "dnskit/dns/name.hpp"
#include "dnskit/dns/record.hpp"
#include "dnskit/dns/rr_type.hpp"
#include "dnskit/dns/tsig.hpp"
#include "dnskit/zones/checks.hpp"
#include "dnskit/zones/diagnostic.hpp"
#include "dnskit/zones/zone.hpp"
#include "dnskit/zones/zone_builder.hpp"

namespace dnskit::nameserver {

// A query for the zone's apex (SOA, AXFR or IXFR), signed with `key` when given; `mac` receives
// the request's MAC, which the answers are checked against. `authority`: the record for the
// authority section (IXFR's: our current SOA, RFC 1995 §3), or nullptr.
std::vector<std::uint8_t> make_transfer_query(const dns::name& origin, dns::rr_type type,
                                              std::uint16_t id, const dns::tsig::key* key,
                                              std::uint64_t now, dns::tsig::mac_bytes& mac,
                                              const dns::record* authority = nullptr);

namespace detail {
// The TSIG outcome of a primary's answer, in words an operator can act on.
std::string tsig_problem(dns::tsig::status st, const dns::tsig::key& key,
                         std::span<const std::uint8_t> message = {});
// The header checks every first answer gets: our ID, a response, a QUERY, NOERROR, not
// truncated.
bool answers_our_query(const dns::message& m, std::uint16_t id, std::string& error);
bool is_apex_soa(const dns::record& r, const dns::name& origin);
}  // namespace detail

// The serial of the primary's answer to our SOA query (RFC 1035 §3.3.13, RFC 1996 §3.11): the
// ID, QR and opcode of our query, NOERROR, the SOA of `origin` in the answer section, and a
// TSIG that verifies for `key` when one signed the query. std::nullopt with `error` otherwise.
std::optional<std::uint32_t> read_soa_answer(std::span<const std::uint8_t> message,
                                             const dns::name& origin, std::uint16_t id,
                                             const dns::tsig::key* key,
                                             const dns::tsig::mac_bytes& request_mac,
                                             std::uint64_t now, std::string& error);

// The answers to one AXFR query (RFC 5936 §2.2), fed in order. The first message carries our
// ID, QR, opcode QUERY, NOERROR, at most our question, and starts with the zone's SOA; each
// message decodes strictly; the transfer ends with the SOA again (the same serial), as the last
// record of its message. With a key every message's TSIG is checked (RFC 8945 §5.3.1): the
// first and the last must be signed, at most 99 in a row may not be. The bytes of all messages
// together are bounded (`max_bytes`, 0: no bound).
class axfr_reader {
 public:
  struct settings {
    dns::name origin;
    dns::rr_type qtype = dns::rr_type::axfr;  // IXFR when reading an IXFR's AXFR-style answer
    std::uint16_t id = 0;
    const dns::tsig::key* key = nullptr;  // signed the query; must outlive the reader
    dns::tsig::mac_bytes request_mac;
    std::uint64_t max_bytes = 0;
    zones::check_options checks;
    std::string source;  // names the records in diagnostics: "AXFR from 192.0.2.1:53"
  };
  enum class status { more, done, failed };

  explicit axfr_reader(settings s);
  ~axfr_reader();
  axfr_reader(const axfr_reader&) = delete;
  axfr_reader& operator=(const axfr_reader&) = delete;

  // Reads the next message (`now`: seconds since the epoch, for TSIG). After done or failed,
  // every further message fails.
  status add(std::span<const std::uint8_t> message, std::uint64_t now);
  // Why the transfer failed (one line).
  const std::string& error() const noexcept { return error_; }
  std::uint32_t serial() const noexcept { return serial_; }
  std::size_t messages() const noexcept { return messages_; }
  std::size_t records() const noexcept { return records_; }
  std::uint64_t bytes() const noexcept { return bytes_; }

  // After done: the zone checks and the zone (nullptr when they refuse it; the errors are then
  // in `diagnostics`, with the warnings). The reader is spent after.
  std::shared_ptr<const zones::zone> build(std::vector<zones::diagnostic>& diagnostics);

 private:
  status fail(std::string why);

  settings settings_;
  std::optional<dns::tsig::response_verifier> verifier_;
  zones::zone_builder builder_;
  std::string error_;
  std::uint32_t serial_ = 0;
  std::size_t messages_ = 0;
  std::size_t records_ = 0;
  std::uint64_t bytes_ = 0;
  status state_ = status::more;
};

}  // namespace dnskit::nameserver
