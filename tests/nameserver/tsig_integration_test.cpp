// TSIG (RFC 8945) against the running server: signed AXFR streams that dig -y, kdig -y and our
// own verifier accept message by message; allow-transfer key:NAME; and every refusal with the
// rcode and TSIG error RFC 8945 §5.2 gives it, never with zone data.
#include <chrono>
#include <ctime>

#include "dnskit/dns/tsig.hpp"
#include "dnskit_test/tsig_response.hpp"
#include "dnskit_test/udp_responder.hpp"
#include "integration_support.hpp"

using namespace nstest;
using dns::rcode;
using dns::rr_type;
namespace tsig = dns::tsig;

namespace {

const std::string secret = "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0IQ==";
const std::string wrong_secret = "b3RoZXItc2VjcmV0LW90aGVyLXNlY3JldA==";
constexpr int bulk_records = 3000;  // several 16 KiB AXFR messages

std::uint64_t now() { return static_cast<std::uint64_t>(std::time(nullptr)); }

tsig::key make_key(const std::string& text) {
  std::string error;
  auto k = tsig::parse_key(text, error);
  REQUIRE(k);
  return *k;
}

// A zone big enough to take several messages.
std::string bulk_zone() {
  std::string text = small_zone_text("bulk.test.", 7);
  for (int i = 0; i < bulk_records; ++i) {
    text += "host" + std::to_string(i) + " IN TXT \"record number " + std::to_string(i) + "\"\n";
  }
  return text;
}

test::bytes signed_query(const dns::message& query, const tsig::key& k, std::uint64_t time_signed,
                        tsig::mac_bytes& mac) {
  auto wire = dns::encode(query);
  std::size_t size = wire.size();
  wire.resize(size + 512);
  REQUIRE_FALSE(tsig::sign_request(wire, size, k, time_signed, mac));
  wire.resize(size);
  return wire;
}

struct signed_transfer {
  std::size_t messages = 0;
  std::size_t records = 0;
  int soa_seen = 0;
  rcode first_rcode = rcode::noerror;
  std::uint16_t tsig_error = 0;
  std::vector<tsig::status> statuses;
  bool all_verified = true;
};

// AXFR over TCP signed with `k` at `time_signed`, every message checked with our verifier.
signed_transfer axfr_signed(const test::server_address& at, std::string_view zone,
                            const tsig::key& k, std::uint64_t time_signed) {
  signed_transfer t;
  tsig::mac_bytes mac;
  const auto query = signed_query(make_query(zone, rr_type::axfr, false, 4242), k, time_signed, mac);
  tsig::response_verifier verifier(k, mac);
  test::tcp_client client;
  REQUIRE(client.connect(at));
  REQUIRE(client.send_message(query));
  for (int i = 0; i < 10000 && t.soa_seen < 2; ++i) {
    auto raw = client.receive_message(10s);
    if (!raw) break;
    dns::message m;
    REQUIRE_FALSE(dns::decode(*raw, m));
    tsig::record_view v;
    if (tsig::locate(*raw, v) == tsig::locate_status::present) t.tsig_error = v.error;
    const auto st = verifier.verify(*raw, now());
    t.statuses.push_back(st);
    t.all_verified = t.all_verified && st == tsig::status::verified;
    if (t.messages++ == 0) t.first_rcode = m.rcode();
    if (m.rcode() != rcode::noerror) break;
    for (const auto& r : m.answer) {
      if (r.type == rr_type::soa) ++t.soa_seen;
      ++t.records;
    }
  }
  return t;
}

// One signed query over UDP; the raw answer.
std::optional<test::bytes> udp_signed(const test::server_address& at, const dns::message& query,
                                     const tsig::key& k, std::uint64_t time_signed,
                                     tsig::mac_bytes& mac) {
  return test::udp_exchange(at, signed_query(query, k, time_signed, mac));
}

struct bulk_server {
  temp_dir dir;
  std::unique_ptr<test::server_process> server;
  explicit bulk_server(std::vector<std::string> extra) {
    write_file(dir / "bulk.test.zone", bulk_zone());
    std::vector<std::string> args = {"--zone", "bulk.test.=" + (dir / "bulk.test.zone").string()};
    args.insert(args.end(), extra.begin(), extra.end());
    server = start_server(args);
  }
};

}  // namespace

