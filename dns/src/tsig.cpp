// TSIG (RFC 8945). The MAC covers (§4.3.3): the request's MAC (responses), the message as it
// was before the TSIG record was added (its ID the original ID, ARCOUNT one less), and the TSIG
// variables; later messages of a stream cover the previous MAC, the messages since, and the
// timers only (§4.3.1, §5.3.1).
#include "dnskit/dns/tsig.hpp"

#include <algorithm>
#include <array>
#include <utility>

#include "dnskit/dns/errc.hpp"
#include "dnskit/dns/rr_type.hpp"
#include "dnskit/dns/wire.hpp"
#include "text_util.hpp"
#include "tsig_hmac.hpp"

namespace dnskit::dns::tsig {
namespace {

constexpr std::uint16_t class_any = 255;
constexpr std::size_t header_size = 12;
constexpr std::size_t arcount_offset = 10;
constexpr std::size_t time_size = 6;  // 48-bit Time Signed / Other Data of BADTIME
// More unsigned messages in a row than a stream may have (§5.3.1: at least every 100th is signed).
constexpr std::size_t max_unsigned_in_row = 99;

struct algorithm_row {
  algorithm alg;
  std::string_view text;
  std::size_t mac_size;
};
constexpr std::array<algorithm_row, 3> algorithms = {{
    {algorithm::hmac_sha1, "hmac-sha1", 20},
    {algorithm::hmac_sha256, "hmac-sha256", 32},
    {algorithm::hmac_sha512, "hmac-sha512", 64},
}};

const algorithm_row& row(algorithm a) noexcept {
  for (const auto& r : algorithms) {
    if (r.alg == a) return r;
  }
  return algorithms[1];
}

std::uint16_t read_u16(std::span<const std::uint8_t> b, std::size_t at) noexcept {
  return static_cast<std::uint16_t>(b[at] << 8 | b[at + 1]);
}

std::uint64_t distance(std::uint64_t a, std::uint64_t b) noexcept { return a > b ? a - b : b - a; }

// The shortest MAC the RFC allows for an algorithm (§5.2.2.1): max(10, half the full size).
std::size_t rfc_min_mac_size(std::size_t full) noexcept { return std::max<std::size_t>(10, full / 2); }

mac_bytes copy_mac(std::span<const std::uint8_t> mac) noexcept {
  mac_bytes out;
  out.size = std::min(mac.size(), out.data.size());
  std::copy_n(mac.begin(), out.size, out.data.begin());
  return out;
}

std::array<std::uint8_t, time_size> u48_bytes(std::uint64_t v) noexcept {
  std::array<std::uint8_t, time_size> out{};
  for (std::size_t i = 0; i < time_size; ++i) {
    out[i] = static_cast<std::uint8_t>(v >> (8 * (time_size - 1 - i)));
  }
  return out;
}

// The message as it was before its TSIG record was added: the header with the original ID and
// ARCOUNT one less, then everything up to the TSIG record (§4.3.2).
void digest_message(detail::hmac& h, std::span<const std::uint8_t> message, std::size_t tsig_offset,
                    std::uint16_t original_id, bool remove_tsig) {
  h.update_u16(original_id);
  h.update(message.subspan(2, arcount_offset - 2));
  const std::uint16_t arcount = read_u16(message, arcount_offset);
  h.update_u16(remove_tsig ? static_cast<std::uint16_t>(arcount - 1) : arcount);
  h.update(message.subspan(header_size, tsig_offset - header_size));
}

struct variables {
  const name* key_name;
  const name* algorithm_name;
  std::uint64_t time_signed;
  std::uint16_t fudge;
  std::uint16_t error;
  std::span<const std::uint8_t> other;
};

// The TSIG variables (§4.3.3): names in canonical form (lowercase, uncompressed).
void digest_variables(detail::hmac& h, const variables& v) {
  h.update(v.key_name->lowercase().wire());
  h.update_u16(class_any);
  h.update_u32(0);  // TTL
  h.update(v.algorithm_name->lowercase().wire());
  h.update_u48(v.time_signed);
  h.update_u16(v.fudge);
  h.update_u16(v.error);
  h.update_u16(static_cast<std::uint16_t>(v.other.size()));
  h.update(v.other);
}

// §4.3.1: later messages of a stream cover only Time Signed and Fudge.
void digest_timers(detail::hmac& h, std::uint64_t time_signed, std::uint16_t fudge) {
  h.update_u48(time_signed);
  h.update_u16(fudge);
}

void digest_prior_mac(detail::hmac& h, std::span<const std::uint8_t> mac) {
  h.update_u16(static_cast<std::uint16_t>(mac.size()));
  h.update(mac);
}

struct tsig_fields {
  const name* key_name;
  const name* algorithm_name;
  std::uint64_t time_signed;
  std::uint16_t fudge;
  std::span<const std::uint8_t> mac;
  std::uint16_t original_id;
  std::uint16_t error;
  std::span<const std::uint8_t> other;
};

std::size_t record_size_of(const name& key_name, const name& algorithm_name, std::size_t mac_size,
                           std::size_t other_size) noexcept {
  return key_name.wire_size() + 10 + algorithm_name.wire_size() + time_size + 2 + 2 + mac_size +
         2 + 2 + 2 + other_size;
}

// Appends the TSIG record (names uncompressed, as RFC 8945 §4.2 wants them) and counts it in
// ARCOUNT.
std::error_code append_record(std::span<std::uint8_t> buffer, std::size_t& size,
                              const tsig_fields& f) {
  if (size < header_size || size > buffer.size()) return errc::short_read;
  const std::uint16_t arcount = read_u16(buffer, arcount_offset);
  if (arcount == 0xffff) return errc::too_many_records;
  wire_writer w(buffer.subspan(size));
  w.write_name(*f.key_name, false);
  w.u16(static_cast<std::uint16_t>(rr_type::tsig));
  w.u16(class_any);
  w.u32(0);
  const std::size_t rdlength_at = w.size();
  w.u16(0);
  w.write_name(*f.algorithm_name, false);
  w.bytes(u48_bytes(f.time_signed));
  w.u16(f.fudge);
  w.u16(static_cast<std::uint16_t>(f.mac.size()));
  w.bytes(f.mac);
  w.u16(f.original_id);
  w.u16(f.error);
  w.u16(static_cast<std::uint16_t>(f.other.size()));
  w.bytes(f.other);
  if (w.overflow()) return errc::no_space;
  w.patch_u16(rdlength_at, static_cast<std::uint16_t>(w.size() - rdlength_at - 2));
  const std::uint16_t new_count = arcount + 1;
  buffer[arcount_offset] = static_cast<std::uint8_t>(new_count >> 8);
  buffer[arcount_offset + 1] = static_cast<std::uint8_t>(new_count);
  size += w.size();
  return {};
}

error error_of(status s) noexcept {
  switch (s) {
    case status::badkey: return error::badkey;
    case status::badsig: return error::badsig;
    case status::badtime: return error::badtime;
    case status::badtrunc: return error::badtrunc;
    default: return error::noerror;
  }
}

status status_of(std::uint16_t e) noexcept {
  switch (static_cast<error>(e)) {
    case error::badkey: return status::badkey;
    case error::badtime: return status::badtime;
    case error::badtrunc: return status::badtrunc;
    default: return status::badsig;
  }
}

}  // namespace

std::optional<algorithm> algorithm_from_string(std::string_view text) noexcept {
  if (!text.empty() && text.back() == '.') text.remove_suffix(1);
  for (const auto& r : algorithms) {
    if (detail::iequals(text, r.text)) return r.alg;
  }
  return std::nullopt;
}

std::optional<algorithm> algorithm_from_name(const name& n) noexcept {
  for (const auto& r : algorithms) {
    if (n == algorithm_name(r.alg)) return r.alg;
  }
  return std::nullopt;
}

std::string_view to_string(algorithm a) noexcept { return row(a).text; }

const name& algorithm_name(algorithm a) {
  static const std::array<name, 3> names = {name::from_text("hmac-sha1."),
                                            name::from_text("hmac-sha256."),
                                            name::from_text("hmac-sha512.")};
  const auto index = static_cast<std::size_t>(a);  // the enum's values are the rows' order
  return names[index < names.size() ? index : 1];
}

std::size_t full_mac_size(algorithm a) noexcept { return row(a).mac_size; }

std::optional<key> parse_key(std::string_view text, std::string& error) {
  // Base64 has no ':', so the secret is after the last one; an algorithm, if any, before the
  // first of two.
  const auto last = text.rfind(':');
  if (last == std::string_view::npos) {
    error = "expected [ALGORITHM:]NAME:BASE64SECRET";
    return std::nullopt;
  }
  std::string_view head = text.substr(0, last);
  const std::string_view secret_text = text.substr(last + 1);
  key k;
  if (const auto first = head.find(':'); first != std::string_view::npos) {
    const std::string_view alg_text = head.substr(0, first);
    const auto alg = algorithm_from_string(alg_text);
    if (!alg) {
      error = "unknown TSIG algorithm '" + std::string(alg_text) +
              "' (hmac-sha1, hmac-sha256, hmac-sha512)";
      return std::nullopt;
    }
    k.alg = *alg;
    head = head.substr(first + 1);
  }
  std::error_code ec;
  if (head.empty()) {
    error = "empty key name";
    return std::nullopt;
  }
  k.key_name = name::from_text(head, ec);
  if (ec) {
    error = "bad key name '" + std::string(head) + "': " + ec.message();
    return std::nullopt;
  }
  rdata_bytes secret;
  if (secret_text.empty() || !detail::decode_base64(secret_text, secret) || secret.empty()) {
    error = "bad base64 secret for key '" + std::string(head) + "'";
    return std::nullopt;
  }
  k.secret.assign(secret.begin(), secret.end());
  return k;
}

void keyring::add(key k) {
  for (auto& existing : keys_) {
    if (existing.key_name == k.key_name) {
      existing = std::move(k);
      return;
    }
  }
  keys_.push_back(std::move(k));
}

const key* keyring::find(const name& key_name) const noexcept {
  for (const auto& k : keys_) {
    if (k.key_name == key_name) return &k;
  }
  return nullptr;
}

std::string_view to_string(error e) noexcept {
  switch (e) {
    case error::noerror: return "NOERROR";
    case error::badsig: return "BADSIG";
    case error::badkey: return "BADKEY";
    case error::badtime: return "BADTIME";
    case error::badtrunc: return "BADTRUNC";
  }
  return "TSIG error";
}

std::string_view to_string(status s) noexcept {
  switch (s) {
    case status::unsigned_message: return "unsigned";
    case status::verified: return "verified";
    case status::formerr: return "FORMERR";
    case status::badkey: return "BADKEY";
    case status::badsig: return "BADSIG";
    case status::badtrunc: return "BADTRUNC";
    case status::badtime: return "BADTIME";
  }
  return "unknown";
}

locate_status locate(std::span<const std::uint8_t> message, record_view& out) {
  wire_reader r(message);
  r.u16();  // ID
  r.u16();  // flags
  const std::size_t qdcount = r.u16();
  const std::size_t ancount = r.u16();
  const std::size_t nscount = r.u16();
  const std::size_t arcount = r.u16();
  if (r.error()) return locate_status::malformed;
  for (std::size_t i = 0; i < qdcount && !r.error(); ++i) {
    r.read_name();
    r.u16();
    r.u16();
  }
  const std::size_t total = ancount + nscount + arcount;
  bool found = false;
  for (std::size_t i = 0; i < total; ++i) {
    const std::size_t start = r.offset();
    name owner = r.read_name();
    const auto type = static_cast<rr_type>(r.u16());
    const std::uint16_t klass = r.u16();
    const std::uint32_t ttl = r.u32();
    const std::uint16_t rdlength = r.u16();
    wire_reader rdata = r.sub(rdlength);
    if (r.error()) return locate_status::malformed;
    if (type != rr_type::tsig) continue;
    // §5.2: only one, the last record of the additional section; class ANY, TTL 0 (§4.2).
    if (i + 1 != total || i < ancount + nscount || klass != class_any || ttl != 0) {
      return locate_status::malformed;
    }
    out.offset = start;
    out.key_name = std::move(owner);
    out.algorithm_name = rdata.read_name();
    const std::uint64_t high = rdata.u16();
    out.time_signed = high << 32 | rdata.u32();
    out.fudge = rdata.u16();
    out.mac = rdata.bytes(rdata.u16());
    out.original_id = rdata.u16();
    out.error = rdata.u16();
    out.other = rdata.bytes(rdata.u16());
    if (rdata.error() || !rdata.at_end()) return locate_status::malformed;
    found = true;
  }
  if (!found) return r.error() ? locate_status::malformed : locate_status::absent;
  return r.at_end() ? locate_status::present : locate_status::malformed;
}

status verify_request(std::span<const std::uint8_t> message, const keyring& keys,
                      std::uint64_t now, request_state& out, const verify_options& options) {
  out = request_state{};
  record_view tsig;
  switch (locate(message, tsig)) {
    case locate_status::absent: return out.outcome = status::unsigned_message;
    case locate_status::malformed: return out.outcome = status::formerr;
    case locate_status::present: break;
  }
  out.key_name = tsig.key_name;
  out.algorithm_name = tsig.algorithm_name;
  out.time_signed = tsig.time_signed;
  out.fudge = tsig.fudge;
  out.original_id = tsig.original_id;

  // §5.2.1: the key must be known, with the algorithm the request names.
  const key* k = keys.find(tsig.key_name);
  const auto alg = algorithm_from_name(tsig.algorithm_name);
  if (k == nullptr || !alg || *alg != k->alg) return out.outcome = status::badkey;
  out.signing_key = k;

  // §5.2.2.1: a MAC longer than the algorithm's, or shorter than max(10, half of it), is FORMERR.
  const std::size_t full = full_mac_size(k->alg);
  if (tsig.mac.size() > full || tsig.mac.size() < rfc_min_mac_size(full)) {
    return out.outcome = status::formerr;
  }
  out.request_mac = copy_mac(tsig.mac);

  detail::hmac h(k->alg, k->secret);
  digest_message(h, message, tsig.offset, tsig.original_id, true);
  digest_variables(h, {&tsig.key_name, &tsig.algorithm_name, tsig.time_signed, tsig.fudge,
                       tsig.error, tsig.other});
  const mac_bytes expected = h.finish();
  if (expected.size != full ||
      !detail::equal_in_constant_time(tsig.mac, expected.view().first(tsig.mac.size()))) {
    return out.outcome = status::badsig;
  }
  if (tsig.mac.size() < full && !options.accept_truncated) return out.outcome = status::badtrunc;
  // §5.2.3: now must lie within Time Signed ± Fudge.
  if (distance(now, tsig.time_signed) > tsig.fudge) return out.outcome = status::badtime;
  return out.outcome = status::verified;
}

std::uint16_t response_rcode(status s) noexcept {
  switch (s) {
    case status::unsigned_message:
    case status::verified: return static_cast<std::uint16_t>(rcode::noerror);
    case status::formerr: return static_cast<std::uint16_t>(rcode::formerr);
    default: return static_cast<std::uint16_t>(rcode::notauth);
  }
}

response_signer::response_signer(const request_state& request) : request_(request) {}

std::size_t response_signer::record_size() const noexcept {
  const status s = request_.outcome;
  if (s == status::unsigned_message || s == status::formerr) return 0;
  const bool has_mac = s == status::verified || s == status::badtime;
  const std::size_t mac = has_mac && request_.signing_key != nullptr
                              ? full_mac_size(request_.signing_key->alg)
                              : 0;
  return record_size_of(request_.key_name, request_.algorithm_name, mac,
                        s == status::badtime ? time_size : 0);
}

std::error_code response_signer::sign(std::span<std::uint8_t> buffer, std::size_t& size,
                                      std::uint64_t now) {
  const status s = request_.outcome;
  // An unsigned request gets an unsigned response; a FORMERR one carries no TSIG (§5.2).
  if (s == status::unsigned_message || s == status::formerr) return {};
  if (size < header_size || size > buffer.size()) return errc::short_read;
  const auto tsig_error = static_cast<std::uint16_t>(error_of(s));
  // §5.3.2: an error about the key or the MAC is sent unsigned (no MAC); BADTIME is signed, with
  // the request's Time Signed and our time in Other Data (§5.2.3).
  const bool signed_response = (s == status::verified || s == status::badtime) &&
                               request_.signing_key != nullptr;
  const std::uint64_t time_signed = s == status::badtime ? request_.time_signed : now;
  const auto now_bytes = u48_bytes(now);
  const std::span<const std::uint8_t> other =
      s == status::badtime ? std::span<const std::uint8_t>(now_bytes) : std::span<const std::uint8_t>{};
  mac_bytes mac;
  if (signed_response) {
    const key& k = *request_.signing_key;
    detail::hmac h(k.alg, k.secret);
    digest_prior_mac(h, first_ ? request_.request_mac.view() : prior_mac_.view());
    digest_message(h, std::span<const std::uint8_t>(buffer.data(), size), size,
                   request_.original_id, false);
    if (first_) {
      digest_variables(h, {&request_.key_name, &request_.algorithm_name, time_signed,
                           default_fudge, tsig_error, other});
    } else {
      digest_timers(h, time_signed, default_fudge);
    }
    mac = h.finish();
    if (mac.size == 0) return std::make_error_code(std::errc::not_supported);
  }
  const std::error_code ec = append_record(
      buffer, size,
      {&request_.key_name, &request_.algorithm_name, time_signed, default_fudge, mac.view(),
       request_.original_id, tsig_error, other});
  if (ec) return ec;
  prior_mac_ = mac;
  first_ = false;
  return {};
}

std::error_code sign_request(std::span<std::uint8_t> buffer, std::size_t& size, const key& k,
                             std::uint64_t now, mac_bytes& mac, std::uint16_t fudge) {
  if (size < header_size || size > buffer.size()) return errc::short_read;
  const name& alg_name = algorithm_name(k.alg);
  detail::hmac h(k.alg, k.secret);
  const std::uint16_t id = read_u16(buffer, 0);
  digest_message(h, std::span<const std::uint8_t>(buffer.data(), size), size, id, false);
  digest_variables(h, {&k.key_name, &alg_name, now, fudge, 0, {}});
  mac = h.finish();
  if (mac.size == 0) return std::make_error_code(std::errc::not_supported);
  return append_record(buffer, size, {&k.key_name, &alg_name, now, fudge, mac.view(), id, 0, {}});
}

response_verifier::response_verifier(const key& k, const mac_bytes& request_mac)
    : key_(k), prior_mac_(request_mac) {}

status response_verifier::verify(std::span<const std::uint8_t> message, std::uint64_t now) {
  last_verified_ = false;
  record_view tsig;
  switch (locate(message, tsig)) {
    case locate_status::malformed: return status::formerr;
    case locate_status::absent:
      // The first message must be signed; later ones may go unsigned, up to 99 in a row, and
      // are covered by the next signed one (§5.3.1).
      if (first_ || ++pending_count_ > max_unsigned_in_row) return status::formerr;
      pending_.insert(pending_.end(), message.begin(), message.end());
      return status::unsigned_message;
    case locate_status::present: break;
  }
  const auto alg = algorithm_from_name(tsig.algorithm_name);
  if (tsig.key_name != key_.key_name || !alg || *alg != key_.alg) return status::badkey;
  if (tsig.error != 0 && tsig.mac.empty()) return status_of(tsig.error);
  const std::size_t full = full_mac_size(key_.alg);
  if (tsig.mac.size() > full || tsig.mac.size() < rfc_min_mac_size(full)) return status::formerr;

  detail::hmac h(key_.alg, key_.secret);
  digest_prior_mac(h, prior_mac_.view());
  h.update(pending_);
  digest_message(h, message, tsig.offset, tsig.original_id, true);
  if (first_) {
    digest_variables(h, {&tsig.key_name, &tsig.algorithm_name, tsig.time_signed, tsig.fudge,
                         tsig.error, tsig.other});
  } else {
    digest_timers(h, tsig.time_signed, tsig.fudge);
  }
  const mac_bytes expected = h.finish();
  if (expected.size != full ||
      !detail::equal_in_constant_time(tsig.mac, expected.view().first(tsig.mac.size()))) {
    return status::badsig;
  }
  if (tsig.error != 0) return status_of(tsig.error);  // a signed BADTIME
  if (distance(now, tsig.time_signed) > tsig.fudge) return status::badtime;
  prior_mac_ = copy_mac(tsig.mac);
  pending_.clear();
  pending_count_ = 0;
  first_ = false;
  last_verified_ = true;
  return status::verified;
}

}  // namespace dnskit::dns::tsig
