#include <catch2/catch.hpp>

#include "dnskit/dns/errc.hpp"
#include "dnskit/dns/rr_type.hpp"

using namespace dnskit::dns;

TEST_CASE("rr_type: mnemonics both ways and RFC 3597 TYPEnnn", "[unit]") {
  CHECK(to_string(rr_type::a) == "A");
  CHECK(to_string(rr_type::nsec3param) == "NSEC3PARAM");
  CHECK(to_string(rr_type::nsap_ptr) == "NSAP-PTR");
  CHECK(to_string(rr_type::https) == "HTTPS");
  CHECK(to_string(rr_type::caa) == "CAA");
  CHECK(to_string(static_cast<rr_type>(65280)) == "TYPE65280");
  CHECK(to_string(static_cast<rr_type>(0)) == "TYPE0");
  CHECK(rr_type_from_string("aaaa") == rr_type::aaaa);
  CHECK(rr_type_from_string("Svcb") == rr_type::svcb);
  CHECK(rr_type_from_string("TYPE1") == rr_type::a);
  CHECK(rr_type_from_string("type65535") == static_cast<rr_type>(65535));
  CHECK_FALSE(rr_type_from_string("TYPE65536"));
  CHECK_FALSE(rr_type_from_string("TYPE"));
  CHECK_FALSE(rr_type_from_string("TYPE-1"));
  CHECK_FALSE(rr_type_from_string("AAAAA"));
  CHECK_FALSE(rr_type_from_string(""));
  // Every named type survives the round trip.
  for (unsigned v = 0; v <= 0xFFFF; ++v) {
    auto t = static_cast<rr_type>(v);
    auto back = rr_type_from_string(to_string(t));
    REQUIRE(back);
    REQUIRE(*back == t);
  }
}

TEST_CASE("rr_class, opcode and rcode names", "[unit]") {
  CHECK(to_string(rr_class::in) == "IN");
  CHECK(to_string(rr_class::ch) == "CH");
  CHECK(to_string(rr_class::any) == "ANY");
  CHECK(to_string(static_cast<rr_class>(42)) == "CLASS42");
  CHECK(rr_class_from_string("in") == rr_class::in);
  CHECK(rr_class_from_string("CHAOS") == rr_class::ch);
  CHECK(rr_class_from_string("CLASS1") == rr_class::in);
  CHECK_FALSE(rr_class_from_string("INET"));
  CHECK(to_string(opcode::notify) == "NOTIFY");
  CHECK(to_string(static_cast<opcode>(9)) == "9");
  CHECK(to_string(rcode::nxdomain) == "NXDOMAIN");
  CHECK(to_string(rcode::badvers) == "BADVERS");
  CHECK(to_string(static_cast<rcode>(23)) == "BADCOOKIE");
  CHECK(to_string(static_cast<rcode>(24)) == "RCODE24");
  CHECK(is_meta_type(rr_type::opt));
  CHECK(is_meta_type(rr_type::axfr));
  CHECK(is_meta_type(rr_type::any));
  CHECK_FALSE(is_meta_type(rr_type::a));
  CHECK_FALSE(is_meta_type(rr_type::uri));
}

TEST_CASE("errc: every code has its own message in the dnskit.dns category", "[unit]") {
  std::error_code ec = errc::bad_pointer;
  CHECK(ec.category().name() == std::string("dnskit.dns"));
  CHECK(ec.message().find("pointer") != std::string::npos);
  CHECK(std::error_code(errc::label_too_long).message() != std::error_code(errc::name_too_long).message());
  CHECK(std::error_code(999, category()).message() == "unknown dnskit.dns error 999");
  for (int v = 1; v <= static_cast<int>(errc::no_space); ++v) {
    CHECK(std::error_code(v, category()).message().find("unknown dnskit.dns error") == std::string::npos);
  }
}
