// The answer to an IXFR query; the rules are listed in secondary_ixfr.hpp.
#include "secondary_ixfr.hpp"

#include <fmt/core.h>

#include "dnskit/dns/rdata.hpp"
#include "dnskit/dns/serial_number.hpp"

namespace dnskit::nameserver {
namespace {

namespace tsig = dns::tsig;
using detail::is_apex_soa;

// Until two answer records are seen the form is unknown; a primary sending empty messages
// instead is cut off here.
constexpr std::size_t max_held_messages = 8;

}  // namespace

ixfr_reader::ixfr_reader(settings s) : settings_(std::move(s)), at_serial_(settings_.our_serial) {
  if (settings_.key != nullptr) verifier_.emplace(*settings_.key, settings_.request_mac);
}

ixfr_reader::~ixfr_reader() = default;

std::size_t ixfr_reader::records() const noexcept {
  return axfr_ ? axfr_->records() : records_;
}

ixfr_reader::status ixfr_reader::fail(std::string why) {
  error_ = std::move(why);
  state_ = status::failed;
  return state_;
}

ixfr_reader::status ixfr_reader::add(std::span<const std::uint8_t> message, std::uint64_t now) {
  if (state_ == status::failed) return state_;
  if (state_ != status::more) return fail("a message after the end of the answer");
  bytes_ += message.size();
  if (settings_.max_bytes != 0 && bytes_ > settings_.max_bytes) {
    return fail(fmt::format("the transfer is larger than {} bytes (max-zone-file-size)",
                            settings_.max_bytes));
  }
  if (form_ == form::full) {
    const axfr_reader::status st = axfr_->add(message, now);
    if (st == axfr_reader::status::failed) return fail(axfr_->error());
    if (st == axfr_reader::status::done) state_ = status::full;
    return state_;
  }
  held h;
  if (const auto ec = dns::decode(message, h.decoded)) {
    return fail(fmt::format("message {} does not decode: {}", messages_ + held_.size() + 1,
                            ec.message()));
  }
  if (form_ == form::incremental) return add_incremental(message, h.decoded, now);
  h.wire.assign(message.begin(), message.end());
  held_answers_ += h.decoded.answer.size();
  held_.push_back(std::move(h));
  return classify(now);
}

ixfr_reader::status ixfr_reader::classify(std::uint64_t now) {
  const dns::message& first = held_.front().decoded;
  if (!detail::answers_our_query(first, settings_.id, error_)) return fail(error_);
  if (first.answer.empty() || !is_apex_soa(first.answer.front(), settings_.origin)) {
    return fail("the answer does not start with the zone's SOA");
  }
  const auto soa = dns::soa(first.answer.front().rdata);
  if (!soa) return fail("the zone's SOA does not read");
  serial_ = soa->serial;
  if (held_answers_ == 1 && !dns::serial_newer(serial_, settings_.our_serial)) {
    form_ = form::incremental;  // a single SOA: current (RFC 1995 §2)
  } else if (held_answers_ >= 2) {
    // RFC 1995 §4: an SOA second means differences; anything else, the whole zone.
    const dns::record* second = nullptr;
    for (const held& h : held_) {
      for (const dns::record& r : h.decoded.answer) {
        if (&r == &first.answer.front()) continue;
        second = &r;
        break;
      }
      if (second != nullptr) break;
    }
    form_ = is_apex_soa(*second, settings_.origin) ? form::incremental : form::full;
  } else if (held_.size() >= max_held_messages) {
    return fail(fmt::format("no second record in the first {} messages", held_.size()));
  } else {
    return state_;
  }

  std::vector<held> messages = std::move(held_);
  held_.clear();
  if (form_ == form::full) {
    axfr_reader::settings s;
    s.origin = settings_.origin;
    s.qtype = dns::rr_type::ixfr;
    s.id = settings_.id;
    s.key = settings_.key;
    s.request_mac = settings_.request_mac;
    s.max_bytes = settings_.max_bytes;
    s.checks = settings_.checks;
    s.source = settings_.source;
    axfr_ = std::make_unique<axfr_reader>(std::move(s));
  }
  for (std::size_t i = 0; i < messages.size(); ++i) {
    if (state_ != status::more) return fail("a message after the end of the answer");
    if (form_ == form::full) {
      const axfr_reader::status st = axfr_->add(messages[i].wire, now);
      if (st == axfr_reader::status::failed) return fail(axfr_->error());
      if (st == axfr_reader::status::done) state_ = status::full;
    } else if (add_incremental(messages[i].wire, messages[i].decoded, now) == status::failed) {
      return state_;
    }
  }
  return state_;
}

ixfr_reader::status ixfr_reader::add_incremental(std::span<const std::uint8_t> wire,
                                                 const dns::message& m, std::uint64_t now) {
  ++messages_;
  if (verifier_) {
    // RFC 8945 §5.3.1, as for AXFR: the first message signed, later ones covered by the next
    // signed one.
    const tsig::status st = verifier_->verify(wire, now);
    const bool acceptable = st == tsig::status::verified ||
                            (st == tsig::status::unsigned_message && messages_ > 1);
    if (!acceptable) return fail(detail::tsig_problem(st, *settings_.key, wire));
  }
  if (messages_ == 1) {
    if (!detail::answers_our_query(m, settings_.id, error_)) return fail(error_);
    // RFC 1995 §4 with RFC 5936 §2.2.1: the first message echoes our question (or has none).
    if (m.questions.size() > 1 ||
        (m.questions.size() == 1 && (m.questions[0].qname != settings_.origin ||
                                     m.questions[0].qtype != dns::rr_type::ixfr))) {
      return fail("the first message does not answer our IXFR question");
    }
    if (!dns::serial_newer(serial_, settings_.our_serial)) {
      if (m.answer.size() != 1) {
        return fail(fmt::format("serial {} is not newer than ours ({}) yet more than its SOA "
                                "came", serial_, settings_.our_serial));
      }
      state_ = status::current;
      return state_;
    }
  } else if (m.hdr.id != settings_.id || !m.hdr.qr || m.rcode() != dns::rcode::noerror) {
    return fail(fmt::format("message {}: {}", messages_,
                            m.rcode() != dns::rcode::noerror
                                ? "the primary answered " + dns::to_string(m.rcode())
                                : std::string("not an answer to our query (ID or QR)")));
  }
  for (std::size_t i = 0; i < m.answer.size(); ++i) {
    if (!step(m.answer[i])) return fail(error_);
    if (expect_ != expect::nothing) continue;
    if (i + 1 != m.answer.size()) return fail("records after the closing SOA");
    if (verifier_ && !verifier_->last_verified()) {
      return fail(detail::tsig_problem(tsig::status::unsigned_message, *settings_.key) +
                  " (the last message)");
    }
    state_ = status::incremental;
  }
  return state_;
}

bool ixfr_reader::step(const dns::record& r) {
  if (records_++ == 0) return true;  // SOA(new), read by classify()
  // Set for the zone's SOA, which separates the parts of the answer.
  std::optional<dns::soa_fields> fields;
  if (is_apex_soa(r, settings_.origin)) {
    fields = dns::soa(r.rdata);
    if (!fields) {
      error_ = "an SOA in the answer does not read";
      return false;
    }
  }
  switch (expect_) {
    case expect::added:
      if (!fields) {
        change_.added.push_back(r);
        return true;
      }
      // The SOA after the additions: the change is whole. SOA(new) once the changes lead to
      // the new serial closes the answer; any other SOA starts the next change.
      at_serial_ = change_.serial_to;
      changes_.push_back(std::move(change_));
      change_ = {};
      if (fields->serial == serial_ && at_serial_ == serial_) {
        expect_ = expect::nothing;
        return true;
      }
      [[fallthrough]];
    case expect::old_soa:
      if (!fields) {
        error_ = "a change does not start with an SOA";
        return false;
      }
      // Each change starts where the one before ended, the first at our serial (RFC 1995 §4).
      if (fields->serial != at_serial_) {
        error_ = fmt::format("a change starts at serial {}, but the changes so far lead to {}",
                             fields->serial, at_serial_);
        return false;
      }
      change_.serial_from = fields->serial;
      change_.removed.push_back(r);
      expect_ = expect::deleted;
      return true;
    case expect::deleted:
      if (!fields) {
        change_.removed.push_back(r);
        return true;
      }
      if (!dns::serial_newer(fields->serial, change_.serial_from)) {
        error_ = fmt::format("a change from serial {} to {} does not go forward",
                             change_.serial_from, fields->serial);
        return false;
      }
      change_.serial_to = fields->serial;
      change_.added.push_back(r);
      expect_ = expect::added;
      return true;
    case expect::nothing:
      break;
  }
  error_ = "records after the closing SOA";
  return false;
}

std::shared_ptr<const zones::zone> ixfr_reader::build(std::vector<zones::diagnostic>& diagnostics) {
  if (state_ != status::full || !axfr_) return nullptr;
  return axfr_->build(diagnostics);
}

}  // namespace dnskit::nameserver
