#pragma once
// Dynamic update (RFC 2136) applied to a zone version: the prerequisites checked (§3.2), the
// update section checked (§3.4.1) and applied (§3.4.2), the SOA serial raised when the update
// did not raise it (§3.6), the result frozen into a new zone. Pure: no I/O, no locks; the
// server serialises the updates of one zone and journals each change before it answers.
#include <memory>
#include <span>
#include <string>

#include "dnskit/dns/record.hpp"
#include "dnskit/dns/rr_type.hpp"
#include "dnskit/zones/checks.hpp"
#include "dnskit/zones/journal.hpp"
#include "dnskit/zones/zone.hpp"

namespace dnskit::zones {

struct update_result {
  dns::rcode rcode = dns::rcode::noerror;
  // The new version when the update changed anything (nullptr otherwise, or on error).
  std::shared_ptr<const zone> updated;
  zone_change change;  // from the old version to the new one (valid with `updated`)
  std::string why;     // for the log when rcode is not NOERROR
};

// Applies the update whose prerequisite section is `prerequisites` and update section is
// `updates` (records as dns::read_record decodes them: class ANY/NONE with empty rdata) to `z`.
// Outcomes: NOTZONE (a name outside the zone), FORMERR (a malformed prerequisite or update
// RR), NXDOMAIN / YXDOMAIN / NXRRSET / YXRRSET (a prerequisite that fails, RFC 2136 §3.2.5),
// REFUSED (a result the zone checks reject), NOERROR.
update_result apply_update(const zone& z, std::span<const dns::record> prerequisites,
                           std::span<const dns::record> updates, const check_options& checks = {});

// `z` with `change` applied (the change's removed records taken out, its added ones put in):
// the journal replayed over the zone file at start. nullptr (and `why`) when the change does
// not start at z's serial or the result does not load.
std::shared_ptr<const zone> apply_change(const zone& z, const zone_change& change,
                                         std::string& why);

// `z` with a difference from a primary applied (IXFR in, RFC 1995 §4): as apply_change, but
// every removed record must be in `z` (owner, type, rdata) and no added one may be, the result
// must pass `checks` and have the change's new serial. nullptr (and `why`) otherwise: the
// primary's history does not continue our version, and the caller transfers the whole zone.
std::shared_ptr<const zone> apply_transferred_change(const zone& z, const zone_change& change,
                                                     const check_options& checks,
                                                     std::string& why);

}  // namespace dnskit::zones
