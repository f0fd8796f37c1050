// TSIG against real clients: dig -y and kdig -y send a signed query to a socket of this test on
// loopback; our code verifies it and answers with a signed response, which the client must
// accept. Each test skips when its client is not installed.
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdint>
#include <ctime>
#include <optional>
#include <string>
#include <vector>

#include "dnskit/dns/message.hpp"
#include "dnskit/dns/rdata.hpp"
#include "dnskit/dns/tsig.hpp"
#include "dnskit_test/command.hpp"
#include "dnskit_test/process.hpp"
#include "dnskit_test/tsig_response.hpp"
#include "dnskit_test/udp_responder.hpp"

using namespace dnskit::dns;
using namespace std::chrono_literals;
using bytes = std::vector<std::uint8_t>;

namespace {

const std::string key_text = "hmac-sha256:xfr-key:c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0IQ==";
const std::string wrong_key_text = "hmac-sha256:xfr-key:b3RoZXItc2VjcmV0LW90aGVyLXNlY3JldA==";

tsig::key make_key(const std::string& text) {
  std::string error;
  auto k = tsig::parse_key(text, error);
  REQUIRE(k);
  return *k;
}

std::uint64_t now() { return static_cast<std::uint64_t>(std::time(nullptr)); }

// The answer to `request`: its question and OPT, QR and AA set, one A record, encoded with room
// for a TSIG record.
bytes answer_to(const bytes& request) {
  tsig::record_view v;
  REQUIRE(tsig::locate(request, v) == tsig::locate_status::present);
  bytes unsigned_request(request.begin(), request.begin() + static_cast<std::ptrdiff_t>(v.offset));
  const auto arcount = static_cast<std::uint16_t>((unsigned_request[10] << 8 | unsigned_request[11]) - 1);
  unsigned_request[10] = static_cast<std::uint8_t>(arcount >> 8);
  unsigned_request[11] = static_cast<std::uint8_t>(arcount);
  message m;
  REQUIRE_FALSE(decode(unsigned_request, m));
  m.hdr.qr = true;
  m.hdr.aa = true;
  m.hdr.ra = false;
  REQUIRE(m.questions.size() == 1);
  record r;
  r.owner = m.questions.front().qname;
  r.type = rr_type::a;
  r.ttl = 300;
  REQUIRE_FALSE(rdata_from_text(rr_type::a, "192.0.2.77", name{}, r.rdata));
  m.answer.push_back(r);
  return encode(m);
}

bytes signed_with(const tsig::request_state& st, bytes response) {
  REQUIRE_FALSE(dnskit::test::append_response_tsig(st, response, now()));
  return response;
}

struct exchange_result {
  tsig::status request_status = tsig::status::unsigned_message;
  std::string client_output;
};

// Runs the client, receives its query, verifies it with `server_key`, answers it (signed with
// `answer_key`, or with the error the verification gave) and collects the client's output.
exchange_result exchange(const std::string& client, std::vector<std::string> args,
                         const tsig::key& server_key, const tsig::key& answer_key) {
  dnskit::test::udp_responder sock;
  for (auto& a : args) {
    if (a == "PORT") a = std::to_string(sock.port());
  }
  const auto program = dnskit::test::find_program(client);
  REQUIRE(program);
  std::string error;
  auto child = dnskit::test::child_process::start(*program, args, error);
  INFO(error);
  REQUIRE(child);
  const auto query = sock.receive(20s);
  REQUIRE(query);

  exchange_result result;
  tsig::keyring keys;
  keys.add(server_key);
  tsig::request_state st;
  result.request_status = tsig::verify_request(*query, keys, now(), st);
  bytes response = answer_to(*query);
  if (st.outcome == tsig::status::verified && answer_key.secret != server_key.secret) {
    // Sign with another secret under the same name: the client must notice.
    tsig::keyring other;
    other.add(answer_key);
    tsig::request_state forged;
    (void)tsig::verify_request(*query, other, now(), forged);
    forged.outcome = tsig::status::verified;
    response = signed_with(forged, response);
  } else {
    if (st.outcome != tsig::status::verified) {
      // The error answer: NOTAUTH, no records (RFC 8945 §5.2).
      message m;
      tsig::record_view v;
      REQUIRE(tsig::locate(response, v) == tsig::locate_status::absent);
      REQUIRE_FALSE(decode(response, m));
      m.answer.clear();
      m.set_rcode(static_cast<rcode>(tsig::response_rcode(st.outcome)));
      response = encode(m);
    }
    response = signed_with(st, response);
  }
  REQUIRE(sock.reply(response));
  REQUIRE(child->wait_exit(20s));
  child->join_output();
  result.client_output = child->stdout_text() + child->stderr_text();
  return result;
}

bool contains(const std::string& text, const std::string& needle) {
  return text.find(needle) != std::string::npos;
}

}  // namespace

