#pragma once
// Private: the checks of a secondary zone's settings (config.hpp zone_config::primary and
// primary_key) that need the TSIG keys.
#include <string>

#include "dnskit/dns/tsig.hpp"
#include "dnskit/nameserver/config.hpp"

namespace dnskit::nameserver::detail {

// The primary is "ADDR:PORT" with a numeric address and its key, if any, one of `keys`; a
// secondary zone needs a file to keep its copy in. One-line `error` naming the zone.
bool check_secondary_source(const zone_config& zone, const dns::tsig::keyring& keys,
                            std::string& error);

}  // namespace dnskit::nameserver::detail
