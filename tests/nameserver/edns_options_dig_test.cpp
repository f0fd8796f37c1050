// NSID, DNS cookies and Extended DNS Errors with real clients (dig and kdig) against the
// running server. That a server cookie is accepted shows in rate limiting: with one answer a
// second and no slip, queries carrying a valid cookie are all answered (exempt, RFC 7873
// §5.2.4, as BIND and Knot), while the same burst without one loses answers.
#include <regex>

#include "integration_support.hpp"

using namespace nstest;

namespace {

const std::string secret_old = "e5e973e5a6b2a43f48e7dc849e37bfcf";
const std::string secret_new = "445536bcd2513298075a5d379663c962";

// The COOKIE dig printed (client + server cookie, hex), or "".
std::string cookie_in(const std::string& dig_output) {
  std::smatch m;
  static const std::regex re("; COOKIE: ([0-9a-fA-F]+)");
  return std::regex_search(dig_output, m, re) ? m[1].str() : std::string();
}

// Sends `count` dig queries for the same name with +cookie=COOKIE; returns how many got an
// answer. dig waits one second for each lost one.
std::size_t answered_with_cookie(std::uint16_t port, const std::string& cookie, std::size_t count) {
  std::size_t answered = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const auto r = dig(port, {"+time=1", "+norecurse", "+cookie=" + cookie, "www.example.test", "A"});
    if (contains(r.out, "status: NOERROR")) ++answered;
  }
  return answered;
}

std::vector<std::string> limited(std::vector<std::string> args) {
  args.insert(args.end(), {"--rate-limit", "1", "--rate-limit-slip", "0"});
  return args;
}

}  // namespace

TEST_CASE("dig +nsid +cookie: the identity and a server cookie, then accepted",
          "[integration][edns]") {
  if (!have_program("dig")) {
    WARN("dig not installed; skipped");
    return;
  }
  auto server = start_example_server(
      limited({"--identity", "ns1.dnskit.test", "--cookie-secret", secret_old}));
  const auto port = server->port();

  const auto first = dig(port, {"+nsid", "+cookie", "+norecurse", "www.example.test", "A"});
  INFO(first.out);
  CHECK(contains(first.out, "status: NOERROR"));
  CHECK(contains(first.out, "(\"ns1.dnskit.test\")"));
  const std::string cookie = cookie_in(first.out);
  REQUIRE(cookie.size() == 48);  // 8 octets of client cookie, 16 of RFC 9018 server cookie
  CHECK(cookie.substr(16, 8) == "01000000");
  CHECK(contains(first.out, "(good)"));

  // Sent back, it is valid: every query of the burst is answered despite the limit.
  CHECK(answered_with_cookie(port, cookie, 6) == 6);
  // The client cookie alone earns no exemption: the limit drops some of the same burst.
  CHECK(answered_with_cookie(port, cookie.substr(0, 16), 6) < 6);
  CHECK(server->stop() == 0);
}

TEST_CASE("kdig +nsid +cookie: the identity and a server cookie", "[integration][edns]") {
  if (!have_program("kdig")) {
    WARN("kdig not installed; skipped");
    return;
  }
  auto server = start_example_server({"--identity", "ns1.dnskit.test"});
  const auto r = dig(server->port(), {"+nsid", "+cookie", "+norecurse", "www.example.test", "A"}, "kdig");
  INFO(r.out);
  CHECK(contains(r.out, "status: NOERROR"));
  CHECK(contains(r.out, "\"ns1.dnskit.test\""));
  std::smatch m;
  REQUIRE(std::regex_search(r.out, m, std::regex(";; COOKIE: ([0-9A-Fa-f]+)")));
  CHECK(m[1].str().size() == 48);
  CHECK(server->stop() == 0);
}

TEST_CASE("cookies from before a secret rotation are accepted while the old secret is kept",
          "[integration][edns]") {
  if (!have_program("dig")) {
    WARN("dig not installed; skipped");
    return;
  }
  std::string cookie;
  {
    auto before = start_example_server({"--cookie-secret", secret_old});
    const auto r = dig(before->port(), {"+cookie", "+norecurse", "www.example.test", "A"});
    cookie = cookie_in(r.out);
    REQUIRE(cookie.size() == 48);
    CHECK(before->stop() == 0);
  }
  {
    auto rotated = start_example_server(
        limited({"--cookie-secret", secret_new, "--cookie-secret-previous", secret_old}));
    CHECK(answered_with_cookie(rotated->port(), cookie, 6) == 6);
    CHECK(rotated->stop() == 0);
  }
  {
    // Once the old secret is dropped its cookies are worth nothing.
    auto after = start_example_server(limited({"--cookie-secret", secret_new}));
    CHECK(answered_with_cookie(after->port(), cookie, 6) < 6);
    CHECK(after->stop() == 0);
  }
}

TEST_CASE("dig: a malformed cookie is FORMERR and a zone we do not serve is REFUSED with EDE 20",
          "[integration][edns]") {
  if (!have_program("dig")) {
    WARN("dig not installed; skipped");
    return;
  }
  auto server = start_example_server();
  const auto port = server->port();
  const auto bad = dig(port, {"+cookie=0102030405060708090a", "+norecurse", "www.example.test", "A"});
  INFO(bad.out);
  CHECK(contains(bad.out, "status: FORMERR"));
  const auto refused = dig(port, {"+norecurse", "www.example.org", "A"});
  INFO(refused.out);
  CHECK(contains(refused.out, "status: REFUSED"));
  CHECK(contains(refused.out, "EDE: 20 (Not Authoritative)"));
  const auto plain = dig(port, {"+noedns", "+norecurse", "www.example.org", "A"});
  CHECK(contains(plain.out, "status: REFUSED"));
  CHECK_FALSE(contains(plain.out, "EDE"));
  CHECK(server->stop() == 0);
}
