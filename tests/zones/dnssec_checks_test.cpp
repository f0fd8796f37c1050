// The checks of a signed zone (zone_checks_dnssec.cpp): signatures' validity periods, RRsets
// without RRSIG, the NSEC and NSEC3 chains, the NSEC3PARAM, the apex DNSKEY. The signatures
// here are placeholders: the checks look at what RRSIGs cover and when, never at the crypto.
#include <catch2/catch.hpp>

#include "dnskit/zones/parser.hpp"
#include "dnskit/zones/zone_builder.hpp"
#include "zone_test_util.hpp"

using namespace zone_test;

namespace {

constexpr std::int64_t june_2026 = 1780272000;  // 2026-06-01T00:00:00Z

struct checked {
  std::shared_ptr<const zones::zone> zone;
  strings messages;
};

// One record per line, each at its line (column 1), checked at `now`.
checked build(const std::vector<std::string>& lines,
              zones::check_level level = zones::check_level::bind) {
  zones::check_options options;
  options.level = level;
  options.now = june_2026;
  zones::zone_builder b(name::from_text("example."), options);
  std::uint32_t line = 0;
  for (const auto& text : lines) {
    ++line;
    zones::parse_options o;
    o.origin = name::from_text("example.");
    const auto parsed = zones::parse_text(text, "z.zone", o, [&](const dnskit::dns::record& rec) {
      b.add(rec, zones::record_position{"z.zone", line, 1});
    });
    INFO(text);
    REQUIRE(parsed.ok());
  }
  checked c;
  std::vector<zones::diagnostic> ds;
  c.zone = b.build(ds);
  c.messages = messages(ds);
  return c;
}

std::string sig(std::string owner, std::string covered, std::string valid = "20600101000000 20260101000000") {
  return owner + " 3600 IN RRSIG " + covered + " 13 1 3600 " + valid + " 1 example. AAAA";
}

// example., ns1.example., www.example.: data, DNSKEY, an RRSIG over each RRset.
std::vector<std::string> signed_data() {
  return {"@ 3600 IN SOA ns1 hostmaster 1 7200 3600 1209600 300",
          sig("@", "SOA"),
          "@ 3600 IN NS ns1",
          sig("@", "NS"),
          "@ 3600 IN DNSKEY 257 3 13 AAAA",
          sig("@", "DNSKEY"),
          "ns1 3600 IN A 192.0.2.1",
          sig("ns1", "A"),
          "www 3600 IN A 192.0.2.2",
          sig("www", "A")};
}

std::vector<std::string> nsec_zone() {
  auto z = signed_data();
  for (const char* s :
       {"@ 300 IN NSEC ns1.example. NS SOA RRSIG NSEC DNSKEY", "ns1 300 IN NSEC www.example. A RRSIG NSEC",
        "www 300 IN NSEC example. A RRSIG NSEC"})
    z.push_back(s);
  for (const char* o : {"@", "ns1", "www"}) z.push_back(sig(o, "NSEC"));
  return z;
}

// RFC 5155 §5 hashes of the three names, no salt, no extra iteration, in hash order:
// example. 3msev9..., www.example. 9kqnrp..., ns1.example. m1o89l...
std::vector<std::string> nsec3_zone() {
  auto z = signed_data();
  z.push_back("@ 0 IN NSEC3PARAM 1 0 0 -");
  z.push_back(sig("@", "NSEC3PARAM"));
  const std::string apex = "3msev9usmd4br9s97v51r2tdvmr9iqo1", www = "9kqnrpnekplbct2m3k9jh3cljviok2b5",
                    ns1 = "m1o89lfdo9rrf2f8r8ss42d81d09v48m";
  z.push_back(apex + " 300 IN NSEC3 1 0 0 - " + www + " NS SOA RRSIG DNSKEY NSEC3PARAM");
  z.push_back(www + " 300 IN NSEC3 1 0 0 - " + ns1 + " A RRSIG");
  z.push_back(ns1 + " 300 IN NSEC3 1 0 0 - " + apex + " A RRSIG");
  for (const auto& o : {apex, www, ns1}) z.push_back(sig(o, "NSEC3"));
  return z;
}

}  // namespace

TEST_CASE("dnssec checks: complete NSEC and NSEC3 zones load without a word", "[unit]") {
  const auto nsec = build(nsec_zone());
  CHECK(nsec.zone != nullptr);
  CHECK(nsec.messages.empty());
  const auto nsec3 = build(nsec3_zone());
  CHECK(nsec3.zone != nullptr);
  CHECK(nsec3.messages.empty());
}

TEST_CASE("dnssec checks: expired and not yet valid signatures warn once each", "[unit]") {
  auto z = nsec_zone();
  z[7] = sig("ns1", "A", "20260301000000 20260101000000");  // expired in March
  z[9] = sig("www", "A", "20270301000000 20260901000000");  // valid from September
  z.push_back(sig("www", "NSEC", "20260401000000 20260101000000"));
  const auto c = build(z, zones::check_level::strict);
  // Warnings at every level: the verdict on a file must not change with the clock.
  REQUIRE(c.zone != nullptr);
  CHECK(c.messages ==
        strings{"z.zone:8:1: warning: ns1.example/RRSIG A: signature has expired (20260301000000) "
                "(and 1 more)",
                "z.zone:10:1: warning: www.example/RRSIG A: signature is not yet valid "
                "(20260901000000)"});
}

