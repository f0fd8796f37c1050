// The messages of a transfer in; the rules are listed in secondary_axfr.hpp.
#include "secondary_axfr.hpp"

#include <fmt/core.h>

#include "dnskit/dns/message.hpp"
#include "dnskit/dns/rdata.hpp"

namespace dnskit::nameserver {

namespace tsig = dns::tsig;

namespace detail {

std::string tsig_problem(tsig::status st, const tsig::key& key,
                         std::span<const std::uint8_t> message) {
  const std::string name = key.key_name.to_text();
  tsig::record_view ignored;
  if (st == tsig::status::formerr && tsig::locate(message, ignored) == tsig::locate_status::absent) {
    st = tsig::status::unsigned_message;  // the verifier's FORMERR for an unsigned first answer
  }
  switch (st) {
    case tsig::status::badkey:
      return fmt::format("TSIG BADKEY: the primary does not know key {} (or not with {})", name,
                         tsig::to_string(key.alg));
    case tsig::status::badsig:
      return fmt::format("TSIG BADSIG: the MAC does not verify: the secrets of key {} differ", name);
    case tsig::status::badtime:
      return "TSIG BADTIME: the clocks of the primary and this server differ by more than 300 s";
    case tsig::status::unsigned_message:
      return fmt::format("the answer is not signed with key {}", name);
    default:
      return fmt::format("TSIG {}", tsig::to_string(st));
  }
}

bool answers_our_query(const dns::message& m, std::uint16_t id, std::string& error) {
  if (m.hdr.id != id || !m.hdr.qr || m.hdr.op != dns::opcode::query) {
    error = "the answer does not match the query (ID, QR or opcode)";
    return false;
  }
  if (m.rcode() != dns::rcode::noerror) {
    error = fmt::format("the primary answered {}", dns::to_string(m.rcode()));
    return false;
  }
  if (m.hdr.tc) {
    error = "the answer is truncated";
    return false;
  }
  return true;
}

bool is_apex_soa(const dns::record& r, const dns::name& origin) {
  return r.type == dns::rr_type::soa && r.owner == origin;
}

}  // namespace detail

using detail::answers_our_query;
using detail::is_apex_soa;
using detail::tsig_problem;

std::vector<std::uint8_t> make_transfer_query(const dns::name& origin, dns::rr_type type,
                                              std::uint16_t id, const tsig::key* key,
                                              std::uint64_t now, tsig::mac_bytes& mac,
                                              const dns::record* authority) {
  // No RD (we ask the primary itself, RFC 5936 §2.2.1 leaves RD to the client) and no EDNS:
  // every primary answers these plain forms.
  dns::message m = dns::make_query(id, origin, type, dns::rr_class::in, false, std::nullopt);
  if (authority != nullptr) m.authority.push_back(*authority);
  std::vector<std::uint8_t> wire = dns::encode(m);
  if (key != nullptr) {
    std::size_t size = wire.size();
    wire.resize(size + 512);  // room for the TSIG record (name, algorithm, a MAC of 64 bytes)
    if (tsig::sign_request(wire, size, *key, now, mac)) return {};
    wire.resize(size);
  }
  return wire;
}

std::optional<std::uint32_t> read_soa_answer(std::span<const std::uint8_t> message,
                                             const dns::name& origin, std::uint16_t id,
                                             const tsig::key* key,
                                             const tsig::mac_bytes& request_mac,
                                             std::uint64_t now, std::string& error) {
  dns::message m;
  if (const auto ec = dns::decode(message, m)) {
    error = fmt::format("the answer to the SOA query does not decode: {}", ec.message());
    return std::nullopt;
  }
  if (key != nullptr) {
    tsig::response_verifier verifier(*key, request_mac);
    const tsig::status st = verifier.verify(message, now);
    if (st != tsig::status::verified) {
      error = tsig_problem(st, *key, message);
      return std::nullopt;
    }
  }
  if (!answers_our_query(m, id, error)) return std::nullopt;
  for (const dns::record& r : m.answer) {
    if (!is_apex_soa(r, origin)) continue;
    if (const auto soa = dns::soa(r.rdata)) return soa->serial;
  }
  error = fmt::format("the primary is not authoritative for {}: no SOA in its answer",
                      origin.to_text());
  return std::nullopt;
}

axfr_reader::axfr_reader(settings s)
    : settings_(std::move(s)), builder_(settings_.origin, settings_.checks) {
  if (settings_.key != nullptr) verifier_.emplace(*settings_.key, settings_.request_mac);
}

axfr_reader::~axfr_reader() = default;

axfr_reader::status axfr_reader::fail(std::string why) {
  error_ = std::move(why);
  state_ = status::failed;
  return state_;
}

axfr_reader::status axfr_reader::add(std::span<const std::uint8_t> message, std::uint64_t now) {
  if (state_ == status::done) return fail("a message after the closing SOA");
  if (state_ == status::failed) return state_;
  ++messages_;
  bytes_ += message.size();
  if (settings_.max_bytes != 0 && bytes_ > settings_.max_bytes) {
    return fail(fmt::format("the transfer is larger than {} bytes (max-zone-file-size)",
                            settings_.max_bytes));
  }
  dns::message m;
  if (const auto ec = dns::decode(message, m)) {
    return fail(fmt::format("message {} does not decode: {}", messages_, ec.message()));
  }
  if (verifier_) {
    // RFC 8945 §5.3.1: the first message is signed; later ones may go unsigned (at most 99 in a
    // row, the verifier counts) until the next signed one covers them.
    const tsig::status st = verifier_->verify(message, now);
    const bool acceptable = st == tsig::status::verified ||
                            (st == tsig::status::unsigned_message && messages_ > 1);
    if (!acceptable) return fail(tsig_problem(st, *settings_.key, message));
  }
  const bool first = messages_ == 1;
  if (first) {
    if (!answers_our_query(m, settings_.id, error_)) return fail(error_);
    // RFC 5936 §2.2.1: the first message echoes the question (or has none).
    if (m.questions.size() > 1 ||
        (m.questions.size() == 1 && (m.questions[0].qname != settings_.origin ||
                                     m.questions[0].qtype != settings_.qtype))) {
      return fail(fmt::format("the first message does not answer our {} question",
                              dns::to_string(settings_.qtype)));
    }
    if (m.answer.empty() || !is_apex_soa(m.answer.front(), settings_.origin)) {
      return fail("the transfer does not start with the zone's SOA");
    }
    const auto soa = dns::soa(m.answer.front().rdata);
    if (!soa) return fail("the zone's SOA does not read");
    serial_ = soa->serial;
  } else if (m.hdr.id != settings_.id || !m.hdr.qr || m.rcode() != dns::rcode::noerror) {
    // RFC 5936 §2.2: every message of the answer has our ID; an error rcode ends the transfer.
    return fail(fmt::format("message {}: {}", messages_,
                            m.rcode() != dns::rcode::noerror
                                ? "the primary answered " + dns::to_string(m.rcode())
                                : std::string("not an answer to our query (ID or QR)")));
  }
  for (std::size_t i = 0; i < m.answer.size(); ++i) {
    const dns::record& r = m.answer[i];
    // The zone's SOA again, after the first record, closes the transfer (RFC 5936 §2.2).
    if (records_ > 0 && is_apex_soa(r, settings_.origin)) {
      const auto soa = dns::soa(r.rdata);
      if (!soa || soa->serial != serial_) {
        return fail("the closing SOA has another serial: the zone changed during the transfer");
      }
      if (i + 1 != m.answer.size()) return fail("records after the closing SOA");
      if (verifier_ && !verifier_->last_verified()) {
        return fail(tsig_problem(tsig::status::unsigned_message, *settings_.key) +
                    " (the last message)");
      }
      state_ = status::done;
      return state_;
    }
    ++records_;
    builder_.add(r, zones::record_position{settings_.source, static_cast<std::uint32_t>(records_), 0});
  }
  return state_;
}

std::shared_ptr<const zones::zone> axfr_reader::build(std::vector<zones::diagnostic>& diagnostics) {
  if (state_ != status::done) return nullptr;
  return builder_.build(diagnostics);
}

}  // namespace dnskit::nameserver
