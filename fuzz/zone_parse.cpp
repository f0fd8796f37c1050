// Fuzz target: arbitrary bytes as a master file. The parser must not crash, hang or read past
// the input; $INCLUDE is off (as for any untrusted text) and $GENERATE is kept small so each
// input stays fast.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "dnskit/zones/parser.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace dnskit;
  static const dns::name origin = dns::name::from_text("example.");
  zones::parse_options options;
  options.origin = origin;
  options.allow_include = false;
  options.max_generate = 256;
  const std::string_view text(reinterpret_cast<const char*>(data), size);  // NOLINT: byte view
  std::size_t seen = 0;
  const auto result = zones::parse_text(text, "fuzz.zone", options, [&](const dns::record& r) {
    // Touch everything the sink gets, so a bad view or length shows up under ASan.
    seen += r.owner.wire_size() + r.rdata.size();
  });
  // Every record that was counted went through the sink; diagnostics are well formed.
  if (result.error_count > options.max_errors + 1) __builtin_trap();
  for (const auto& d : result.diagnostics) {
    if (d.to_string().empty()) __builtin_trap();
  }
  return static_cast<int>(seen & 0);
}
