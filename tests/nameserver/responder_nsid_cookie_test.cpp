// EDNS options the responder answers: NSID (RFC 5001), DNS Cookies (RFC 7873, server cookies
// per RFC 9018) and Extended DNS Errors (RFC 8914).
#include "dnskit/dns/edns_option.hpp"
#include "responder_test_util.hpp"

using namespace dnskit;
using namespace dnskit::nameserver;
using namespace dnskit::nameserver::test;

namespace {

std::uint32_t test_now = 1'700'000'000;
std::uint32_t test_clock() { return test_now; }

constexpr auto code_nsid = static_cast<std::uint16_t>(dns::edns_option_code::nsid);
constexpr auto code_cookie = static_cast<std::uint16_t>(dns::edns_option_code::cookie);
constexpr auto code_ede = static_cast<std::uint16_t>(dns::edns_option_code::extended_error);

const std::vector<std::uint8_t> client_cookie = {1, 2, 3, 4, 5, 6, 7, 8};

responder_options cookie_options(std::uint8_t secret, std::optional<std::uint8_t> previous = {}) {
  responder_options o;
  o.cookie_secret.fill(secret);
  if (previous) {
    std::array<std::uint8_t, 16> p{};
    p.fill(*previous);
    o.cookie_secret_previous = p;
  }
  o.cookie_clock = test_clock;
  return o;
}

const dns::edns_option* find_option(const reply& r, std::uint16_t code) {
  if (!r.msg.opt) return nullptr;
  for (const auto& o : r.msg.opt->options) {
    if (o.code == code) return &o;
  }
  return nullptr;
}

std::vector<std::uint8_t> cookie_query(const std::vector<std::uint8_t>& cookie) {
  auto e = edns0();
  e.options.push_back({code_cookie, cookie});
  return query_bytes("www.example.test.", dns::rr_type::a, e);
}

// The whole cookie (client + server) the responder sends back to `cookie`.
std::vector<std::uint8_t> learn_cookie(const responder& r, const zones::zone_set& set,
                                       const request_info& client = udp_from_loopback()) {
  const auto rep = ask(r, set, cookie_query(client_cookie), client);
  const auto* c = find_option(rep, code_cookie);
  REQUIRE(c != nullptr);
  return c->data;
}

}  // namespace

TEST_CASE("NSID: the identity when the query asks, nothing otherwise", "[unit]") {
  const auto set = example_set();
  responder_options o;
  o.identity = "ns1.example";
  const responder with_identity(o);
  auto e = edns0();
  e.options.push_back({code_nsid, {}});
  const auto q = query_bytes("www.example.test.", dns::rr_type::a, e);

  const auto r = ask(with_identity, *set, q);
  const auto* nsid = find_option(r, code_nsid);
  REQUIRE(nsid != nullptr);
  CHECK(std::string(nsid->data.begin(), nsid->data.end()) == "ns1.example");
  CHECK(r.msg.answer.size() == 1);

  // Not asked: not sent. No identity configured: not sent either (as NSD without `nsid:`).
  CHECK(find_option(ask(with_identity, *set, query_bytes("www.example.test.", dns::rr_type::a, edns0())),
                    code_nsid) == nullptr);
  CHECK(find_option(ask(*set, q), code_nsid) == nullptr);
  // Also in an error answer (REFUSED outside our zones), as NSD and Knot.
  const auto refused = ask(with_identity, *set, query_bytes("www.example.org.", dns::rr_type::a, e));
  CHECK(refused.msg.rcode() == dns::rcode::refused);
  CHECK(find_option(refused, code_nsid) != nullptr);
}

TEST_CASE("cookies: a client cookie alone gets a fresh RFC 9018 server cookie", "[unit]") {
  const auto set = example_set();
  const responder r(cookie_options(0x11));
  const auto rep = ask(r, *set, cookie_query(client_cookie));
  const auto* c = find_option(rep, code_cookie);
  REQUIRE(c != nullptr);
  REQUIRE(c->data.size() == 24);
  CHECK(std::vector<std::uint8_t>(c->data.begin(), c->data.begin() + 8) == client_cookie);
  CHECK(c->data[8] == 1);  // version 1
  CHECK((c->data[9] | c->data[10] | c->data[11]) == 0);
  const std::uint32_t stamp = (std::uint32_t{c->data[12]} << 24) | (std::uint32_t{c->data[13]} << 16) |
                              (std::uint32_t{c->data[14]} << 8) | c->data[15];
  CHECK(stamp == test_now);
  CHECK_FALSE(rep.result.valid_cookie);
  CHECK(rep.msg.answer.size() == 1);
}

