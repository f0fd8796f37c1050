// TSIG (RFC 8945): keys, signing and verifying requests, responses and streams, and every error.
#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "dnskit/dns/message.hpp"
#include "dnskit/dns/name.hpp"
#include "dnskit/dns/rdata.hpp"
#include "dnskit/dns/tsig.hpp"

using namespace dnskit::dns;
using bytes = std::vector<std::uint8_t>;

namespace {

constexpr std::uint64_t t0 = 1'800'000'000;  // a fixed "now": the checks take time as input
const std::string secret_b64 = "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0IQ==";

tsig::key make_key(const std::string& text) {
  std::string error;
  auto k = tsig::parse_key(text, error);
  INFO(error);
  REQUIRE(k);
  return *k;
}

bytes query_bytes(std::uint16_t id = 0x4242, rr_type type = rr_type::axfr) {
  return encode(make_query(id, name::from_text("example.test."), type, rr_class::in, false));
}

// A signed copy of `message` (room for the record added), and the request MAC.
bytes sign(bytes message, const tsig::key& k, std::uint64_t now, tsig::mac_bytes* mac = nullptr) {
  std::size_t size = message.size();
  message.resize(size + 512);
  tsig::mac_bytes m;
  REQUIRE_FALSE(tsig::sign_request(message, size, k, now, m));
  message.resize(size);
  if (mac != nullptr) *mac = m;
  return message;
}

// A response to `request` (its question, QR set, one A record), encoded.
bytes response_to(const bytes& request_without_tsig, std::uint32_t serial = 1) {
  message m;
  REQUIRE_FALSE(decode(request_without_tsig, m));
  m.hdr.qr = true;
  m.hdr.aa = true;
  record r;
  r.owner = name::from_text("example.test.");
  r.type = rr_type::a;
  r.ttl = serial;
  REQUIRE_FALSE(rdata_from_text(rr_type::a, "192.0.2.1", name{}, r.rdata));
  m.answer.push_back(r);
  return encode(m);
}

tsig::status sign_response(const tsig::request_state& st, tsig::response_signer& signer,
                           bytes& message, std::uint64_t now) {
  std::size_t size = message.size();
  message.resize(size + signer.record_size());
  const auto ec = signer.sign(message, size, now);
  REQUIRE_FALSE(ec);
  message.resize(size);
  return st.outcome;
}

// Rewrites the TSIG record of a signed message with its MAC cut to `mac_size` octets (the MAC
// does not cover its own size field, so a truncated MAC still verifies, §5.2.2.1).
bytes with_mac_size(const bytes& signed_message, std::size_t mac_size) {
  tsig::record_view v;
  REQUIRE(tsig::locate(signed_message, v) == tsig::locate_status::present);
  bytes out(signed_message.begin(), signed_message.begin() + static_cast<std::ptrdiff_t>(v.offset));
  auto u16 = [&out](std::size_t x) {
    out.push_back(static_cast<std::uint8_t>(x >> 8));
    out.push_back(static_cast<std::uint8_t>(x));
  };
  const auto owner = v.key_name.wire();
  out.insert(out.end(), owner.begin(), owner.end());
  u16(250);
  u16(255);
  u16(0);
  u16(0);
  const auto alg = v.algorithm_name.wire();
  const std::size_t rdlength = alg.size() + 6 + 2 + 2 + mac_size + 6 + v.other.size();
  u16(rdlength);
  out.insert(out.end(), alg.begin(), alg.end());
  u16(v.time_signed >> 32);
  u16((v.time_signed >> 16) & 0xffff);
  u16(v.time_signed & 0xffff);
  u16(v.fudge);
  u16(mac_size);
  for (std::size_t i = 0; i < mac_size; ++i) out.push_back(i < v.mac.size() ? v.mac[i] : 0);
  u16(v.original_id);
  u16(v.error);
  u16(v.other.size());
  out.insert(out.end(), v.other.begin(), v.other.end());
  return out;
}

void set_u16(bytes& b, std::size_t at, std::uint16_t v) {
  b[at] = static_cast<std::uint8_t>(v >> 8);
  b[at + 1] = static_cast<std::uint8_t>(v);
}

}  // namespace

