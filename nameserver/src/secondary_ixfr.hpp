#pragma once
// The answer to an IXFR query (RFC 1995 §4), without any I/O, in one of its three forms:
//   - a single SOA whose serial is not newer than ours: we are current;
//   - an incremental answer: SOA(new), then for each change SOA(old), the deleted records,
//     SOA(next), the added records, and SOA(new) again to close it; each change continues the
//     one before (the first one our serial), condensed or not, over one or several messages;
//   - an AXFR-style answer (the primary keeps no history back to our serial): the first record
//     the SOA, the second not an SOA; read exactly as an AXFR (secondary_axfr.hpp).
// The form is known once two answer records have been seen, so the first messages are held
// until then. Every rule of the AXFR reader applies as well: strict decoding, our ID and
// question, TSIG on the first and last message (RFC 8945 §5.3.1), the bytes bounded. Anything
// else fails with one line; the caller then asks for the whole zone by AXFR.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "dnskit/dns/message.hpp"
#include "dnskit/dns/name.hpp"
#include "dnskit/dns/tsig.hpp"
#include "dnskit/zones/journal.hpp"
#include "secondary_axfr.hpp"

namespace dnskit::nameserver {

class ixfr_reader {
 public:
  struct settings {
    dns::name origin;
    std::uint32_t our_serial = 0;  // the serial in our query's authority section
    std::uint16_t id = 0;
    const dns::tsig::key* key = nullptr;  // signed the query; must outlive the reader
    dns::tsig::mac_bytes request_mac;
    std::uint64_t max_bytes = 0;  // all messages together; 0: no bound
    zones::check_options checks;  // for an AXFR-style answer
    std::string source;           // "IXFR from 192.0.2.1:53", for diagnostics
  };
  enum class status {
    more,         // feed the next message
    current,      // a single SOA: the primary has nothing newer for us
    incremental,  // take_changes()
    full,         // an AXFR-style answer: build()
    failed,       // error()
  };

  explicit ixfr_reader(settings s);
  ~ixfr_reader();
  ixfr_reader(const ixfr_reader&) = delete;
  ixfr_reader& operator=(const ixfr_reader&) = delete;

  // Reads the next message (`now`: seconds since the epoch, for TSIG). After the answer ended,
  // every further message fails.
  status add(std::span<const std::uint8_t> message, std::uint64_t now);
  const std::string& error() const noexcept { return error_; }
  // The primary's serial (its first SOA).
  std::uint32_t serial() const noexcept { return serial_; }
  std::uint64_t bytes() const noexcept { return bytes_; }
  std::size_t records() const noexcept;

  // After incremental: the changes in order (removed[0] and added[0] their SOAs, as in the
  // journal), the first from our serial, the last to serial().
  std::vector<zones::zone_change> take_changes() { return std::move(changes_); }
  // After full: the zone checked as an AXFR's (nullptr when the checks refuse it).
  std::shared_ptr<const zones::zone> build(std::vector<zones::diagnostic>& diagnostics);

 private:
  enum class form { unknown, incremental, full };
  // Where the next record of an incremental answer belongs.
  enum class expect { old_soa, deleted, added, nothing };
  struct held {
    std::vector<std::uint8_t> wire;
    dns::message decoded;
  };

  status fail(std::string why);
  // Decides the form from the messages held; feeds them on once it is known.
  status classify(std::uint64_t now);
  status add_incremental(std::span<const std::uint8_t> wire, const dns::message& m,
                         std::uint64_t now);
  // One record of an incremental answer; false when it breaks the rules (error_ set).
  bool step(const dns::record& r);

  settings settings_;
  form form_ = form::unknown;
  status state_ = status::more;
  std::string error_;
  std::uint32_t serial_ = 0;
  std::uint64_t bytes_ = 0;
  std::vector<held> held_;
  std::size_t held_answers_ = 0;
  std::unique_ptr<axfr_reader> axfr_;
  // The incremental form.
  std::optional<dns::tsig::response_verifier> verifier_;
  std::size_t messages_ = 0;  // read as incremental
  std::size_t records_ = 0;
  expect expect_ = expect::old_soa;
  std::uint32_t at_serial_ = 0;  // where the changes read so far lead
  zones::zone_change change_;
  std::vector<zones::zone_change> changes_;
};

}  // namespace dnskit::nameserver
