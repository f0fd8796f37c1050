#pragma once
// NOTIFY (RFC 1996) to secondaries: after a reload changed a zone's serial, each configured
// secondary gets a NOTIFY over UDP carrying the zone's new SOA in the answer section (§3.7: a
// secondary may skip its SOA query when the serial says it is current) and answers it; without
// an answer the NOTIFY is sent again, a bounded number of times with a doubling interval (§3.6),
// then given up. Each answer is logged: the secondary's address, the serial and the key.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <vector>

#include "dnskit/dns/name.hpp"
#include "dnskit/dns/record.hpp"
#include "dnskit/dns/tsig.hpp"
#include "dnskit/nameserver/config.hpp"
#include "server_asio.hpp"
#include "server_metrics.hpp"

namespace dnskit::nameserver {

// A secondary to NOTIFY, and the TSIG key to sign the NOTIFY with (RFC 8945), if any.
struct notify_target {
  endpoint_spec at;
  std::optional<dns::tsig::key> key;
};

struct notify_settings {
  unsigned attempts = 5;
  std::chrono::milliseconds first_timeout{1000};  // doubled after each unanswered try
};

class notify_sender {
 public:
  explicit notify_sender(asio::io_context& io, notify_settings settings = {});
  ~notify_sender();  // NOLINT(bugprone-exception-escape): see the definition

  // Sends NOTIFY for the zone whose apex SOA is `soa` to each target. Runs on the io_context.
  // A target with a key gets a signed NOTIFY, and its answer is checked against that key.
  void notify(const dns::record& soa, const std::vector<notify_target>& targets);
  // Abandons every NOTIFY still waiting for an answer.
  void cancel();
  // Sent, acknowledged and failed so far (read from any thread).
  const notify_counters& counters() const noexcept { return counters_; }

  struct operation;

 private:
  asio::io_context& io_;
  notify_settings settings_;
  std::mt19937 random_;
  std::vector<std::weak_ptr<operation>> operations_;
  notify_counters counters_;
};

}  // namespace dnskit::nameserver