TEST_CASE("tsig: dig -y and kdig -y transfer a zone signed message by message",
          "[integration][tsig]") {
  bulk_server s({"--tsig-key", "xfr:" + secret, "--allow-transfer", "key:xfr"});
  const auto port = s.server->port();
  const std::string total = std::to_string(bulk_records + 5);  // SOA NS A A, SOA again
  if (have_program("dig")) {
    auto r = dig(port, {"-y", "hmac-sha256:xfr:" + secret, "bulk.test.", "AXFR", "+time=10"});
    INFO(r.out << r.err);
    CHECK(contains(r.out, "XFR size: " + total + " records (messages "));
    CHECK_FALSE(contains(r.out, "(messages 1,"));  // several messages, each checked by dig
    CHECK_FALSE(contains(r.out + r.err, "tsig verify failure"));
    CHECK_FALSE(contains(r.out + r.err, "expected a TSIG"));
    CHECK_FALSE(contains(r.out + r.err, "Transfer failed"));
  }
  if (have_program("kdig")) {
    auto r = dig(port, {"-y", "hmac-sha256:xfr:" + secret, "bulk.test.", "AXFR", "+timeout=10"},
                 "kdig");
    INFO(r.out << r.err);
    CHECK(contains(r.out, total + " records"));
    CHECK_FALSE(contains(r.out, "(1 messages"));
    CHECK_FALSE(contains(r.out + r.err, "WARNING"));
    CHECK_FALSE(contains(r.out + r.err, "failed"));
  }
  // Our verifier: every message signed, chained to the one before (RFC 8945 §5.3.1).
  const auto t = axfr_signed(address_of(*s.server), "bulk.test.", make_key("xfr:" + secret), now());
  CHECK(t.first_rcode == rcode::noerror);
  CHECK(t.soa_seen == 2);
  CHECK(t.records == static_cast<std::size_t>(bulk_records + 5));
  CHECK(t.messages > 2);
  CHECK(t.all_verified);
}

