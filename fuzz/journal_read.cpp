// Fuzz target: arbitrary bytes as a zone journal (zones/journal.hpp). The reader must not
// crash, hang or read past the input, and must only ever return whole entries: each change it
// returns encodes back to an entry that decodes to the same change, the changes continue each
// other, and the good size never passes the input. Inputs whose first byte is odd are split
// into payloads ([u16 length][bytes], repeated) that are sealed with valid checksums first, so
// the fuzzer reaches the payload decoder behind the checksum.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "dnskit/zones/journal.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace dnskit;
  std::span<const std::uint8_t> input(data, size);
  std::vector<std::uint8_t> sealed;
  if (!input.empty() && (input[0] & 1) != 0) {
    input = input.subspan(1);
    while (input.size() >= 2) {
      const std::size_t n = std::min<std::size_t>((std::size_t{input[0]} << 8) | input[1],
                                                  input.size() - 2);
      const auto entry = zones::seal_journal_payload(input.subspan(2, n));
      sealed.insert(sealed.end(), entry.begin(), entry.end());
      input = input.subspan(2 + n);
    }
    sealed.insert(sealed.end(), input.begin(), input.end());  // a torn tail
    input = sealed;
  }
  const zones::journal_read_result r = zones::decode_journal(input, "fuzz.jnl");
  if (r.good_size > input.size()) __builtin_trap();
  if (r.problem.empty() != (r.good_size == input.size())) __builtin_trap();
  for (std::size_t i = 0; i < r.changes.size(); ++i) {
    const auto& c = r.changes[i];
    if (c.removed.empty() || c.added.empty()) __builtin_trap();
    if (i > 0 && r.changes[i - 1].serial_to != c.serial_from) __builtin_trap();
    const auto again = zones::decode_journal(zones::encode_journal_entry(c), "again");
    if (again.changes.size() != 1 || !(again.changes[0] == c)) __builtin_trap();
  }
  return 0;
}
