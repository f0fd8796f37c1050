// Fuzz target: arbitrary answers to a secondary's IXFR query (nameserver/src/secondary_ixfr.hpp),
// the bytes a primary, or anyone on the path, sends back. The reader must not crash, hang or
// grow without bound, and what it accepts must be whole: an incremental answer is a list of
// changes that starts at our serial, continues change by change, ends at the primary's serial,
// and carries the two SOAs first in each change; an AXFR-style answer builds or is refused.
// The input is a serial byte, then chunks [u16 length][ANCOUNT][answer records]; each chunk
// becomes one response message with our ID and question (so the fuzzer spends its time on the
// records, not on matching the header).
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "dnskit/dns/header_bits.hpp"
#include "dnskit/dns/name.hpp"
#include "dnskit/dns/rr_type.hpp"
#include "dnskit/dns/wire.hpp"
#include "secondary_ixfr.hpp"

namespace {

constexpr std::uint16_t query_id = 0x1d2e;

std::vector<std::uint8_t> response(const dnskit::dns::name& origin, std::uint8_t answers,
                                   std::span<const std::uint8_t> records) {
  using namespace dnskit;
  std::vector<std::uint8_t> out(12 + origin.wire().size() + 4 + records.size());
  dns::wire_writer w(out);
  w.u16(query_id);
  w.u16(dns::flags_word(dns::flags_hi::qr | dns::flags_hi::aa, 0));
  w.u16(1);
  w.u16(answers);
  w.u16(0);
  w.u16(0);
  w.write_name(origin, false);
  w.u16(static_cast<std::uint16_t>(dns::rr_type::ixfr));
  w.u16(static_cast<std::uint16_t>(dns::rr_class::in));
  w.bytes(records);
  out.resize(w.size());
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace dnskit;
  if (size < 1) return 0;
  static const dns::name origin = dns::name::from_text("z.test.");
  nameserver::ixfr_reader::settings s;
  s.origin = origin;
  s.our_serial = data[0];
  s.id = query_id;
  s.max_bytes = 1 << 20;
  s.source = "IXFR from fuzz";
  nameserver::ixfr_reader reader(s);
  std::span<const std::uint8_t> input(data + 1, size - 1);
  auto st = nameserver::ixfr_reader::status::more;
  while (input.size() >= 3 && st == nameserver::ixfr_reader::status::more) {
    const std::size_t n = std::min<std::size_t>((std::size_t{input[0]} << 8) | input[1],
                                                input.size() - 2);
    const auto chunk = input.subspan(2, n);
    input = input.subspan(2 + n);
    if (chunk.empty()) continue;
    st = reader.add(response(origin, chunk[0], chunk.subspan(1)), 1'700'000'000);
  }
  using status = nameserver::ixfr_reader::status;
  if (st == status::failed && reader.error().empty()) __builtin_trap();
  if (st == status::incremental) {
    const auto changes = reader.take_changes();
    if (changes.empty() || changes.front().serial_from != s.our_serial) __builtin_trap();
    if (changes.back().serial_to != reader.serial()) __builtin_trap();
    for (std::size_t i = 0; i < changes.size(); ++i) {
      const auto& c = changes[i];
      if (c.removed.empty() || c.added.empty()) __builtin_trap();
      if (c.removed.front().type != dns::rr_type::soa || c.added.front().type != dns::rr_type::soa) {
        __builtin_trap();
      }
      if (i > 0 && changes[i - 1].serial_to != c.serial_from) __builtin_trap();
    }
  } else if (st == status::full) {
    std::vector<zones::diagnostic> diagnostics;
    (void)reader.build(diagnostics);
  }
  return 0;
}