TEST_CASE("tsig: refusals carry the RFC 8945 rcode and TSIG error, never the zone",
          "[integration][tsig]") {
  bulk_server s({"--tsig-key", "hmac-sha256:xfr:" + secret, "--allow-transfer", "key:xfr"});
  const auto at = address_of(*s.server);

  SECTION("unsigned, where the key is required: REFUSED") {
    test::tcp_client client;
    REQUIRE(client.connect(at));
    REQUIRE(client.send_message(dns::encode(make_query("bulk.test.", rr_type::axfr, false))));
    auto raw = client.receive_message(10s);
    REQUIRE(raw);
    dns::message m;
    REQUIRE_FALSE(dns::decode(*raw, m));
    CHECK(m.rcode() == rcode::refused);
    CHECK(m.answer.empty());
    if (have_program("dig")) {
      auto r = dig(s.server->port(), {"bulk.test.", "AXFR"});
      CHECK(contains(r.out, "Transfer failed."));
    }
  }
  SECTION("wrong secret: NOTAUTH, BADSIG, no MAC, no records") {
    const auto t = axfr_signed(at, "bulk.test.", make_key("xfr:" + wrong_secret), now());
    CHECK(t.first_rcode == rcode::notauth);
    CHECK(t.tsig_error == 16);
    CHECK(t.records == 0);
    REQUIRE(t.statuses.size() == 1);
    CHECK(t.statuses.front() == tsig::status::badsig);
    if (have_program("dig")) {
      auto r = dig(s.server->port(), {"-y", "hmac-sha256:xfr:" + wrong_secret, "bulk.test.", "AXFR"});
      CHECK(contains(r.out + r.err, "BADSIG"));
      CHECK_FALSE(contains(r.out, "record number"));
    }
  }
  SECTION("unknown key: NOTAUTH, BADKEY, no records") {
    const auto t = axfr_signed(at, "bulk.test.", make_key("stranger:" + secret), now());
    CHECK(t.first_rcode == rcode::notauth);
    CHECK(t.tsig_error == 17);
    CHECK(t.records == 0);
    if (have_program("kdig")) {
      auto r = dig(s.server->port(), {"-y", "hmac-sha256:stranger:" + secret, "bulk.test.", "AXFR"},
                   "kdig");
      CHECK(contains(r.out + r.err, "BADKEY"));  // kdig: "server replied with error 'BADKEY'"
      CHECK_FALSE(contains(r.out, "record number"));
    }
  }
  SECTION("the key's name with another algorithm: BADKEY") {
    const auto t = axfr_signed(at, "bulk.test.", make_key("hmac-sha512:xfr:" + secret), now());
    CHECK(t.first_rcode == rcode::notauth);
    CHECK(t.tsig_error == 17);
  }
  SECTION("stale time: NOTAUTH, BADTIME, signed, with the server's time") {
    const auto t = axfr_signed(at, "bulk.test.", make_key("xfr:" + secret), now() - 1000);
    CHECK(t.first_rcode == rcode::notauth);
    CHECK(t.tsig_error == 18);
    CHECK(t.records == 0);
    REQUIRE(t.statuses.size() == 1);
    CHECK(t.statuses.front() == tsig::status::badtime);  // the MAC verified
  }
  SECTION("TSIG twice, or not last: FORMERR without TSIG") {
    tsig::mac_bytes mac;
    const auto k = make_key("xfr:" + secret);
    auto wire = signed_query(make_query("bulk.test.", rr_type::soa, false), k, now(), mac);
    tsig::record_view v;
    REQUIRE(tsig::locate(wire, v) == tsig::locate_status::present);
    test::bytes twice = wire;
    twice.insert(twice.end(), wire.begin() + static_cast<std::ptrdiff_t>(v.offset), wire.end());
    twice[11] = 2;
    auto raw = test::udp_exchange(at, twice);
    REQUIRE(raw);
    dns::message m;
    REQUIRE_FALSE(dns::decode(*raw, m));
    CHECK(m.rcode() == rcode::formerr);
    CHECK(m.answer.empty());
    CHECK(tsig::locate(*raw, v) == tsig::locate_status::absent);
    // Cut short inside the TSIG record: FORMERR too.
    test::bytes cut(wire.begin(), wire.end() - 7);
    raw = test::udp_exchange(at, cut);
    REQUIRE(raw);
    REQUIRE_FALSE(dns::decode(*raw, m));
    CHECK(m.rcode() == rcode::formerr);
  }
  SECTION("a signed query over UDP gets a signed answer") {
    tsig::mac_bytes mac;
    const auto k = make_key("xfr:" + secret);
    auto raw = udp_signed(at, make_query("www.bulk.test.", rr_type::a), k, now(), mac);
    REQUIRE(raw);
    tsig::response_verifier verifier(k, mac);
    CHECK(verifier.verify(*raw, now()) == tsig::status::verified);
    dns::message m;
    REQUIRE_FALSE(dns::decode(*raw, m));
    CHECK(m.rcode() == rcode::noerror);
    REQUIRE(m.answer.size() == 1);
  }
}

TEST_CASE("tsig: CIDR entries keep working beside key entries, and keys come from the TOML config",
          "[integration][tsig]") {
  {
    bulk_server s({"--tsig-key", "xfr:" + secret, "--allow-transfer", "127.0.0.0/8",
                   "--allow-transfer", "key:xfr"});
    const auto at = address_of(*s.server);
    test::tcp_client client;
    REQUIRE(client.connect(at));
    REQUIRE(client.send_message(dns::encode(make_query("bulk.test.", rr_type::axfr, false))));
    auto raw = client.receive_message(10s);
    REQUIRE(raw);
    dns::message m;
    REQUIRE_FALSE(dns::decode(*raw, m));
    CHECK(m.rcode() == rcode::noerror);
    CHECK_FALSE(m.answer.empty());
  }
  temp_dir dir;
  write_file(dir / "bulk.test.zone", bulk_zone());
  write_file(dir / "ns.toml",
             "[server]\nlisten = [\"127.0.0.1:0\"]\nthreads = 1\nallow-transfer = [\"key:xfr\"]\n"
             "[[key]]\nname = \"xfr\"\nalgorithm = \"hmac-sha512\"\nsecret = \"" + secret + "\"\n"
             "[[zone]]\norigin = \"bulk.test.\"\nfile = \"bulk.test.zone\"\n");
  auto server = start_server({"--config", (dir / "ns.toml").string()});
  const auto t = axfr_signed(address_of(*server), "bulk.test.",
                             make_key("hmac-sha512:xfr:" + secret), now());
  CHECK(t.first_rcode == rcode::noerror);
  CHECK(t.soa_seen == 2);
  CHECK(t.all_verified);
}

