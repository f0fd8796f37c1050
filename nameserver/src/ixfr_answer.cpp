#include "ixfr_answer.hpp"

#include "dnskit/zones/journal.hpp"

namespace dnskit::nameserver::detail {

std::optional<std::vector<dns::record>> ixfr_records(const zones::zone_set& zones,
                                                     const zones::zone& z,
                                                     std::uint32_t client_serial) {
  const auto& history = zones.history(z);
  // The history must end at exactly the version served, or its differences lead elsewhere.
  if (!history || history->last_serial() != z.serial()) return std::nullopt;
  std::optional<zones::zone_change> change = history->condensed_since(client_serial);
  if (!change) return std::nullopt;
  std::vector<dns::record> out;
  out.reserve(change->removed.size() + change->added.size() + 2);
  const dns::record current = z.soa().to_record();
  out.push_back(current);
  for (auto& r : change->removed) out.push_back(std::move(r));  // starts with the client's SOA
  out.push_back(current);                                        // then the current SOA ...
  for (std::size_t i = 1; i < change->added.size(); ++i) out.push_back(std::move(change->added[i]));
  out.push_back(current);  // ... and the current SOA closes the answer
  return out;
}

zones::record_ref as_record_ref(const dns::record& r) noexcept {
  zones::record_ref ref;
  ref.owner = r.owner.wire();
  ref.type = r.type;
  ref.klass = r.klass;
  ref.ttl = r.ttl;
  ref.rdata = r.rdata;
  return ref;
}

}  // namespace dnskit::nameserver::detail
