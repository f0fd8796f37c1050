#pragma once
// The server's secondary zones (zone_config::primary set): made from the configuration, run on
// the control thread, and the server's one view of them: the copies to serve, NOTIFYs to hand
// on, SIGHUP and stop.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "dnskit/dns/tsig.hpp"
#include "dnskit/nameserver/config.hpp"
#include "dnskit/nameserver/request.hpp"
#include "dnskit/nameserver/responder.hpp"
#include "dnskit/zones/zone.hpp"
#include "secondary_zone.hpp"
#include "server_asio.hpp"

namespace dnskit::nameserver {

class secondary_set {
 public:
  // Called when a zone's served copy changed; `transferred`: a new version came in.
  using changed_handler = std::function<void(const zone_config& zone, bool transferred)>;

  // One secondary_zone per secondary in `config` (validate() has checked their settings); keys
  // are looked up in `keys`. The set keeps copies of what it needs: a reload may replace
  // `config` (the secondary zones themselves change only with a restart).
  secondary_set(asio::io_context& io, const server_config& config, const dns::tsig::keyring& keys,
                const changed_handler& changed);

  // What the responder needs: who may NOTIFY which zone (responder_options::secondaries).
  static bool notify_sources(const server_config& config, std::vector<secondary_source>& out,
                             std::string& error);

  bool empty() const noexcept { return zones_.empty(); }
  // At start, before the workers: each zone's copy in its file.
  void load_files();
  void start();
  void refresh_all();  // SIGHUP
  // POST /reload?zone=: a refresh of that zone now; false when it is not a secondary zone here.
  bool refresh(const dns::name& zone);
  // Thread-safe: each zone's state, for /status.
  std::vector<secondary_zone_status> status() const;
  void stop();
  // On the control thread: a NOTIFY the responder accepted (a refresh of that zone) or refused
  // (logged).
  void notified(const dns::name& zone, outcome::notify_verdict verdict, const std::string& from);
  // The copies served now.
  std::vector<std::shared_ptr<const zones::zone>> served() const;
  // Their histories for IXFR out, parallel to served() (nullptr: none kept).
  std::vector<std::shared_ptr<const zones::zone_history>> histories() const;

 private:
  struct entry {
    std::shared_ptr<const zone_config> config;
    std::shared_ptr<secondary_zone> zone;
  };
  std::vector<entry> zones_;
};

}  // namespace dnskit::nameserver