TEST_CASE("cookies: our server cookie comes back valid, others are answered, not valid",
          "[unit]") {
  const auto set = example_set();
  const responder r(cookie_options(0x11));
  const auto cookie = learn_cookie(r, *set);

  const auto again = ask(r, *set, cookie_query(cookie));
  CHECK(again.result.valid_cookie);
  CHECK(again.msg.rcode() == dns::rcode::noerror);
  CHECK(again.msg.answer.size() == 1);
  REQUIRE(find_option(again, code_cookie) != nullptr);

  // From another address it is someone else's cookie (RFC 9018 §4.4 hashes the address).
  CHECK_FALSE(ask(r, *set, cookie_query(cookie), udp_from_outside()).result.valid_cookie);
  // Another server's cookie, a changed byte, a cookie over an hour old: answered (RFC 7873
  // §5.2.3, as NSD: no BADCOOKIE) with a new one, but not valid.
  const responder other(cookie_options(0x22));
  const auto foreign = ask(other, *set, cookie_query(cookie));
  CHECK_FALSE(foreign.result.valid_cookie);
  CHECK(foreign.msg.rcode() == dns::rcode::noerror);
  REQUIRE(find_option(foreign, code_cookie) != nullptr);
  CHECK(find_option(foreign, code_cookie)->data != cookie);
  auto changed = cookie;
  changed[20] ^= 0x40;
  CHECK_FALSE(ask(r, *set, cookie_query(changed)).result.valid_cookie);
  const std::uint32_t saved = test_now;
  test_now += 3601;
  CHECK_FALSE(ask(r, *set, cookie_query(cookie)).result.valid_cookie);
  test_now = saved + 1800;
  CHECK(ask(r, *set, cookie_query(cookie)).result.valid_cookie);
  test_now = saved;
}

TEST_CASE("cookies: after a rotation the previous secret's cookies stay valid", "[unit]") {
  const auto set = example_set();
  const responder before(cookie_options(0x11));
  const auto cookie = learn_cookie(before, *set);

  const responder rotated(cookie_options(0x22, 0x11));
  const auto rep = ask(rotated, *set, cookie_query(cookie));
  CHECK(rep.result.valid_cookie);
  // The answer carries a cookie made with the new secret, which is then valid on its own.
  const auto* fresh = find_option(rep, code_cookie);
  REQUIRE(fresh != nullptr);
  const responder new_only(cookie_options(0x22));
  CHECK(ask(new_only, *set, cookie_query(fresh->data)).result.valid_cookie);
  // Once the previous secret is dropped, the old cookie is no longer valid.
  CHECK_FALSE(ask(new_only, *set, cookie_query(cookie)).result.valid_cookie);
}

TEST_CASE("cookies: a malformed COOKIE option is FORMERR with an OPT (RFC 7873 §5.2.2)",
          "[unit]") {
  const auto set = example_set();
  const responder r(cookie_options(0x11));
  for (const std::size_t size : {0, 1, 7, 9, 15, 41, 48}) {
    INFO("cookie of " << size << " octets");
    const auto rep = ask(r, *set, cookie_query(std::vector<std::uint8_t>(size, 7)));
    CHECK(rep.msg.rcode() == dns::rcode::formerr);
    CHECK(rep.msg.questions.size() == 1);
    CHECK(rep.msg.answer.empty());
    REQUIRE(rep.msg.opt.has_value());
    CHECK(find_option(rep, code_cookie) == nullptr);
    CHECK_FALSE(rep.result.valid_cookie);
  }
  for (const std::size_t size : {8, 16, 24, 40}) {
    INFO("cookie of " << size << " octets");
    CHECK(ask(r, *set, cookie_query(std::vector<std::uint8_t>(size, 7))).msg.rcode() ==
          dns::rcode::noerror);
  }
}

TEST_CASE("EDE 20 beside REFUSED and NOTAUTH for zones we do not serve, only with EDNS",
          "[unit]") {
  const auto set = example_set();
  const auto refused = ask(*set, query_bytes("www.example.org.", dns::rr_type::a, edns0()));
  CHECK(refused.msg.rcode() == dns::rcode::refused);
  const auto* ede = find_option(refused, code_ede);
  REQUIRE(ede != nullptr);
  CHECK(ede->data == std::vector<std::uint8_t>{0, 20});

  const auto plain = ask(*set, query_bytes("www.example.org.", dns::rr_type::a));
  CHECK(plain.msg.rcode() == dns::rcode::refused);
  CHECK_FALSE(plain.msg.opt.has_value());

  const auto notauth =
      ask(*set, query_bytes("example.org.", dns::rr_type::axfr, edns0()), tcp_from_loopback());
  CHECK(notauth.msg.rcode() == dns::rcode::notauth);
  REQUIRE(find_option(notauth, code_ede) != nullptr);
  CHECK(find_option(notauth, code_ede)->data == std::vector<std::uint8_t>{0, 20});

  // Answers from our zones carry none.
  CHECK(find_option(ask(*set, query_bytes("www.example.test.", dns::rr_type::a, edns0())), code_ede) ==
        nullptr);
}

TEST_CASE("a long identity is capped at 255 octets of NSID, within the client's size", "[unit]") {
  const auto set = example_set();
  responder_options o = cookie_options(0x11);
  o.identity = std::string(300, 'n');  // NSID payload capped at 255 octets
  const responder r(o);
  auto e = edns0(512);
  e.options.push_back({code_nsid, {}});
  e.options.push_back({code_cookie, client_cookie});
  const auto rep = ask(r, *set, query_bytes("www.example.test.", dns::rr_type::a, e));
  REQUIRE(rep.msg.opt.has_value());
  const auto* nsid = find_option(rep, code_nsid);
  REQUIRE(nsid != nullptr);
  CHECK(nsid->data.size() == 255);
  CHECK(rep.wire.size() <= 512);
}
