#pragma once
// Helpers for the zone data, checks and lookup tests: load a zone from inline text and ask it
// questions, with the sections as canonical text lines ("owner. TTL CLASS TYPE rdata").
#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "dnskit/dns/name.hpp"
#include "dnskit/dns/record.hpp"
#include "dnskit/zones/loader.hpp"
#include "dnskit/zones/lookup.hpp"
#include "dnskit/zones/zone_set.hpp"

namespace zone_test {

using dnskit::dns::name;
using dnskit::dns::rcode;
using dnskit::dns::rr_class;
using dnskit::dns::rr_type;
namespace zones = dnskit::zones;

inline std::vector<std::string> messages(const std::vector<zones::diagnostic>& ds) {
  std::vector<std::string> out;
  for (const auto& d : ds) out.push_back(d.to_string());
  return out;
}

// Loads a zone from text; the test fails (with the diagnostics) when it does not load.
inline std::shared_ptr<const zones::zone> load(std::string_view text, std::string_view origin) {
  auto r = zones::load_zone_text(name::from_text(origin), text, "t.zone");
  INFO(Catch::Detail::stringify(messages(r.diagnostics)));
  REQUIRE(r.ok());
  return r.zone;
}

inline std::vector<std::string> lines(const std::vector<zones::record_ref>& section) {
  std::vector<std::string> out;
  for (const auto& r : section) out.push_back(r.to_record().to_text());
  return out;
}

struct answer {
  rcode code = rcode::noerror;
  bool aa = false;
  zones::answer_kind kind = zones::answer_kind::refused;
  std::vector<std::string> answer, authority, additional;
};

inline answer convert(const zones::lookup_result& r) {
  return answer{r.rcode, r.aa, r.kind, lines(r.answer), lines(r.authority), lines(r.additional)};
}

inline answer ask(const zones::zone& z, std::string_view qname, rr_type qtype,
                  const zones::lookup_options& o = {}, rr_class qclass = rr_class::in) {
  zones::lookup_result r;
  zones::lookup(z, name::from_text(qname), qtype, qclass, r, o);
  return convert(r);
}

inline answer ask(const zones::zone_set& s, std::string_view qname, rr_type qtype,
                  const zones::lookup_options& o = {}, rr_class qclass = rr_class::in) {
  zones::lookup_result r;
  zones::lookup(s, name::from_text(qname), qtype, qclass, r, o);
  return convert(r);
}

using strings = std::vector<std::string>;

// No apex NS in positive answers: the RFCs' own examples show minimal answers.
inline zones::lookup_options minimal() {
  zones::lookup_options o;
  o.authority_ns = false;
  return o;
}

}  // namespace zone_test