TEST_CASE("tsig: keys in dig's -y form", "[unit][tsig]") {
  const auto k = make_key("xfr-key:" + secret_b64);
  CHECK(k.key_name == name::from_text("xfr-key."));
  CHECK(k.alg == tsig::algorithm::hmac_sha256);
  CHECK(std::string(k.secret.begin(), k.secret.end()) == "secret-secret-secret-secret!");

  CHECK(make_key("hmac-sha1:a.b:" + secret_b64).alg == tsig::algorithm::hmac_sha1);
  CHECK(make_key("HMAC-SHA512.:a.b.:" + secret_b64).alg == tsig::algorithm::hmac_sha512);
  CHECK(make_key("hmac-sha256:k:" + secret_b64).alg == tsig::algorithm::hmac_sha256);

  std::string error;
  CHECK_FALSE(tsig::parse_key("hmac-md5:k:" + secret_b64, error));
  CHECK(error.find("hmac-md5") != std::string::npos);
  CHECK_FALSE(tsig::parse_key("k:not base64!", error));
  CHECK(error.find("base64") != std::string::npos);
  CHECK_FALSE(tsig::parse_key("k:", error));
  CHECK_FALSE(tsig::parse_key(":" + secret_b64, error));
  CHECK_FALSE(tsig::parse_key(secret_b64, error));

  CHECK(tsig::algorithm_from_name(name::from_text("HMAC-SHA256.")) == tsig::algorithm::hmac_sha256);
  CHECK_FALSE(tsig::algorithm_from_name(name::from_text("hmac-md5.sig-alg.reg.int.")));
  CHECK(tsig::algorithm_name(tsig::algorithm::hmac_sha512) == name::from_text("hmac-sha512."));
  CHECK(tsig::full_mac_size(tsig::algorithm::hmac_sha1) == 20);
}

TEST_CASE("tsig: a signed request verifies, and its signed response verifies", "[unit][tsig]") {
  for (const char* alg : {"hmac-sha1", "hmac-sha256", "hmac-sha512"}) {
    INFO(alg);
    const auto k = make_key(std::string(alg) + ":xfr-key:" + secret_b64);
    tsig::keyring keys;
    keys.add(k);
    tsig::mac_bytes request_mac;
    const bytes query = query_bytes();
    const bytes request = sign(query, k, t0, &request_mac);
    CHECK(request_mac.size == tsig::full_mac_size(k.alg));

    tsig::request_state st;
    REQUIRE(tsig::verify_request(request, keys, t0 + 10, st) == tsig::status::verified);
    CHECK(st.signing_key == keys.find(k.key_name));
    CHECK(tsig::response_rcode(st.outcome) == 0);

    bytes response = response_to(query);
    tsig::response_signer signer(st);
    sign_response(st, signer, response, t0 + 11);
    tsig::response_verifier verifier(k, request_mac);
    CHECK(verifier.verify(response, t0 + 12) == tsig::status::verified);
    CHECK(verifier.last_verified());
    // Decodes as a message with the TSIG as its last additional record.
    message m;
    REQUIRE_FALSE(decode(response, m));
    REQUIRE(m.additional.size() == 1);
    CHECK(m.additional.back().type == rr_type::tsig);
  }
}

