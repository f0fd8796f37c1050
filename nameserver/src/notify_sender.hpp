#pragma once
// NOTIFY (RFC 1996) to secondaries: after a reload changed a zone's serial, each configured
// secondary gets a NOTIFY over UDP and answers it; without an answer the NOTIFY is sent again,
// a bounded number of times with a growing interval (§3.6), then given up (and logged).
#include <chrono>
#include <cstdint>
#include <memory>
#include <random>
#include <vector>

#include "dnskit/dns/name.hpp"
#include "dnskit/nameserver/config.hpp"
#include "server_asio.hpp"

namespace dnskit::nameserver {

struct notify_settings {
  unsigned attempts = 5;
  std::chrono::milliseconds first_timeout{1000};  // doubled after each unanswered try
};

class notify_sender {
 public:
  explicit notify_sender(asio::io_context& io, notify_settings settings = {});
  ~notify_sender();  // NOLINT(bugprone-exception-escape): see the definition

  // Sends NOTIFY for `zone` (serial for the log) to each target. Runs on the io_context.
  void notify(const dns::name& zone, std::uint32_t serial, const std::vector<endpoint_spec>& targets);
  // Abandons every NOTIFY still waiting for an answer.
  void cancel();

  struct operation;

 private:
  asio::io_context& io_;
  notify_settings settings_;
  std::mt19937 random_;
  std::vector<std::weak_ptr<operation>> operations_;
};

}  // namespace dnskit::nameserver