TEST_CASE("tsig interop: dig -y signs a query we verify, and accepts our signed answer",
          "[integration][tsig]") {
  if (!dnskit::test::find_program("dig")) {
    WARN("dig is not installed; skipped");
    return;
  }
  const auto k = make_key(key_text);
  const std::vector<std::string> dig_args = {"-y", key_text, "@127.0.0.1", "-p", "PORT",
                                             "www.example.test.", "A", "+tries=1", "+time=10",
                                             "+norec"};
  SECTION("the right key: verified both ways") {
    const auto r = exchange("dig", dig_args, k, k);
    INFO(r.client_output);
    CHECK(r.request_status == tsig::status::verified);
    CHECK(contains(r.client_output, "192.0.2.77"));
    CHECK(contains(r.client_output, "status: NOERROR"));
    CHECK(contains(r.client_output, "TSIG"));
    CHECK_FALSE(contains(r.client_output, "tsig verify failure"));
    CHECK_FALSE(contains(r.client_output, "expected a TSIG"));
    CHECK_FALSE(contains(r.client_output, "Couldn't verify"));
  }
  SECTION("our answer signed with another secret: dig refuses it") {
    const auto r = exchange("dig", dig_args, k, make_key(wrong_key_text));
    INFO(r.client_output);
    CHECK(r.request_status == tsig::status::verified);
    CHECK(contains(r.client_output, "tsig verify failure"));
  }
  SECTION("dig with the wrong secret: BADSIG, and dig reads our NOTAUTH/BADSIG answer") {
    std::vector<std::string> args = dig_args;
    args[1] = wrong_key_text;
    const auto r = exchange("dig", args, k, k);
    INFO(r.client_output);
    CHECK(r.request_status == tsig::status::badsig);
    CHECK(contains(r.client_output, "NOTAUTH"));
    CHECK(contains(r.client_output, "BADSIG"));
  }
  SECTION("dig with a key we do not know: BADKEY") {
    std::vector<std::string> args = dig_args;
    args[1] = "hmac-sha256:other-key:c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0IQ==";
    const auto r = exchange("dig", args, k, k);
    INFO(r.client_output);
    CHECK(r.request_status == tsig::status::badkey);
    CHECK(contains(r.client_output, "NOTAUTH"));
    CHECK(contains(r.client_output, "BADKEY"));
  }
  SECTION("hmac-sha512 and hmac-sha1 keys") {
    for (const std::string alg : {"hmac-sha512", "hmac-sha1"}) {
      const std::string text = alg + ":xfr-key:c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0IQ==";
      std::vector<std::string> args = dig_args;
      args[1] = text;
      const auto key = make_key(text);
      const auto r = exchange("dig", args, key, key);
      INFO(alg << "\n" << r.client_output);
      CHECK(r.request_status == tsig::status::verified);
      CHECK(contains(r.client_output, "192.0.2.77"));
      CHECK_FALSE(contains(r.client_output, "tsig verify failure"));
    }
  }
}

TEST_CASE("tsig interop: kdig -y signs a query we verify, and accepts our signed answer",
          "[integration][tsig]") {
  if (!dnskit::test::find_program("kdig")) {
    WARN("kdig is not installed; skipped");
    return;
  }
  const auto k = make_key(key_text);
  const std::vector<std::string> kdig_args = {"-y", key_text, "@127.0.0.1", "-p", "PORT",
                                              "www.example.test.", "A", "+retry=0", "+time=10",
                                              "+norec"};
  SECTION("the right key: verified both ways") {
    const auto r = exchange("kdig", kdig_args, k, k);
    INFO(r.client_output);
    CHECK(r.request_status == tsig::status::verified);
    CHECK(contains(r.client_output, "192.0.2.77"));
    CHECK(contains(r.client_output, "NOERROR"));
    CHECK_FALSE(contains(r.client_output, "WARNING"));
  }
  SECTION("our answer signed with another secret: kdig refuses it") {
    const auto r = exchange("kdig", kdig_args, k, make_key(wrong_key_text));
    INFO(r.client_output);
    CHECK(r.request_status == tsig::status::verified);
    CHECK(contains(r.client_output, "WARNING"));
  }
  SECTION("kdig with the wrong secret: BADSIG") {
    std::vector<std::string> args = kdig_args;
    args[1] = wrong_key_text;
    const auto r = exchange("kdig", args, k, k);
    INFO(r.client_output);
    CHECK(r.request_status == tsig::status::badsig);
    CHECK(contains(r.client_output, "BADSIG"));  // kdig prints the TSIG error as the status
  }
}