TEST_CASE("tsig: request errors, each with the RFC 8945 §5.2 outcome", "[unit][tsig]") {
  const auto k = make_key("xfr-key:" + secret_b64);
  tsig::keyring keys;
  keys.add(k);
  const bytes query = query_bytes();
  const bytes request = sign(query, k, t0);
  tsig::request_state st;

  SECTION("unsigned") {
    CHECK(tsig::verify_request(query, keys, t0, st) == tsig::status::unsigned_message);
  }
  SECTION("wrong secret: BADSIG, answered NOTAUTH") {
    const bytes forged = sign(query, make_key("xfr-key:c2VjcmV0Cg=="), t0);
    CHECK(tsig::verify_request(forged, keys, t0, st) == tsig::status::badsig);
    CHECK(tsig::response_rcode(st.outcome) == 9);
  }
  SECTION("a changed byte: BADSIG") {
    bytes changed = request;
    changed[2] ^= 0x01;  // the RD bit
    CHECK(tsig::verify_request(changed, keys, t0, st) == tsig::status::badsig);
  }
  SECTION("unknown key: BADKEY") {
    const bytes other = sign(query, make_key("other-key:" + secret_b64), t0);
    CHECK(tsig::verify_request(other, keys, t0, st) == tsig::status::badkey);
    CHECK(st.signing_key == nullptr);
    CHECK(tsig::response_rcode(st.outcome) == 9);
  }
  SECTION("known key, other algorithm: BADKEY") {
    const bytes other = sign(query, make_key("hmac-sha512:xfr-key:" + secret_b64), t0);
    CHECK(tsig::verify_request(other, keys, t0, st) == tsig::status::badkey);
  }
  SECTION("time outside the fudge: BADTIME; at the edge: verified") {
    CHECK(tsig::verify_request(request, keys, t0 + 300, st) == tsig::status::verified);
    CHECK(tsig::verify_request(request, keys, t0 - 300, st) == tsig::status::verified);
    CHECK(tsig::verify_request(request, keys, t0 + 301, st) == tsig::status::badtime);
    CHECK(tsig::verify_request(request, keys, t0 - 301, st) == tsig::status::badtime);
    CHECK(tsig::response_rcode(st.outcome) == 9);
  }
  SECTION("truncated MACs: BADTRUNC by policy, FORMERR below the RFC's minimum or too long") {
    CHECK(tsig::verify_request(with_mac_size(request, 32), keys, t0, st) == tsig::status::verified);
    CHECK(tsig::verify_request(with_mac_size(request, 16), keys, t0, st) == tsig::status::badtrunc);
    tsig::verify_options lenient;
    lenient.accept_truncated = true;
    CHECK(tsig::verify_request(with_mac_size(request, 16), keys, t0, st, lenient) ==
          tsig::status::verified);
    CHECK(tsig::verify_request(with_mac_size(request, 15), keys, t0, st, lenient) ==
          tsig::status::formerr);
    CHECK(tsig::verify_request(with_mac_size(request, 33), keys, t0, st) == tsig::status::formerr);
    CHECK(tsig::verify_request(with_mac_size(request, 0), keys, t0, st) == tsig::status::formerr);
  }
  SECTION("TSIG not last (an OPT after it): FORMERR") {
    bytes moved = request;
    moved.insert(moved.end(), {0, 0, 41, 0x04, 0xd0, 0, 0, 0, 0, 0, 0});  // OPT, no options
    set_u16(moved, 10, 2);
    CHECK(tsig::verify_request(moved, keys, t0, st) == tsig::status::formerr);
    CHECK(tsig::response_rcode(st.outcome) == 1);
  }
  SECTION("two TSIG records: FORMERR") {
    tsig::record_view v;
    REQUIRE(tsig::locate(request, v) == tsig::locate_status::present);
    bytes twice = request;
    twice.insert(twice.end(), request.begin() + static_cast<std::ptrdiff_t>(v.offset), request.end());
    set_u16(twice, 10, 2);
    CHECK(tsig::verify_request(twice, keys, t0, st) == tsig::status::formerr);
  }
  SECTION("TSIG in the answer section: FORMERR") {
    bytes moved = sign(encode(make_query(7, name::from_text("example.test."), rr_type::axfr,
                                         rr_class::in, false, std::nullopt)),
                       k, t0);
    set_u16(moved, 6, 1);   // ANCOUNT
    set_u16(moved, 10, 0);  // ARCOUNT
    CHECK(tsig::verify_request(moved, keys, t0, st) == tsig::status::formerr);
  }
  SECTION("TSIG of class IN: FORMERR") {
    tsig::record_view v;
    REQUIRE(tsig::locate(request, v) == tsig::locate_status::present);
    bytes wrong = request;
    set_u16(wrong, v.offset + v.key_name.wire_size() + 2, 1);
    CHECK(tsig::verify_request(wrong, keys, t0, st) == tsig::status::formerr);
  }
  SECTION("truncated TSIG record: FORMERR, at every length") {
    tsig::record_view v;
    REQUIRE(tsig::locate(request, v) == tsig::locate_status::present);
    for (std::size_t size = v.offset; size < request.size(); ++size) {
      const bytes cut(request.begin(), request.begin() + static_cast<std::ptrdiff_t>(size));
      CHECK(tsig::verify_request(cut, keys, t0, st) == tsig::status::formerr);
    }
  }
  SECTION("rdlength shorter than the TSIG rdata: FORMERR") {
    tsig::record_view v;
    REQUIRE(tsig::locate(request, v) == tsig::locate_status::present);
    bytes wrong = request;
    const std::size_t rdlength_at = v.offset + v.key_name.wire_size() + 8;
    set_u16(wrong, rdlength_at, static_cast<std::uint16_t>(request.size() - rdlength_at - 3));
    CHECK(tsig::verify_request(wrong, keys, t0, st) == tsig::status::formerr);
  }
}

