#pragma once
// TSIG, secret key transaction authentication (RFC 8945): keys, finding the TSIG record of a
// message, verifying signed requests and responses, and signing responses, multi-message
// transfer streams (§5.3.1) and requests. Everything works on wire bytes, so a server signs the
// response it already encoded by appending one record; time is passed in (seconds since the
// epoch), so every check is a pure function of its input.
//
// The HMAC is OpenSSL's (libcrypto); MACs are compared in constant time.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "dnskit/dns/name.hpp"

namespace dnskit::dns::tsig {

// The HMAC algorithms (RFC 8945 §6): SHA-256 is the one to use, SHA-1 and SHA-512 are there
// for peers that still use them.
enum class algorithm : std::uint8_t { hmac_sha1, hmac_sha256, hmac_sha512 };

// "hmac-sha256", "hmac-sha256." (the wire name in presentation form), any case.
std::optional<algorithm> algorithm_from_string(std::string_view text) noexcept;
// The algorithm a TSIG record names; empty for an algorithm we do not implement.
std::optional<algorithm> algorithm_from_name(const name& n) noexcept;
// "hmac-sha256" etc. (without the trailing dot, as dig's -y form writes it).
std::string_view to_string(algorithm a) noexcept;
// The wire name ("hmac-sha256.").
const name& algorithm_name(algorithm a);
// Length of the full MAC in octets (20, 32, 64).
std::size_t full_mac_size(algorithm a) noexcept;

// The longest MAC any algorithm here produces.
inline constexpr std::size_t max_mac_size = 64;
// The fudge we put in what we sign, and accept in what we check (RFC 8945 §10: 300 s).
inline constexpr std::uint16_t default_fudge = 300;

struct key {
  name key_name;
  algorithm alg = algorithm::hmac_sha256;
  std::vector<std::uint8_t> secret;
};

// Parses dig's -y form "[ALGORITHM:]NAME:BASE64SECRET" (default hmac-sha256). Returns the key,
// or empty with `error` saying what is wrong (unknown algorithm, bad name, bad or empty base64).
std::optional<key> parse_key(std::string_view text, std::string& error);

// Keys by name (case-insensitive). Few keys are configured, so a vector is enough.
class keyring {
 public:
  // Replaces a key of the same name.
  void add(key k);
  const key* find(const name& key_name) const noexcept;
  bool empty() const noexcept { return keys_.empty(); }
  std::size_t size() const noexcept { return keys_.size(); }