TEST_CASE("tsig: bad keys and unknown key names are configuration errors", "[integration][tsig]") {
  temp_dir dir;
  write_file(dir / "z.zone", small_zone_text("z.test.", 1));
  const std::string zone = "z.test.=" + (dir / "z.zone").string();
  auto run = [&](std::vector<std::string> extra) {
    std::vector<std::string> argv = {binary().string(), "--check", "--zone", zone};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return test::run_command(argv, 20s);
  };
  auto r = run({"--tsig-key", "xfr:!!notbase64"});
  CHECK(r.status == 1);
  CHECK(contains(r.err, "base64"));
  r = run({"--tsig-key", "hmac-md5:xfr:" + secret});
  CHECK(r.status == 1);
  CHECK(contains(r.err, "hmac-md5"));
  r = run({"--allow-transfer", "key:nokey"});
  CHECK(r.status == 1);
  CHECK(contains(r.err, "key:nokey."));
  write_file(dir / "bad.toml", "[[key]]\nname = \"xfr\"\nsecret = \"@@\"\n");
  r = test::run_command({binary().string(), "--check", "--config", (dir / "bad.toml").string()}, 20s);
  CHECK(r.status == 1);
  CHECK(contains(r.err, "bad.toml:1:1"));
}

namespace {

// The NOERROR answer to a NOTIFY: its header with QR set, its question, signed for `state`.
test::bytes notify_answer(const test::bytes& notify, const tsig::request_state& state) {
  tsig::record_view v;
  REQUIRE(tsig::locate(notify, v) == tsig::locate_status::present);
  test::bytes answer(notify.begin(), notify.begin() + static_cast<std::ptrdiff_t>(v.offset));
  answer[2] |= 0x80;  // QR
  answer[10] = 0;
  answer[11] = 0;  // the TSIG was the only additional record
  REQUIRE_FALSE(test::append_response_tsig(state, answer, now()));
  return answer;
}

}  // namespace

TEST_CASE("tsig: NOTIFY to a secondary with a key is signed, and its answer checked",
          "[integration][tsig]") {
  const auto k = make_key("xfr:" + secret);
  tsig::keyring keys;
  keys.add(k);
  for (const bool answer_with_right_key : {true, false}) {
    // A secondary stand-in: receives one NOTIFY and answers it.
    test::udp_responder secondary;
    temp_dir dir;
    write_file(dir / "z.zone", small_zone_text("z.test.", 1));
    auto server = start_server({"--zone", "z.test.=" + (dir / "z.zone").string(), "--tsig-key",
                                "xfr:" + secret, "--notify",
                                "127.0.0.1:" + std::to_string(secondary.port()) + ",key:xfr"});
    const auto notify = secondary.receive(20s);
    REQUIRE(notify);
    tsig::request_state st;
    REQUIRE(tsig::verify_request(*notify, keys, now(), st) == tsig::status::verified);
    dns::message m;
    REQUIRE_FALSE(dns::decode(*notify, m));
    CHECK(m.hdr.op == dns::opcode::notify);
    if (answer_with_right_key) {
      REQUIRE(secondary.reply(notify_answer(*notify, st)));
      CHECK(wait_log(*server, "notify z.test. serial 1 to 127.0.0.1:" +
                                  std::to_string(secondary.port()) + ": acknowledged"));
    } else {
      tsig::keyring other;
      other.add(make_key("xfr:" + wrong_secret));
      tsig::request_state forged;
      (void)tsig::verify_request(*notify, other, now(), forged);
      forged.outcome = tsig::status::verified;
      REQUIRE(secondary.reply(notify_answer(*notify, forged)));
      CHECK(wait_log(*server, "answer's TSIG: BADSIG"));
    }
  }
}
