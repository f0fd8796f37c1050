// Fuzz target: arbitrary bytes as an UPDATE message (RFC 2136) applied to a small zone by
// zones::apply_update, the logic the server's zone_updater runs for every admitted update (the
// prerequisite section is the message's answer section, the update section its authority
// section, §2.2). It must not crash, hang or leak on any input, and:
//   - an update that fails changes nothing (no new version);
//   - an update that changes the zone raises its serial (§3.6), and its journal change
//     round-trips through the journal encoding and, replayed over the old version (what a
//     restart does with FILE.jnl), gives exactly the new version.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "dnskit/dns/message.hpp"
#include "dnskit/dns/serial_number.hpp"
#include "dnskit/zones/journal.hpp"
#include "dnskit/zones/loader.hpp"
#include "dnskit/zones/update.hpp"

namespace {

std::shared_ptr<const dnskit::zones::zone> base_zone() {
  using namespace dnskit;
  const std::string text =
      "$ORIGIN u.test.\n$TTL 300\n@ SOA ns1 host 10 3600 600 86400 300\n@ NS ns1\n@ NS ns2\n"
      "ns1 A 192.0.2.53\nns2 A 192.0.2.54\nwww A 192.0.2.1\nwww A 192.0.2.2\nwww AAAA 2001:db8::1\n"
      "alias CNAME www\ntxt TXT \"x\"\nsub NS ns.sub\nns.sub A 192.0.2.99\n*.wild A 192.0.2.7\n";
  auto loaded = zones::load_zone_text(dns::name::from_text("u.test."), text, "u.test.zone");
  if (!loaded.ok()) __builtin_trap();
  return loaded.zone;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace dnskit;
  static const std::shared_ptr<const zones::zone> base = base_zone();
  dns::message m;
  if (dns::decode(std::span(data, size), m)) return 0;
  const zones::update_result r = zones::apply_update(*base, m.answer, m.authority);
  if (r.rcode != dns::rcode::noerror) {
    if (r.updated) __builtin_trap();
    return 0;
  }
  if (!r.updated) return 0;  // nothing to change
  if (!dns::serial_newer(r.updated->serial(), base->serial())) __builtin_trap();
  if (r.change.serial_from != base->serial() || r.change.serial_to != r.updated->serial()) {
    __builtin_trap();
  }
  const auto read = zones::decode_journal(zones::encode_journal_entry(r.change), "fuzz.jnl");
  if (read.changes.size() != 1 || !(read.changes[0] == r.change)) __builtin_trap();
  std::string why;
  const auto replayed = zones::apply_change(*base, read.changes[0], why);
  if (!replayed) __builtin_trap();
  const zones::zone_change left = zones::diff_zones(*replayed, *r.updated);
  // Only the two SOAs (each list starts with its version's SOA), and they are the same.
  if (left.removed.size() != 1 || left.added.size() != 1 || !(left.removed[0] == left.added[0])) {
    __builtin_trap();
  }
  return 0;
}
