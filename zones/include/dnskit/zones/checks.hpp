#pragma once
// What a zone must satisfy to be loaded. Each check is an error (the zone is not loaded), a
// warning (reported, the zone loads) or "strict": an error only under check_level::strict, a
// warning by default. At the default level (check_level::bind) a zone is refused exactly where
// `named-checkzone -i local` (BIND 9.18) refuses it; the checks where we are stricter than BIND
// are the strict ones. docs/zone-checks.md has the table of every check: message, severity, BIND's
// verdict and the RFC behind it; tests/zones/data/checks/ holds one zone file per check, compared
// with named-checkzone by tests/zones/named_checkzone_diff.sh.
#include <cstdint>

namespace dnskit::zones {

enum class check_level : std::uint8_t {
  bind,    // refuse a zone where named-checkzone -i local refuses it (the default)
  strict,  // also refuse it on every stricter check (glueless delegations, MX to CNAME, ...)
};

struct check_options {
  check_level level = check_level::bind;
  bool warn_ttl_mismatch = true;
  bool warn_cname_targets = true;    // MX/SRV targets that are CNAMEs or below a DNAME
  bool warn_missing_address = true;  // in-zone MX/SRV targets without A/AAAA
  bool warn_occluded = true;         // data below a delegation or a DNAME
  // A signed zone's RRSIGs, NSEC/NSEC3 chains, NSEC3PARAM and DNSKEY (zone_checks_dnssec.cpp).
  bool check_dnssec = true;
  // The time RRSIG validity periods are checked against, in seconds since the epoch; -1: now.
  std::int64_t now = -1;
  // Reported diagnostics are bounded; the counts beyond are summarised in one last message.
  std::uint32_t max_diagnostics = 100;
};

}  // namespace dnskit::zones
