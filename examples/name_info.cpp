// Parses a domain name, builds a query for it, encodes and decodes that query, and prints it as
// dig would. Usage: name_info [name]   (default www.example.test)
#include <cstdint>
#include <cstdio>
#include <system_error>
#include <vector>

#include <dnskit/dns/message.hpp>
#include <dnskit/dns/name.hpp>
#include <dnskit/dns/print.hpp>

int main(int argc, char** argv) {
  namespace dns = dnskit::dns;
  std::error_code ec;
  const dns::name qname = dns::name::from_text(argc > 1 ? argv[1] : "www.example.test", ec);
  if (ec) {
    std::fprintf(stderr, "bad name: %s\n", ec.message().c_str());
    return 1;
  }
  std::printf("name %s: %zu labels, %zu octets on the wire\n", qname.to_text().c_str(),
              qname.label_count(), qname.wire_size());

  const std::vector<std::uint8_t> wire = dns::encode(dns::make_query(4711, qname, dns::rr_type::a));
  dns::message decoded;
  if (auto err = dns::decode(wire, decoded)) {
    std::fprintf(stderr, "decode failed: %s\n", err.message().c_str());
    return 1;
  }
  std::printf("query of %zu octets:\n%s", wire.size(), dns::to_dig_text(decoded).c_str());
  return 0;
}
