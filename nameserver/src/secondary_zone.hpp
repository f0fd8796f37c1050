#pragma once
// One secondary zone on the control thread (RFC 1035 §3.3.13, §4.3.5; RFC 1996): the copy it
// serves, the refresh, retry and expire timers its SOA sets, the refreshes that NOTIFY and
// SIGHUP start, and its file. Everything runs on one io_context (the server's control thread),
// so nothing here takes a lock; the query workers only ever see the zone sets the server
// publishes from served().
//
//   start:    the copy in FILE, if it loads and passes the zone checks, is served at once, with
//             its expire counted from the file's modification time (each successful refresh
//             touches it); then the primary is asked.
//   refresh:  SOA query, then IXFR when the primary's serial is newer, AXFR when there is no
//             copy or the IXFR fails (secondary_client.hpp). On a new version: its differences
//             from the copy held (the IXFR's, or worked out after an AXFR) appended to FILE.jnl
//             and to the history this server answers IXFR from, the version served, written to
//             FILE atomically, the server told (it publishes the zone and sends NOTIFY to this
//             zone's own secondaries); next refresh after REFRESH. On "current" (or an older serial, logged): next refresh after REFRESH, the
//             expire timer starts again. On any failure: one log line, the copy served stays,
//             next try after RETRY.
//   expire:   EXPIRE seconds without a successful refresh: the copy is no longer served (the
//             responder answers SERVFAIL for the zone) until a refresh succeeds.
//   NOTIFY:   a refresh now; one arriving during a refresh makes another follow it.
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "dnskit/dns/name.hpp"
#include "dnskit/dns/tsig.hpp"
#include "dnskit/zones/journal.hpp"
#include "dnskit/zones/loader.hpp"
#include "dnskit/zones/zone.hpp"
#include "secondary_client.hpp"
#include "server_asio.hpp"

namespace dnskit::nameserver {

struct secondary_settings {
  dns::name origin;
  std::filesystem::path file;
  asio::ip::tcp::endpoint primary;
  std::string primary_text;  // "192.0.2.1:53"
  std::optional<dns::tsig::key> key;
  zones::load_options load;  // how FILE is read and checked (checks also apply to transfers)
  std::chrono::milliseconds io_timeout{10'000};  // tcp-idle-timeout
  std::chrono::milliseconds max_time{3'600'000};  // axfr-max-time
  zones::journal_limits journal;  // of FILE.jnl and the history kept for IXFR out
};

// What /status shows of a secondary zone; a copy, safe to read on any thread.
struct secondary_zone_status {
  std::string origin;
  std::string file;
  std::string primary;
  std::optional<std::uint32_t> serial;  // of the copy held (served unless expired)
  std::optional<std::uint32_t> records;
  // "serving", "expired" (held, answered SERVFAIL) or "no copy" (nothing yet)
  std::string state = "no copy";
  // The last refresh that ended, and how: "transferred", "current", "older serial at the
  // primary", or "failed: why" / "rejected: why".
  std::optional<std::chrono::system_clock::time_point> last_refresh;
  std::string last_refresh_result;
  // When the copy expires (or expired) without a successful refresh (RFC 1035 §3.3.13).
  std::optional<std::chrono::system_clock::time_point> expires_at;
};

class secondary_zone : public std::enable_shared_from_this<secondary_zone> {
 public:
  // Called on the control thread whenever served() changed; `transferred` when it is a new
  // version from the primary (the server then sends NOTIFY on).
  using changed_handler = std::function<void(bool transferred)>;

  secondary_zone(asio::io_context& io, secondary_settings settings, changed_handler changed);

  // Before start(), on any thread: reads FILE (absent is fine: nothing to serve yet).
  void load_file();
  // The first refresh, now.
  void start();
  // A NOTIFY from the primary (RFC 1996 §3.11), or SIGHUP: a refresh now.
  void refresh_now();
  // Ends timers and any refresh in progress.
  void stop();

  // The copy to serve: nullptr before the first transfer and after expiry.
  std::shared_ptr<const zones::zone> served() const { return expired_ ? nullptr : zone_; }
  // The differences that end at the served copy, for IXFR out (nullptr: none kept).
  std::shared_ptr<const zones::zone_history> history() const {
    return expired_ ? nullptr : history_;
  }
  const dns::name& origin() const noexcept { return settings_.origin; }
  // Thread-safe.
  secondary_zone_status status() const;

 private:
  void refresh();
  void finished(refresh_result result);
  void took_new_version(refresh_result& result);
  // FILE.jnl read back at start: kept when it ends at the copy's serial.
  void load_journal();
  // The differences from `before` (nullptr: no copy before) to the new copy appended to
  // FILE.jnl and the history; failures are logged, and IXFR out then has no history.
  void record_changes(const zones::zone* before, std::vector<zones::zone_change> changes);
  void schedule(std::chrono::seconds after);
  void arm_expire(std::chrono::steady_clock::time_point at);
  void confirmed();  // the primary answered: the copy is good for EXPIRE more seconds
  // The SOA's REFRESH, RETRY and EXPIRE of the copy held (the defaults below without one).
  std::chrono::seconds refresh_interval() const;
  std::chrono::seconds retry_interval() const;
  std::chrono::seconds expire_interval() const;
  std::string serving_text() const;
  // Copies the state into status_ (the control thread; `refresh_result`: a refresh just ended).
  void update_status(std::optional<std::string> refresh_result = std::nullopt);

  asio::io_context& io_;
  secondary_settings settings_;
  changed_handler changed_;
  std::string name_;  // the origin as text, for the log
  std::shared_ptr<const zones::zone> zone_;
  std::shared_ptr<const zones::zone_history> history_;  // ends at zone_'s serial, or nullptr
  bool expired_ = false;
  bool busy_ = false;     // a refresh is running
  bool again_ = false;    // a NOTIFY came during it: refresh once more after it
  bool stopped_ = false;
  asio::steady_timer refresh_timer_;
  asio::steady_timer expire_timer_;
  std::shared_ptr<refresh_connection> connection_;
  std::optional<std::chrono::steady_clock::time_point> expire_at_;
  mutable std::mutex status_mutex_;
  secondary_zone_status status_;  // under status_mutex_
};

}  // namespace dnskit::nameserver
