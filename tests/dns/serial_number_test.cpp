// Serial number arithmetic (RFC 1982) on SOA serials.
#include <catch2/catch.hpp>

#include "dnskit/dns/serial_number.hpp"

namespace dns = dnskit::dns;

TEST_CASE("serial_number: RFC 1982 order across the wrap", "[unit]") {
  CHECK(dns::serial_newer(2, 1));
  CHECK_FALSE(dns::serial_newer(1, 2));
  CHECK_FALSE(dns::serial_newer(5, 5));
  CHECK(dns::serial_newer(0, 0xffffffffu));
  CHECK(dns::serial_newer(5, 0xfffffff0u));
  CHECK_FALSE(dns::serial_newer(0xfffffff0u, 5));
  CHECK_FALSE(dns::serial_newer(0x80000000u, 0));  // 2^31 apart: not ordered
  CHECK_FALSE(dns::serial_newer(0, 0x80000000u));
}
