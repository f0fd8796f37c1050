#pragma once
// zones::zone_builder: collects records (with where they came from, for diagnostics), then runs
// the zone checks (checks.hpp) and freezes the result into an immutable zones::zone.
// Records are copied into compact arenas as they arrive; locations are kept only until build().
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "dnskit/dns/name.hpp"
#include "dnskit/dns/record.hpp"
#include "dnskit/zones/checks.hpp"
#include "dnskit/zones/diagnostic.hpp"
#include "dnskit/zones/zone.hpp"

namespace dnskit::zones {

class zone_builder {
 public:
  // `origin`: the zone's apex; records outside it are errors. The class is the SOA's.
  explicit zone_builder(dns::name origin, check_options checks = {});
  ~zone_builder();
  zone_builder(const zone_builder&) = delete;
  zone_builder& operator=(const zone_builder&) = delete;

  // Copies one record. Never fails here: problems are reported by build().
  void add(const dns::record& r, const record_position& where = {});
  // The same from another zone's storage (e.g. a new version made from an old one), without a
  // standalone copy first.
  void add(const record_ref& r, const record_position& where = {});
  std::size_t size() const noexcept;  // records added so far
  // A hint: about this many records will come (spares regrowing the staging table).
  void reserve(std::size_t records);

  // Checks and freezes. On success returns the zone and appends warnings to `diagnostics`; on
  // failure returns nullptr and appends the errors (and warnings). The builder is spent after.
  std::shared_ptr<const zone> build(std::vector<diagnostic>& diagnostics);

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace dnskit::zones
