#pragma once
// The records of an incremental transfer (RFC 1995 §4) from the zone's journal history.
#include <cstdint>
#include <optional>
#include <vector>

#include "dnskit/dns/record.hpp"
#include "dnskit/zones/zone.hpp"
#include "dnskit/zones/zone_set.hpp"

namespace dnskit::nameserver::detail {

// The answer records of an IXFR from `client_serial` to the current version of `z`, condensed
// into one difference (RFC 1995 §4: current SOA, the client's SOA, the records removed, the
// current SOA, the records added, the current SOA). nullopt when the zone keeps no history
// that reaches back to `client_serial` (the caller then sends the zone in the AXFR form).
// Allocates: transfers are not the per-query path.
std::optional<std::vector<dns::record>> ixfr_records(const zones::zone_set& zones,
                                                     const zones::zone& z,
                                                     std::uint32_t client_serial);

// A record of a zone_change as the message writer takes it (views into `r`).
zones::record_ref as_record_ref(const dns::record& r) noexcept;

}  // namespace dnskit::nameserver::detail
