#pragma once
// The server side of a TSIG exchange as a test plays it (RFC 8945 §5.3): a response message
// given its TSIG record, signed for the request it answers.
#include <cstddef>
#include <cstdint>
#include <system_error>
#include <vector>

#include "dnskit/dns/tsig.hpp"

namespace dnskit::test {

// Appends to `response` the TSIG record signed for `request` at `now` (seconds since the
// epoch). On error `response` is left as it was.
inline std::error_code append_response_tsig(const dns::tsig::request_state& request,
                                            std::vector<std::uint8_t>& response, std::uint64_t now) {
  dns::tsig::response_signer signer(request);
  std::size_t size = response.size();
  response.resize(size + signer.record_size());
  const auto error = signer.sign(response, size, now);
  response.resize(error ? response.size() - signer.record_size() : size);
  return error;
}

}  // namespace dnskit::test