TEST_CASE("tsig: error responses (RFC 8945 §5.3.2, §5.2.3)", "[unit][tsig]") {
  const auto k = make_key("xfr-key:" + secret_b64);
  tsig::keyring keys;
  keys.add(k);
  const bytes query = query_bytes();
  tsig::mac_bytes request_mac;
  tsig::request_state st;

  SECTION("BADKEY and BADSIG: the error, no MAC") {
    const bytes other = sign(query, make_key("other-key:" + secret_b64), t0);
    REQUIRE(tsig::verify_request(other, keys, t0, st) == tsig::status::badkey);
    bytes response = response_to(query);
    tsig::response_signer signer(st);
    sign_response(st, signer, response, t0);
    tsig::record_view v;
    REQUIRE(tsig::locate(response, v) == tsig::locate_status::present);
    CHECK(v.error == 17);
    CHECK(v.mac.empty());
    CHECK(v.key_name == name::from_text("other-key."));

    const bytes forged = sign(query, make_key("xfr-key:c2VjcmV0Cg=="), t0);
    REQUIRE(tsig::verify_request(forged, keys, t0, st) == tsig::status::badsig);
    bytes response2 = response_to(query);
    tsig::response_signer signer2(st);
    sign_response(st, signer2, response2, t0);
    REQUIRE(tsig::locate(response2, v) == tsig::locate_status::present);
    CHECK(v.error == 16);
    CHECK(v.mac.empty());
    tsig::response_verifier verifier(k, request_mac);
    CHECK(verifier.verify(response2, t0) == tsig::status::badsig);
  }
  SECTION("BADTIME: signed, the request's time, ours in Other Data") {
    const bytes request = sign(query, k, t0, &request_mac);
    REQUIRE(tsig::verify_request(request, keys, t0 + 1000, st) == tsig::status::badtime);
    bytes response = response_to(query);
    tsig::response_signer signer(st);
    sign_response(st, signer, response, t0 + 1000);
    tsig::record_view v;
    REQUIRE(tsig::locate(response, v) == tsig::locate_status::present);
    CHECK(v.error == 18);
    CHECK(v.time_signed == t0);
    REQUIRE(v.other.size() == 6);
    CHECK((std::uint64_t{v.other[2]} << 24 | std::uint64_t{v.other[3]} << 16 |
           std::uint64_t{v.other[4]} << 8 | v.other[5]) == t0 + 1000);
    // The MAC verifies (so the client can trust the BADTIME), the outcome is BADTIME.
    tsig::response_verifier verifier(k, request_mac);
    CHECK(verifier.verify(response, t0) == tsig::status::badtime);
    tsig::response_verifier wrong(make_key("xfr-key:c2VjcmV0Cg=="), request_mac);
    CHECK(wrong.verify(response, t0) == tsig::status::badsig);
  }
  SECTION("FORMERR and unsigned requests get no TSIG") {
    REQUIRE(tsig::verify_request(query, keys, t0, st) == tsig::status::unsigned_message);
    bytes response = response_to(query);
    const std::size_t before = response.size();
    tsig::response_signer signer(st);
    CHECK(signer.record_size() == 0);
    std::size_t size = before;
    CHECK_FALSE(signer.sign(response, size, t0));
    CHECK(size == before);
  }
  SECTION("no room for the record: no_space, the message unchanged") {
    const bytes request = sign(query, k, t0, &request_mac);
    REQUIRE(tsig::verify_request(request, keys, t0, st) == tsig::status::verified);
    bytes response = response_to(query);
    const bytes original = response;
    std::size_t size = response.size();
    response.resize(size + 10);
    tsig::response_signer signer(st);
    CHECK(signer.sign(response, size, t0));
    CHECK(size == original.size());
    CHECK(bytes(response.begin(), response.begin() + static_cast<std::ptrdiff_t>(size)) == original);
  }
}

TEST_CASE("tsig: a multi-message response is signed message by message (§5.3.1)", "[unit][tsig]") {
  const auto k = make_key("xfr-key:" + secret_b64);
  tsig::keyring keys;
  keys.add(k);
  const bytes query = query_bytes();
  tsig::mac_bytes request_mac;
  const bytes request = sign(query, k, t0, &request_mac);
  tsig::request_state st;
  REQUIRE(tsig::verify_request(request, keys, t0, st) == tsig::status::verified);

  tsig::response_signer signer(st);
  std::vector<bytes> stream;
  for (std::uint32_t i = 1; i <= 4; ++i) {
    stream.push_back(response_to(query, i));
    sign_response(st, signer, stream.back(), t0 + i);
  }
  SECTION("every message verifies in order") {
    tsig::response_verifier verifier(k, request_mac);
    for (const auto& m : stream) CHECK(verifier.verify(m, t0 + 5) == tsig::status::verified);
  }
  SECTION("out of order: BADSIG (each MAC chains to the one before)") {
    tsig::response_verifier verifier(k, request_mac);
    CHECK(verifier.verify(stream[0], t0 + 5) == tsig::status::verified);
    CHECK(verifier.verify(stream[2], t0 + 5) == tsig::status::badsig);
  }
  SECTION("a later message verified as if it were the first: BADSIG (timers only)") {
    tsig::response_verifier verifier(k, request_mac);
    CHECK(verifier.verify(stream[1], t0 + 5) == tsig::status::badsig);
  }
  SECTION("a first message without TSIG: FORMERR") {
    tsig::response_verifier verifier(k, request_mac);
    CHECK(verifier.verify(response_to(query), t0) == tsig::status::formerr);
  }
}
