#pragma once
// The responder's side of dynamic update (RFC 2136 §3): the checks it can make alone (zone
// section, zone, access list), then the update_handler; the answer echoes the zone section.
#include <cstddef>
#include <cstdint>
#include <span>

#include "dnskit/nameserver/responder.hpp"
#include "responder_message.hpp"
#include "responder_query.hpp"

namespace dnskit::nameserver::detail {

inline constexpr std::uint8_t opcode_update = static_cast<std::uint8_t>(dns::opcode::update);

// Answers the UPDATE `query` (parsed as `q`) into `out`; returns the size written and sets
// `rcode`. See responder.hpp for the rules.
std::size_t answer_update(const responder_options& options, std::span<const std::uint8_t> query,
                          const query_view& q, const opt_reply& opt, std::size_t limit,
                          const request_info& client, const zones::zone_set& zones,
                          std::span<std::uint8_t> out, dns::rcode& rcode);

}  // namespace dnskit::nameserver::detail
