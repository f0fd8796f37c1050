// Transfer access lists (RFC 5936 §5): CIDR parsing and matching.
#include <catch2/catch.hpp>

#include "dnskit/nameserver/acl.hpp"

using dnskit::nameserver::acl;
using dnskit::nameserver::request_info;
using dnskit::nameserver::transport;

namespace {

request_info v4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) {
  return request_info::v4(transport::tcp, {a, b, c, d});
}

request_info v6(std::initializer_list<std::uint8_t> bytes) {
  std::array<std::uint8_t, 16> a{};
  std::size_t i = 0;
  for (auto b : bytes) a[i++] = b;
  return request_info::v6(transport::tcp, a);
}

}  // namespace

TEST_CASE("the default transfer list is loopback only", "[unit]") {
  const acl l = acl::loopback();
  CHECK(l.allows(v4(127, 0, 0, 1)));
  CHECK(l.allows(v4(127, 255, 3, 9)));
  CHECK_FALSE(l.allows(v4(128, 0, 0, 1)));
  CHECK_FALSE(l.allows(v4(10, 0, 0, 1)));
  CHECK(l.allows(v6({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1})));
  CHECK_FALSE(l.allows(v6({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2})));
  // A dual-stack socket reports 127.0.0.1 as ::ffff:127.0.0.1.
  CHECK(l.allows(v6({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 127, 0, 0, 1})));
  CHECK_FALSE(l.allows(v6({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 192, 0, 2, 1})));
  CHECK_FALSE(acl{}.allows(v4(127, 0, 0, 1)));
}

TEST_CASE("prefixes of any length match their bits", "[unit]") {
  acl l;
  std::string error;
  REQUIRE(acl::parse({"192.0.2.0/25", "2001:db8::/33", "198.51.100.7", "0.0.0.0/0"}, l, error));
  CHECK(l.size() == 4);
  CHECK(l.allows(v4(1, 2, 3, 4)));  // /0 admits every IPv4 address
  acl m;
  REQUIRE(acl::parse({"192.0.2.0/25", "2001:db8::/33", "198.51.100.7"}, m, error));
  CHECK(m.allows(v4(192, 0, 2, 127)));
  CHECK_FALSE(m.allows(v4(192, 0, 2, 128)));
  CHECK(m.allows(v4(198, 51, 100, 7)));
  CHECK_FALSE(m.allows(v4(198, 51, 100, 8)));
  CHECK(m.allows(v6({0x20, 0x01, 0x0d, 0xb8, 0x7f, 0xff})));
  CHECK_FALSE(m.allows(v6({0x20, 0x01, 0x0d, 0xb8, 0x80, 0x00})));
}

TEST_CASE("bad prefixes are rejected with a message", "[unit]") {
  acl l;
  std::string error;
  for (const char* bad : {"10.0.0.0/33", "::/129", "10.0.0/8", "", "10.0.0.0/", "10.0.0.0/x",
                          "fe80::1::2", "host.example", "10.0.0.0/8/8"}) {
    INFO(bad);
    error.clear();
    CHECK_FALSE(l.add(bad, error));
    CHECK_FALSE(error.empty());
  }
  CHECK(l.empty());
}
