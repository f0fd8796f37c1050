#pragma once
// What a zone must satisfy to be loaded, checked as named-checkzone (BIND 9.18) does. Errors
// reject the zone; warnings are reported and the zone loads.
//
// Errors:
//  - no SOA at the apex, more than one SOA, or an SOA anywhere else ("SOA not at top of zone");
//  - no NS at the apex;
//  - a CNAME beside other data, or more than one CNAME (RFC 1034 §3.6.2, RFC 2181 §10.1);
//    RRSIG/NSEC beside a CNAME are allowed (RFC 4035 §2.5); a CNAME at the apex is always beside
//    the SOA; more than one DNAME at one name (RFC 6672 §2.4);
//  - a record outside the origin, or of another class than the SOA's;
//  - an NS target at or below the origin without an A or AAAA record (missing glue when the
//    target is below a delegation; BIND's check-integrity fails on both), or an NS target that
//    is a CNAME (RFC 2181 §10.3; BIND fails on it too).
// Warnings:
//  - RRsets whose records have differing TTLs (RFC 2181 §5.2): the first record's TTL is used
//    for the whole set, as BIND does ("TTL set to prior TTL");
//  - MX and SRV targets that are CNAMEs (RFC 2181 §10.3; BIND's check-mx-cname/check-srv-cname
//    default to warn), and in-zone MX/SRV targets without an A or AAAA record;
//  - data below a delegation other than address records (glue), and data below a DNAME: BIND
//    accepts it silently and never serves it; we accept it too (validity agrees with
//    named-checkzone) but say that it is occluded;
//  - exact duplicate records are dropped silently (RFC 2181 §5).
#include <cstdint>

namespace dnskit::zones {

struct check_options {
  bool warn_ttl_mismatch = true;
  bool warn_cname_targets = true;    // MX/SRV targets that are CNAMEs
  bool warn_missing_address = true;  // in-zone MX/SRV targets without A/AAAA
  bool warn_occluded = true;         // data below a delegation or a DNAME
  // Reported diagnostics are bounded; the counts beyond are summarised in one last message.
  std::uint32_t max_diagnostics = 100;
};

}  // namespace dnskit::zones
