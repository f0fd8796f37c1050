#pragma once
// zones::zone: the immutable data of one loaded zone, built once by zones::zone_builder.
// Read it with zones::lookup (lookup.hpp), transfer it with records(); its storage (compact
// arenas, a hash table of names, RRsets in runs) is private to zones/.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "dnskit/dns/name.hpp"
#include "dnskit/dns/record.hpp"
#include "dnskit/dns/rr_type.hpp"

namespace dnskit::zones {

// One resource record as stored in a zone (or synthesised by a lookup into its result's scratch
// buffer). The spans stay valid as long as the zone (or the lookup_result) they come from.
struct record_ref {
  std::span<const std::uint8_t> owner;  // uncompressed wire name, original case
  dns::rr_type type = dns::rr_type::a;
  dns::rr_class klass = dns::rr_class::in;
  std::uint32_t ttl = 0;
  std::span<const std::uint8_t> rdata;  // canonical (uncompressed) rdata, names in original case

  // A standalone copy (allocates; for tests and tools, not the query path).
  dns::record to_record() const;
};

namespace detail {
struct zone_data;    // the storage (zones/src/zone_storage.hpp)
struct zone_access;  // how zones/ itself reaches it
}  // namespace detail

class zone_builder;

class zone {
 public:
  ~zone();
  zone(const zone&) = delete;
  zone& operator=(const zone&) = delete;

  const dns::name& origin() const noexcept { return origin_; }
  dns::rr_class klass() const noexcept { return klass_; }
  std::uint32_t serial() const noexcept { return serial_; }
  // The apex SOA as a record (owner, TTL, rdata); its MINIMUM gives the negative TTL.
  record_ref soa() const noexcept;
  // min(SOA TTL, SOA MINIMUM): the TTL of the SOA in negative answers (RFC 2308 §3).
  std::uint32_t negative_ttl() const noexcept { return negative_ttl_; }
  std::size_t record_count() const noexcept { return record_count_; }
  // Names held: owners and the empty non-terminals between them and the apex.
  std::size_t node_count() const noexcept;
  // Bytes held by the zone's data structures (what a loaded zone costs in memory).
  std::size_t memory_usage() const noexcept;

  // --- Zone transfer (RFC 5936): every record once, the SOA first ---
  // The caller sends the SOA again at the end. The cursor does not keep the zone alive: hold the
  // shared_ptr<const zone> while iterating.
  class cursor {
   public:
    // Fills `out` with the next record; false at the end.
    bool next(record_ref& out) noexcept;

   private:
    friend class zone;
    explicit cursor(const zone& z) noexcept : zone_(&z) {}
    const zone* zone_;
    bool soa_done_ = false;
    std::uint32_t node_ = 0;
    std::uint32_t rrset_ = 0;  // index within the node's rrsets
    std::uint32_t item_ = 0;   // index within the rrset
  };
  cursor records() const noexcept { return cursor(*this); }
  // Every record as standalone dns::records, SOA first (allocates; for tests and tools).
  std::vector<dns::record> to_records() const;

 private:
  friend class zone_builder;
  friend struct detail::zone_access;
  explicit zone(std::unique_ptr<detail::zone_data> data) noexcept;

  dns::name origin_;
  dns::rr_class klass_ = dns::rr_class::in;
  std::uint32_t serial_ = 0;
  std::uint32_t negative_ttl_ = 0;
  std::size_t record_count_ = 0;
  // Nodes, RRsets, rdata and the name table: private to zones/ (the lookup reads them).
  std::unique_ptr<const detail::zone_data> data_;
};

}  // namespace dnskit::zones
