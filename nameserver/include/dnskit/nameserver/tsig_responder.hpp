#pragma once
// TSIG around the query processor (RFC 8945 §5.2-5.3): a signed request is verified before
// respond() sees it and its answer is signed after; a request that fails is answered here.
//   - no TSIG: respond() as always, nothing signed;
//   - TSIG not the last record, twice, malformed, or a MAC size out of bounds: FORMERR with the
//     question, no TSIG (§5.2, §5.2.2.1);
//   - unknown key (or another algorithm than the key's): NOTAUTH, TSIG error BADKEY, no MAC;
//     a MAC that does not verify: NOTAUTH, BADSIG, no MAC; a truncated MAC we do not accept:
//     NOTAUTH, BADTRUNC, no MAC (§5.3.2); a time outside Time Signed ± Fudge: NOTAUTH, BADTIME,
//     signed, our time in Other Data (§5.2.3). None of these answers carries any zone data;
//   - verified: respond() with client.tsig_key set (an allow-transfer `key:NAME` admits it) and
//     room kept for the TSIG record, which is then added, signed with the request's MAC (§4.3).
// A transfer (outcome::action::transfer) is signed message by message by the caller, with a
// dns::tsig::response_signer made from `state` (transfer_signer in the server).
#include <cstdint>
#include <span>

#include "dnskit/dns/tsig.hpp"
#include "dnskit/nameserver/request.hpp"
#include "dnskit/nameserver/responder.hpp"

namespace dnskit::nameserver {

// `now`: seconds since the epoch. `state` receives the verification's outcome and what signing
// the answers needs; it must outlive the transfer that follows, if any. Never throws on any
// input; the unsigned path allocates nothing.
outcome respond_with_tsig(const responder& r, std::span<const std::uint8_t> query,
                          request_info client, const zones::zone_set& zones, scratch& work,
                          std::span<std::uint8_t> out, std::uint64_t now,
                          dns::tsig::request_state& state);

}  // namespace dnskit::nameserver
