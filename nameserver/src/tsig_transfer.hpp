#pragma once
// Signs the messages of a zone transfer answering a TSIG-signed request, each one (RFC 8945
// §5.3.1 allows gaps of up to 99; signing all is simplest for every client), chained to the
// previous MAC. Does nothing for an unsigned request.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "dnskit/dns/tsig.hpp"

namespace dnskit::nameserver {

class transfer_signer {
 public:
  void start(const dns::tsig::request_state& request) {
    signer_.reset();
    if (request.outcome == dns::tsig::status::verified) signer_.emplace(request);
  }
  void reset() noexcept { signer_.reset(); }

  // The part of `buffer` the next message may fill, leaving room for its TSIG record.
  std::span<std::uint8_t> room(std::span<std::uint8_t> buffer) const noexcept {
    const std::size_t reserve = signer_ ? signer_->record_size() : 0;
    return buffer.first(buffer.size() > reserve ? buffer.size() - reserve : 0);
  }

  // Adds the TSIG record to the message of `size` bytes in `buffer`; returns the new size (the
  // same when there is nothing to sign, 0 for no message).
  std::size_t sign(std::span<std::uint8_t> buffer, std::size_t size) {
    if (!signer_ || size == 0) return size;
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
        std::chrono::system_clock::now().time_since_epoch());
    (void)signer_->sign(buffer, size, static_cast<std::uint64_t>(now.count()));  // room() kept
    return size;
  }

 private:
  std::optional<dns::tsig::response_signer> signer_;
};

}  // namespace dnskit::nameserver