TEST_CASE("dnssec checks: an RRset without RRSIG is a strict check", "[unit]") {
  auto z = nsec_zone();
  z.erase(z.begin() + 9);  // www A's RRSIG
  const auto c = build(z);
  REQUIRE(c.zone != nullptr);
  CHECK(c.messages == strings{"z.zone:9:1: warning: www.example/A: no RRSIG covers it"});
  const auto strict = build(z, zones::check_level::strict);
  CHECK(strict.zone == nullptr);
  CHECK(strict.messages == strings{"z.zone:9:1: error: www.example/A: no RRSIG covers it"});
}

TEST_CASE("dnssec checks: at a zone cut only DS and NSEC need signatures, glue none", "[unit]") {
  auto z = nsec_zone();
  z[11] = "ns1 300 IN NSEC sub.example. A RRSIG NSEC";  // canonical order: ns1, sub, www
  for (const char* s : {"sub 3600 IN NS ns.sub", "ns.sub 3600 IN A 192.0.2.9",
                        "sub 300 IN NSEC www.example. NS RRSIG NSEC"})
    z.push_back(s);
  const auto insecure_unsigned = build(z);
  CHECK(insecure_unsigned.messages ==
        strings{"z.zone:19:1: warning: sub.example/NSEC: no RRSIG covers it",
                "z.zone:19:1: warning: sub.example/NSEC: type bitmap lists NS RRSIG NSEC, the name "
                "has NS NSEC"});
  z.push_back(sig("sub", "NSEC"));
  CHECK(build(z).messages.empty());
}

TEST_CASE("dnssec checks: a broken NSEC chain and a wrong bitmap", "[unit]") {
  auto z = nsec_zone();
  z[11] = "ns1 300 IN NSEC zzz.example. A RRSIG NSEC";
  const auto next = build(z);
  REQUIRE(next.zone != nullptr);
  CHECK(next.messages == strings{"z.zone:12:1: warning: ns1.example/NSEC: next name 'zzz.example' "
                                 "should be 'www.example' (the NSEC chain is broken)"});

  z = nsec_zone();
  z.erase(z.begin() + 11);  // ns1's NSEC
  z.erase(z.begin() + 13);  // and its RRSIG
  const auto missing = build(z, zones::check_level::strict);
  CHECK(missing.zone == nullptr);
  CHECK(missing.messages ==
        strings{"z.zone:7:1: error: ns1.example: no NSEC record (the NSEC chain is broken)",
                "z.zone:11:1: error: example/NSEC: next name 'ns1.example' should be 'www.example' "
                "(the NSEC chain is broken)"});

  z = nsec_zone();
  z[12] = "www 300 IN NSEC example. A MX RRSIG NSEC";
  CHECK(build(z).messages == strings{"z.zone:13:1: warning: www.example/NSEC: type bitmap lists A "
                                     "MX RRSIG NSEC, the name has A RRSIG NSEC"});
}

TEST_CASE("dnssec checks: NSEC3 chain, NSEC3PARAM without a chain, unknown hash", "[unit]") {
  auto z = nsec3_zone();
  z.erase(z.begin() + 13);  // www's NSEC3
  z.erase(z.begin() + 15);  // and its RRSIG
  const auto missing = build(z);
  REQUIRE(missing.zone != nullptr);
  CHECK(missing.messages ==
        strings{"z.zone:9:1: warning: www.example: no NSEC3 record (the NSEC3 chain is broken)",
                "z.zone:13:1: warning: 3msev9usmd4br9s97v51r2tdvmr9iqo1.example/NSEC3: next hashed "
                "owner should be 'm1o89lfdo9rrf2f8r8ss42d81d09v48m' (the NSEC3 chain is broken)"});

  z = nsec3_zone();
  z[10] = "@ 0 IN NSEC3PARAM 1 0 0 ab";  // another salt
  const auto salt = build(z);
  REQUIRE(salt.zone != nullptr);
  CHECK(salt.messages ==
        strings{"z.zone:11:1: warning: example/NSEC3PARAM: no NSEC3 chain has its parameters"});

  z[10] = "@ 0 IN NSEC3PARAM 2 0 0 -";  // BIND refuses a zone whose hash it does not know
  const auto unknown = build(z);
  CHECK(unknown.zone == nullptr);
  CHECK(unknown.messages == strings{"z.zone:11:1: error: example/NSEC3PARAM: no supported NSEC3 "
                                    "hash algorithm (only 1, SHA-1, is defined)"});
}

TEST_CASE("dnssec checks: signed without a DNSKEY at the apex, unsigned zones unchecked", "[unit]") {
  auto z = nsec_zone();
  z[4] = "@ 3600 IN TXT \"no key\"";
  z[5] = sig("@", "TXT");
  z[10] = "@ 300 IN NSEC ns1.example. NS SOA TXT RRSIG NSEC";
  const auto c = build(z);
  REQUIRE(c.zone != nullptr);
  CHECK(c.messages ==
        strings{"z.zone:1:1: warning: zone example/IN: signed, but has no DNSKEY records at the apex"});

  const auto plain = build({"@ 3600 IN SOA ns1 hostmaster 1 7200 3600 1209600 300", "@ 3600 IN NS ns1",
                            "ns1 3600 IN A 192.0.2.1"});
  CHECK(plain.messages.empty());
}
