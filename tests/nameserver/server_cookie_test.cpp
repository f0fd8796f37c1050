// RFC 9018 server cookies: the test vectors of RFC 9018 Appendix A, verification with the
// current and the previous secret, the freshness window, and secrets given as hex.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "server_cookie.hpp"

using namespace dnskit;
using namespace dnskit::nameserver;
using detail::cookie_secret;

namespace {

std::vector<std::uint8_t> hex(const std::string& text) {
  std::vector<std::uint8_t> out;
  for (std::size_t i = 0; i + 1 < text.size(); i += 2) {
    out.push_back(static_cast<std::uint8_t>(std::stoi(text.substr(i, 2), nullptr, 16)));
  }
  return out;
}

cookie_secret secret_of(const std::string& text) {
  cookie_secret s{};
  REQUIRE(detail::parse_cookie_secret(text, s));
  return s;
}

std::string hex_of(std::span<const std::uint8_t> bytes) {
  static const char digits[] = "0123456789abcdef";
  std::string out;
  for (const std::uint8_t b : bytes) {
    out += digits[b >> 4];
    out += digits[b & 0x0F];
  }
  return out;
}

const std::string rfc_secret = "e5e973e5a6b2a43f48e7dc849e37bfcf";

}  // namespace

TEST_CASE("server cookies are those of RFC 9018 Appendix A", "[unit]") {
  detail::cookie_hasher hasher;
  const auto secret = secret_of(rfc_secret);
  SECTION("A.1: a new server cookie for an IPv4 client") {
    const auto client = request_info::v4(transport::udp, {198, 51, 100, 100});
    const auto cookie = hasher.make(secret, hex("2464c4abcf10c957"), client, 1559731985);
    CHECK(hex_of(cookie) == "010000005cf79f111f8130c3eee29480");
  }
  SECTION("A.2: the same client half an hour later gets a new one") {
    const auto client = request_info::v4(transport::udp, {198, 51, 100, 100});
    const auto cookie = hasher.make(secret, hex("2464c4abcf10c957"), client, 1559734385);
    CHECK(hex_of(cookie) == "010000005cf7a871d4a564a1442aca77");
  }
  SECTION("A.3: another IPv4 client") {
    const auto client = request_info::v4(transport::udp, {203, 0, 113, 203});
    const auto cookie = hasher.make(secret, hex("fc93fc62807ddb86"), client, 1559734700);
    CHECK(hex_of(cookie) == "010000005cf7a9acf73a7810aca2381e");
  }
  SECTION("A.3: the cookie it sent, with reserved octets set, verifies: they are hashed") {
    const auto client = request_info::v4(transport::udp, {203, 0, 113, 203});
    CHECK(hasher.verify(secret, hex("fc93fc62807ddb86"), hex("01abcdef5cf78f71a314227b6679ebf5"),
                        client));
    CHECK_FALSE(hasher.verify(secret, hex("fc93fc62807ddb86"),
                              hex("010000005cf78f71a314227b6679ebf5"), client));
  }
  SECTION("A.4: an IPv6 client's cookie from before the secret rolled over") {
    std::array<std::uint8_t, 16> a{};
    const auto bytes = hex("20010db80220000159ded0f4876982b8");
    std::copy(bytes.begin(), bytes.end(), a.begin());
    const auto client = request_info::v6(transport::udp, a);
    const auto old_secret = secret_of("dd3bdf9344b678b185a6f5cb60fca715");
    const auto cookie = hasher.make(old_secret, hex("22681ab97d52c298"), client, 1559741817);
    CHECK(hex_of(cookie) == "010000005cf7c57926556bd0934c72f8");
    CHECK(hasher.verify(old_secret, hex("22681ab97d52c298"), cookie, client));
    CHECK_FALSE(hasher.verify(secret_of("445536bcd2513298075a5d379663c962"),
                              hex("22681ab97d52c298"), cookie, client));
  }
}

TEST_CASE("a server cookie verifies only with its secret, client cookie and address", "[unit]") {
  detail::cookie_hasher hasher;
  const auto secret = secret_of(rfc_secret);
  const auto other_secret = secret_of("00112233445566778899aabbccddeeff");
  const auto client = request_info::v4(transport::udp, {198, 51, 100, 100});
  const auto client_cookie = hex("2464c4abcf10c957");
  const auto cookie = hasher.make(secret, client_cookie, client, 1559731985);

  CHECK(hasher.verify(secret, client_cookie, cookie, client));
  CHECK_FALSE(hasher.verify(other_secret, client_cookie, cookie, client));
  CHECK_FALSE(hasher.verify(secret, hex("2464c4abcf10c958"), cookie, client));
  CHECK_FALSE(hasher.verify(secret, client_cookie, cookie,
                            request_info::v4(transport::udp, {198, 51, 100, 101})));
  auto tampered = cookie;
  tampered[15] ^= 1;
  CHECK_FALSE(hasher.verify(secret, client_cookie, tampered, client));
  auto other_version = cookie;
  other_version[0] = 2;
  CHECK_FALSE(hasher.verify(secret, client_cookie, other_version, client));
  CHECK_FALSE(hasher.verify(secret, client_cookie, std::span(cookie).first(8), client));
}

TEST_CASE("a server cookie is fresh for an hour, and five minutes ahead", "[unit]") {
  detail::cookie_hasher hasher;
  const auto client = request_info::v4(transport::udp, {127, 0, 0, 1});
  const std::uint32_t made = 1559731985;
  const auto cookie = hasher.make(secret_of(rfc_secret), hex("0102030405060708"), client, made);
  CHECK(detail::cookie_fresh(cookie, made));
  CHECK(detail::cookie_fresh(cookie, made + 3600));
  CHECK_FALSE(detail::cookie_fresh(cookie, made + 3601));
  CHECK(detail::cookie_fresh(cookie, made - 300));
  CHECK_FALSE(detail::cookie_fresh(cookie, made - 301));
  // Across the 32-bit wrap (RFC 1982 arithmetic).
  const auto late = hasher.make(secret_of(rfc_secret), hex("0102030405060708"), client, 0xFFFFFF00u);
  CHECK(detail::cookie_fresh(late, 0x00000100u));
}

TEST_CASE("cookie secrets are 32 hex digits", "[unit]") {
  cookie_secret s{};
  CHECK(detail::parse_cookie_secret("E5E973E5A6B2A43F48E7DC849E37BFCF", s));
  CHECK(s[0] == 0xE5);
  CHECK(s[15] == 0xCF);
  CHECK_FALSE(detail::parse_cookie_secret("e5e973e5a6b2a43f48e7dc849e37bfc", s));
  CHECK_FALSE(detail::parse_cookie_secret("e5e973e5a6b2a43f48e7dc849e37bfcf00", s));
  CHECK_FALSE(detail::parse_cookie_secret("g5e973e5a6b2a43f48e7dc849e37bfcf", s));
  CHECK_FALSE(detail::parse_cookie_secret("", s));
}
