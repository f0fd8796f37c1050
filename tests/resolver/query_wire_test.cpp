// The resolver writes its queries itself (query_wire.cpp): the bytes must be exactly what
// dns::encode makes of the same query, for every combination of the per-query options.
#include <catch2/catch.hpp>

#include "query_wire.hpp"

using namespace dnskit;
using resolver::detail::query_params;

namespace {

std::vector<std::uint8_t> reference(std::uint16_t id, const dns::name& qname, const query_params& p) {
  dns::message m = dns::make_query(id, qname, p.type, p.qclass, p.recursion_desired, p.edns);
  m.hdr.cd = p.checking_disabled;
  return dns::encode(m);
}

std::vector<std::uint8_t> written(std::uint16_t id, const dns::name& qname, const query_params& p) {
  resolver::detail::query_buffer buffer;
  const std::size_t n = resolver::detail::write_query(buffer, id, qname, p);
  return {buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(n)};
}

}  // namespace

TEST_CASE("write_query writes what dns::encode writes", "[unit]") {
  const std::string longest = std::string(63, 'a') + "." + std::string(63, 'b') + "." + std::string(63, 'c') +
                              "." + std::string(61, 'd') + ".";
  for (const char* text : {".", "example.test.", "www.Example.TEST.", longest.c_str()}) {
    const dns::name qname = dns::name::from_text(text);
    for (int variant = 0; variant < 16; ++variant) {
      query_params p;
      p.type = variant % 2 ? dns::rr_type::aaaa : dns::rr_type::txt;
      p.qclass = variant % 3 ? dns::rr_class::in : dns::rr_class::ch;
      p.recursion_desired = (variant & 2) != 0;
      p.checking_disabled = (variant & 4) != 0;
      if (variant & 8) {
        dns::edns e;
        e.udp_payload_size = static_cast<std::uint16_t>(512 + variant * 100);
        e.dnssec_ok = (variant & 1) != 0;
        p.edns = e;
      }
      INFO(text << " variant " << variant);
      const auto id = static_cast<std::uint16_t>(0xbeef + variant);
      CHECK(written(id, qname, p) == reference(id, qname, p));
    }
  }
}
