#pragma once
// A server under test: started as a child process, ready once it prints a stderr line holding
// `ready` followed by the addresses it bound ("ready 127.0.0.1:40213 [::1]:40213"), stopped by
// a signal to its PID. The `nameserver` binary prints exactly that; any test server that
// follows the same convention can use this.
#include <chrono>
#include <csignal>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "dnskit_test/process.hpp"

namespace dnskit::test {

struct bound_address {
  std::string address;  // without brackets
  std::uint16_t port = 0;
  bool ipv6 = false;
};

// Parses the ADDR:PORT / [ADDR]:PORT words after "ready" in `line`.
std::vector<bound_address> parse_ready_line(std::string_view line);

class server_process {
 public:
  // Starts `program args...` and waits for its ready line. nullptr on failure, with `error`
  // holding the reason and the server's stderr.
  static std::unique_ptr<server_process> start(const std::filesystem::path& program,
                                               const std::vector<std::string>& args,
                                               std::string& error,
                                               std::chrono::milliseconds timeout = std::chrono::seconds(20));

  child_process& process() noexcept { return *process_; }
  const std::vector<bound_address>& addresses() const noexcept { return addresses_; }
  // The first bound address's port (loopback tests bind one address).
  std::uint16_t port() const noexcept { return addresses_.empty() ? 0 : addresses_.front().port; }
  std::string stderr_text() const { return process_->stderr_text(); }

  // Sends `sig` and waits for the exit status (std::nullopt on timeout).
  std::optional<int> stop(int sig = SIGTERM, std::chrono::milliseconds timeout = std::chrono::seconds(10));

 private:
  std::unique_ptr<child_process> process_;
  std::vector<bound_address> addresses_;
};

}  // namespace dnskit::test
