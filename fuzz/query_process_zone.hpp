#pragma once
// The zone the query_process fuzz target answers from, shared with the test that replays its
// corpus at a running server (tests/nameserver/abuse_fuzz_replay_test.cpp), so both reach the
// same code paths: CNAME chains and loops, wildcards, DNAME, a delegation with glue, a large
// RRset, an empty non-terminal.
#include <string>

namespace dnskit::fuzz {

inline std::string query_process_zone_text() {
  std::string text =
      "$ORIGIN example.test.\n$TTL 3600\n"
      "@ SOA ns1 hostmaster 2024010101 7200 3600 1209600 300\n"
      "@ NS ns1\n@ NS ns2\n@ MX 10 mail\n@ TXT \"v=spf1 -all\"\n"
      "ns1 A 192.0.2.1\nns2 AAAA 2001:db8::2\nwww A 192.0.2.10\nwww AAAA 2001:db8::10\n"
      "mail A 192.0.2.20\nalias CNAME www\nchain CNAME alias\nout CNAME www.example.org.\n"
      "loop1 CNAME loop2\nloop2 CNAME loop1\n*.wild A 192.0.2.99\n*.wild TXT \"wild\"\n"
      "dn DNAME example.test.\nsub NS ns.sub\nsub NS ns.example.org.\nns.sub A 192.0.2.53\n"
      "_sip._tcp SRV 0 5 5060 www\ndeep.ent.here A 192.0.2.77\n";
  for (int i = 1; i <= 80; ++i) text += "many A 198.51.100." + std::to_string(i) + "\n";
  return text;
}

}  // namespace dnskit::fuzz
