// Fuzz target for the message decoder, with a round-trip property: whatever decode accepts,
// encode must turn into bytes that decode accepts again, giving an equal message, and
// encode(decode(encode(m))) must be the same bytes as encode(m). When the re-encoding had to
// truncate (the input used compression we do not produce, or pointers past 0x3fff), what was
// written must still decode, carry TC, and hold leading parts of every section.
// Printing runs on every accepted message too, so its bounds are fuzzed as well.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <vector>

#include "dnskit/dns/message.hpp"
#include "dnskit/dns/print.hpp"

namespace {

using dnskit::dns::message;

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "message_decode: round-trip property broken: %s\n", what);
  std::abort();
}

template <typename T>
bool is_prefix(const std::vector<T>& part, const std::vector<T>& whole) {
  if (part.size() > whole.size()) return false;
  for (std::size_t i = 0; i < part.size(); ++i) {
    if (!(part[i] == whole[i])) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  message first;
  if (dnskit::dns::decode(std::span(data, size), first)) return 0;

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

  if (!(second == first)) fail("re-decoded message differs");
  const std::vector<std::uint8_t> once(wire.begin(), wire.end());
  static std::array<std::uint8_t, 65535> again;
  const auto reencoded = dnskit::dns::encode(second, again);
  if (reencoded.truncated || reencoded.size != once.size() ||
      !std::equal(once.begin(), once.end(), again.begin())) {
    fail("encoding is not stable");
  }
  return 0;
}
