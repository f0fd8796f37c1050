// Fuzz target for the message decoder, with a round-trip property: whatever decode accepts,
// encode must turn into bytes that decode accepts again, giving an equal message, and
// encode(decode(encode(m))) must be the same bytes as encode(m). "Equal" is DNS equality:
// names compare without ASCII case, including the names inside the rdata of the types whose
// names are compressed (compression matches suffixes case-insensitively, RFC 1035 §2.3.3, so
// "ns1" may come back spelled as an earlier "Ns1"); every other byte must be identical. When the re-encoding had to
// truncate (the input used compression we do not produce, or pointers past 0x3fff), what was
// written must still decode, carry TC, and hold leading parts of every section.
// Printing runs on every accepted message too, so its bounds are fuzzed as well. The answer-only
// decode (decode_options::answer_only) must agree with the full decode on what it keeps.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string>
#include <vector>

#include "dnskit/dns/message.hpp"
#include "dnskit/dns/print.hpp"
#include "dnskit/dns/rdata.hpp"

namespace {

using dnskit::dns::message;

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "message_decode: round-trip property broken: %s\n", what);
  std::abort();
}

std::string lower(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

bool same(const dnskit::dns::question& a, const dnskit::dns::question& b) { return a == b; }

bool same(const dnskit::dns::record& a, const dnskit::dns::record& b) {
  if (a == b) return true;
  if (!(a.owner == b.owner) || a.type != b.type || a.klass != b.klass || a.ttl != b.ttl) {
    return false;
  }
  if (!dnskit::dns::rdata_names_compressible(a.type)) return false;
  // The presentation form is lossless: equal up to case means names differing in case only.
  return lower(dnskit::dns::rdata_to_text(a.type, a.rdata)) ==
         lower(dnskit::dns::rdata_to_text(b.type, b.rdata));
}

template <typename List>
bool is_prefix(const List& part, const List& whole) {
  if (part.size() > whole.size()) return false;
  for (std::size_t i = 0; i < part.size(); ++i) {
    if (!same(part[i], whole[i])) return false;
  }
  return true;
}

bool same(const message& a, const message& b) {
  return a.hdr == b.hdr && a.opt == b.opt && a.questions.size() == b.questions.size() &&
         a.answer.size() == b.answer.size() && a.authority.size() == b.authority.size() &&
         a.additional.size() == b.additional.size() && is_prefix(a.questions, b.questions) &&
         is_prefix(a.answer, b.answer) && is_prefix(a.authority, b.authority) &&
         is_prefix(a.additional, b.additional);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // The answer-only decode runs on every input (it may accept what the full decode rejects in
  // the sections it steps over); whatever the full decode accepts, it must accept too, with the
  // same header, question, answer and OPT.
  message answers;
  const auto answers_ec = dnskit::dns::decode(std::span(data, size), answers,
                                              dnskit::dns::decode_options{.answer_only = true});
  // Told that the query carried no OPT record, it stops after the answer section: whatever
  // answer_only accepts, it accepts too, with the same header, question and answer, and no OPT.
  message bare;
  const auto bare_ec = dnskit::dns::decode(
      std::span(data, size), bare, dnskit::dns::decode_options{.answer_only = true, .query_had_opt = false});
  if (!answers_ec) {
    if (bare_ec) fail("answer_only without OPT rejects what answer_only accepts");
    if (!(bare.hdr == answers.hdr && bare.questions == answers.questions && bare.answer == answers.answer)) {
      fail("answer_only without OPT disagrees with answer_only");
    }
    if (bare.opt || !bare.authority.empty() || !bare.additional.empty()) {
      fail("answer_only without OPT read past the answer section");
    }
  }

  message first;
  if (dnskit::dns::decode(std::span(data, size), first)) return 0;
  if (answers_ec) fail("answer_only rejects what the full decode accepts");
  if (!(answers.hdr == first.hdr && answers.questions == first.questions &&
        answers.answer == first.answer && answers.opt == first.opt)) {
    fail("answer_only disagrees with the full decode");
  }
  if (!answers.authority.empty() || !answers.additional.empty()) fail("answer_only kept a skipped section");

  (void)dnskit::dns::to_dig_text(first);
  (void)dnskit::dns::summary(first);

  static std::array<std::uint8_t, 65535> buffer;
  const auto encoded = dnskit::dns::encode(first, buffer);
  const auto wire = std::span<const std::uint8_t>(buffer).first(encoded.size);

  message second;
  if (dnskit::dns::decode(wire, second)) fail("encoded message does not decode");

  if (encoded.truncated) {
    if (!second.hdr.tc) fail("truncated encoding without TC");
    if (!is_prefix(second.questions, first.questions) || !is_prefix(second.answer, first.answer) ||
        !is_prefix(second.authority, first.authority) ||
        !is_prefix(second.additional, first.additional)) {
      fail("truncated encoding is not a prefix of the message");
    }
    return 0;
  }

  if (!same(second, first)) fail("re-decoded message differs");
  const std::vector<std::uint8_t> once(wire.begin(), wire.end());
  static std::array<std::uint8_t, 65535> again;
  const auto reencoded = dnskit::dns::encode(second, again);
  if (reencoded.truncated || reencoded.size != once.size() ||
      !std::equal(once.begin(), once.end(), again.begin())) {
    fail("encoding is not stable");
  }
  return 0;
}
