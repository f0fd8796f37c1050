#pragma once
// zones::zone_set: the zones a server is authoritative for, immutable once made. The server
// swaps whole sets atomically (std::shared_ptr<const zone_set>); a query keeps the set it started
// with alive for as long as it runs.
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "dnskit/dns/name.hpp"
#include "dnskit/dns/rr_type.hpp"
#include "dnskit/zones/zone.hpp"

namespace dnskit::zones {

class zone_history;

class zone_set {
 public:
  zone_set() = default;
  // Zones with the same origin and class: the later one wins.
  explicit zone_set(std::vector<std::shared_ptr<const zone>> zones);
  // With the change history (journal.hpp) of each zone, for IXFR: histories[i] belongs to
  // zones[i] (nullptr or missing: none).
  zone_set(std::vector<std::shared_ptr<const zone>> zones,
           std::vector<std::shared_ptr<const zone_history>> histories);

  // The zone whose origin is the closest enclosing name of `qname` (any case, uncompressed
  // wire), for class `klass` (rr_class::any matches every class); nullptr when none.
  const zone* find(std::span<const std::uint8_t> qname, dns::rr_class klass) const noexcept;
  const zone* find(const dns::name& qname, dns::rr_class klass) const noexcept {
    return find(qname.wire(), klass);
  }
  // The closest enclosing zone strictly above `z`'s apex (a parent zone also loaded here), used
  // to answer DS at a child apex from the parent side (RFC 4035 §3.1.4.1); nullptr when none.
  const zone* find_parent(const zone& z) const noexcept;
  // The zone with exactly this origin (and class), or nullptr.
  std::shared_ptr<const zone> get(const dns::name& origin,
                                  dns::rr_class klass = dns::rr_class::in) const noexcept;

  // The change history that ends at `z`'s version, or nullptr when none is kept.
  const std::shared_ptr<const zone_history>& history(const zone& z) const noexcept;

  std::span<const std::shared_ptr<const zone>> zones() const noexcept { return zones_; }
  bool empty() const noexcept { return zones_.empty(); }

 private:
  // Sorted by (lowercase origin wire, class) for binary search.
  struct entry {
    std::string key;  // lowercase origin wire
    dns::rr_class klass;
    const zone* z;
  };
  std::vector<std::shared_ptr<const zone>> zones_;
  std::vector<std::shared_ptr<const zone_history>> histories_;  // parallel to zones_
  std::vector<entry> index_;
  std::uint64_t label_counts_ = 0;  // bit n set: some zone's origin has n labels (n < 64)
};

}  // namespace dnskit::zones
