#pragma once
// Private: the SvcParams field of SVCB/HTTPS (RFC 9460 §2.1-2.2, §7-8) in all its forms.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <system_error>
#include <vector>

#include "dnskit/dns/rdata.hpp"

namespace dnskit::dns::detail {

// Wire form checks: keys strictly increasing, each known key's value well formed, every key in
// "mandatory" present, and "mandatory" not listing itself.
bool valid_svc_params(std::span<const std::uint8_t> data) noexcept;

// Presentation of valid SvcParams as BIND 9.18 prints them ("alpn="h2,h3" port=8443").
void append_svc_params_text(std::span<const std::uint8_t> data, std::string& out);

// Parses tokens[index..] (every remaining token) and appends the wire form, sorted by key.
// On error `index` is the offending token.
std::error_code svc_params_from_text(std::span<const text_token> tokens, std::size_t& index,
                                     rdata_bytes& out);

}  // namespace dnskit::dns::detail
