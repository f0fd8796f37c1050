#pragma once
// A secondary's side of one refresh (RFC 1035 §4.3.5, RFC 1995, RFC 5936): one TCP connection
// to the primary, the SOA query first, and when the primary's serial is newer than ours
// (RFC 1982) an IXFR on the same connection (RFC 7766 §6.2.1 allows several queries per
// connection) when we hold a copy, its differences applied to that copy (secondary_ixfr.hpp);
// when there is no copy, or the IXFR fails in any way (an error rcode, a broken or mismatched
// sequence, a connection error), an AXFR on a new connection, read into a checked zone
// (secondary_axfr.hpp). Nothing of a failed IXFR is kept: its changes apply all or none. Each
// read and write must finish within `io_timeout` and the whole refresh within `max_time`: a
// primary that stalls is cut off.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "dnskit/dns/name.hpp"
#include "dnskit/dns/tsig.hpp"
#include "dnskit/zones/checks.hpp"
#include "dnskit/zones/diagnostic.hpp"
#include "dnskit/zones/journal.hpp"
#include "dnskit/zones/zone.hpp"
#include "server_asio.hpp"

namespace dnskit::nameserver {

struct refresh_request {
  dns::name origin;
  asio::ip::tcp::endpoint primary;
  std::string primary_text;                // "192.0.2.1:53", for diagnostics
  std::optional<dns::tsig::key> key;       // signs both queries; the answers must verify
  std::optional<std::uint32_t> our_serial; // none: transfer whatever the primary has
  // The copy held (with our_serial): IXFR asks for the differences from it.
  std::shared_ptr<const zones::zone> current;
  std::chrono::milliseconds io_timeout{10'000};
  std::chrono::milliseconds max_time{3'600'000};
  std::uint64_t max_bytes = 0;  // the transfer's messages together; 0: no bound
  zones::check_options checks;
};

struct refresh_result {
  enum class kind {
    failed,       // no answer, a broken answer or a broken transfer: `error` says which
    current,      // the primary has our serial
    older,        // the primary's serial is older than ours (RFC 1982): nothing taken
    transferred,  // `zone` is the primary's new version, checked
    rejected,     // transferred but refused by the zone checks (`diagnostics`)
  };
  kind what = kind::failed;
  std::uint32_t primary_serial = 0;
  std::shared_ptr<const zones::zone> zone;
  std::string error;
  std::vector<zones::diagnostic> diagnostics;
  std::size_t records = 0;
  std::uint64_t bytes = 0;
  std::chrono::milliseconds took{0};
  // transferred by IXFR: the differences applied to request.current, in order, from its serial
  // to the new one (each with its SOAs, as in the journal). Empty after an AXFR.
  std::vector<zones::zone_change> changes;
  bool incremental = false;  // the IXFR's differences (not an AXFR-style answer) made `zone`
  bool axfr_style = false;   // the IXFR was answered with the whole zone (RFC 1995 §4)
  std::string why_axfr;      // why an AXFR was asked for ("no copy yet", "IXFR: why")
};

// The connection of a refresh in progress; abort() ends it at once (server stopping).
class refresh_connection : public std::enable_shared_from_this<refresh_connection> {
 public:
  explicit refresh_connection(asio::io_context& io) : socket_(io), timer_(io) {}
  void abort();
  // Closes the connection (and its timer) so that the next connect opens a new one: the AXFR
  // after a failed IXFR. Nothing once aborted.
  void reopen();

  // --- used by refresh() ---
  asio::ip::tcp::socket& socket() noexcept { return socket_; }
  // The next operation must finish by min(now + io_timeout, the refresh's deadline).
  void arm(std::chrono::milliseconds io_timeout);
  void set_deadline(std::chrono::steady_clock::time_point d) noexcept { deadline_ = d; }
  bool timed_out() const noexcept { return timed_out_; }
  bool aborted() const noexcept { return aborted_; }

 private:
  asio::ip::tcp::socket socket_;
  asio::steady_timer timer_;
  std::chrono::steady_clock::time_point deadline_ = std::chrono::steady_clock::time_point::max();
  bool timed_out_ = false;
  bool aborted_ = false;
};

// Runs one refresh on `connection` (on its io_context). Never throws: every failure is a
// refresh_result of kind failed with a one-line error.
asio::awaitable<refresh_result> refresh(std::shared_ptr<refresh_connection> connection,
                                        refresh_request request);

}  // namespace dnskit::nameserver