 private:
  std::vector<key> keys_;
};

// The TSIG error field (RFC 8945 §3, the IANA "TSIG/TKEY RCODEs").
enum class error : std::uint16_t {
  noerror = 0,
  badsig = 16,
  badkey = 17,
  badtime = 18,
  badtrunc = 22,
};
std::string_view to_string(error e) noexcept;

// The TSIG record of a message, as found by locate(). The spans point into the message.
struct record_view {
  std::size_t offset = 0;  // where the TSIG RR starts; the message without it is [0, offset)
  name key_name;
  name algorithm_name;
  std::uint64_t time_signed = 0;  // 48 bits
  std::uint16_t fudge = 0;
  std::span<const std::uint8_t> mac;
  std::uint16_t original_id = 0;
  std::uint16_t error = 0;
  std::span<const std::uint8_t> other;
};

enum class locate_status {
  absent,     // no TSIG record
  present,    // one TSIG record, the last of the additional section, well formed
  malformed,  // a TSIG record elsewhere, twice, with class other than ANY or TTL other than 0,
              // or with rdata that does not parse; or a message that does not parse: FORMERR
              // (RFC 8945 §5.2)
};
// Walks the message's records (names and counts checked, no allocation for names up to 47
// octets) and finds its TSIG record.
locate_status locate(std::span<const std::uint8_t> message, record_view& out);

// A MAC kept by value (a request's, or the previous message's in a stream).
struct mac_bytes {
  std::array<std::uint8_t, max_mac_size> data{};
  std::size_t size = 0;
  std::span<const std::uint8_t> view() const noexcept { return {data.data(), size}; }
};

// The outcome of checking a signed request (RFC 8945 §5.2).
enum class status {
  unsigned_message,  // no TSIG record: nothing to check, nothing to sign
  verified,
  formerr,   // TSIG in the wrong place, twice, malformed, or a MAC size out of bounds (§5.2.2.1)
  badkey,    // unknown key, or the key's algorithm differs (§5.2.1)
  badsig,    // the MAC does not verify (§5.2.2)
  badtrunc,  // a truncated MAC shorter than our policy accepts (§5.2.2.1)
  badtime,   // the time signed is outside now ± fudge (§5.2.3)
};
std::string_view to_string(status s) noexcept;

struct verify_options {
  // Our truncation policy (RFC 8945 §5.2.2.1): by default only full-length MACs are accepted
  // (a shorter one that verifies gets BADTRUNC); when true, any MAC down to the RFC's minimum,
  // max(10, half the full size), is. MACs outside the RFC's bounds are FORMERR either way.
  bool accept_truncated = false;
};

// What a server keeps from a signed request to sign its response(s): the key, the request's
// MAC and TSIG fields, and the outcome (badkey/badsig/badtime responses carry that error).
struct request_state {
  status outcome = status::unsigned_message;
  const key* signing_key = nullptr;  // null unless the key was found (not for badkey)
  name key_name;
  name algorithm_name;
  std::uint64_t time_signed = 0;
  std::uint16_t fudge = 0;
  std::uint16_t original_id = 0;
  mac_bytes request_mac;
};

// Checks a request (RFC 8945 §5.2) against `keys` at time `now` (seconds since the epoch).
// `out.outcome` is the result; it is returned too.
status verify_request(std::span<const std::uint8_t> message, const keyring& keys,
                      std::uint64_t now, request_state& out, const verify_options& options = {});

// The rcode a server answers with for a request outcome: NOERROR for unsigned and verified
// (the normal answer), FORMERR, or NOTAUTH for badkey/badsig/badtime/badtrunc (§5.2).
std::uint16_t response_rcode(status s) noexcept;

// Signs the responses to one request: a single response, or every message of a multi-message
// response (AXFR/IXFR over TCP, §5.3.1). The first message's MAC covers the request's MAC and
// all TSIG variables; each later one covers the previous MAC and the timers only.
// For badkey and badsig the TSIG record carries the error and no MAC (§5.3.2); for badtime it is
// signed, with the request's time signed and our time in Other Data (§5.2.3).
class response_signer {
 public:
  explicit response_signer(const request_state& request);

  // Appends the TSIG record to the message in buffer[0, size) and increments ARCOUNT; `size`
  // becomes the new size. Errors: errc::no_space (the buffer is too small; nothing changed),
  // short_read (fewer than 12 bytes of message).
  std::error_code sign(std::span<std::uint8_t> buffer, std::size_t& size, std::uint64_t now);

  // The octets the TSIG record will take (to keep room for it when filling a response).
  std::size_t record_size() const noexcept;

 private:
  request_state request_;
  mac_bytes prior_mac_;
  bool first_ = true;
};

// Client side: signs a request. `mac` receives its MAC, needed to check the response.
std::error_code sign_request(std::span<std::uint8_t> buffer, std::size_t& size, const key& k,
                             std::uint64_t now, mac_bytes& mac,
                             std::uint16_t fudge = default_fudge);

// Client side: checks the response(s) to a signed request, one message after the other (a
// transfer's stream may leave up to 99 messages in a row unsigned, §5.3.1; they are covered by
// the next signed one). Each call returns verified for a signed message that checks out,
// unsigned_message for one taken on trust until the next signed one (or formerr when more than
// 99 come in a row), or the error (a TSIG error the server sent is reported as that error).
class response_verifier {
 public:
  response_verifier(const key& k, const mac_bytes& request_mac);
  status verify(std::span<const std::uint8_t> message, std::uint64_t now);
  // True when the last message given was signed and verified (a stream must end so).
  bool last_verified() const noexcept { return last_verified_; }

 private:
  key key_;  // a copy: the verifier may outlive the caller's key
  mac_bytes prior_mac_;
  std::vector<std::uint8_t> pending_;  // unsigned messages since the last signed one
  std::size_t pending_count_ = 0;
  bool first_ = true;
  bool last_verified_ = false;
};

}  // namespace dnskit::dns::tsig
