#pragma once
// zones::zone: the immutable data of one loaded zone, built once by zones::zone_builder.
//
// Layout (compact for millions of records, no allocation to read it):
// - every owner name, and every empty non-terminal between an owner and the apex, is a node;
//   nodes are found by an open-addressing hash table over their lowercased wire names, and each
//   node knows its parent, so the closest encloser of any name is a few hash probes away;
// - a node's RRsets are a contiguous run sorted by type; an RRset's rdatas are a contiguous run
//   of offsets into one rdata arena that stores each rdata as [u16 length][bytes];
// - names and rdata live in chunked arenas (no reallocation copies while loading).
// Flags computed at build time mark delegation points, nodes below a delegation (glue or occluded
// data), DNAME owners and the nodes below them, and parents of a `*` child (RFC 4592 wildcards).
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

// Chunked byte arena: an offset names a byte in chunk (offset >> chunk_bits); an item never
// straddles two chunks, so growing never moves stored bytes.
class byte_arena {
 public:
  static constexpr unsigned chunk_bits = 20;
  static constexpr std::uint32_t chunk_size = std::uint32_t{1} << chunk_bits;

  // Appends `bytes` (at most chunk_size) and returns its offset.
  std::uint32_t append(std::span<const std::uint8_t> bytes);
  // Reserves `n` bytes, returns the offset; write them through data(). While the first chunk
  // grows, earlier pointers into it are invalidated (offsets stay valid).
  std::uint32_t allocate(std::size_t n);
  const std::uint8_t* data(std::uint32_t offset) const noexcept {
    return chunks_[offset >> chunk_bits].get() + (offset & (chunk_size - 1));
  }
  std::uint8_t* data(std::uint32_t offset) noexcept {
    return chunks_[offset >> chunk_bits].get() + (offset & (chunk_size - 1));
  }
  std::size_t memory_usage() const noexcept;
  std::size_t size() const noexcept { return used_; }

 private:
  std::vector<std::unique_ptr<std::uint8_t[]>> chunks_;
  std::vector<std::uint32_t> capacities_;
  std::uint32_t used_ = 0;  // offset of the next free byte (in the last chunk)
};

enum node_flags : std::uint8_t {
  node_delegation = 1,         // NS at a name other than the apex: a zone cut (RFC 1034 §4.2.1)
  node_below_delegation = 2,   // strictly below a zone cut: glue or occluded data
  node_dname = 4,              // owns a DNAME
  node_below_dname = 8,        // strictly below a DNAME owner (RFC 6672 §2.3: never served)
  node_wildcard_parent = 16,   // has a child `*` (RFC 4592 §2.1.1)
  node_wildcard = 32,          // its own leftmost label is `*`
  node_has_cname = 64,
};

struct node {
  std::uint32_t key = 0;         // offset of the lowercased wire name in names_
  std::uint32_t wire = 0;        // offset of the original-case wire name (== key when the same)
  std::uint32_t parent = 0;      // node index; zone::no_node for the apex
  std::uint32_t first_rrset = 0;  // index in rrsets_
  std::uint16_t rrset_count = 0;  // 0: an empty non-terminal
  std::uint8_t key_size = 0;     // wire length, 1..255
  std::uint8_t flags = 0;        // node_flags
};

struct rrset {
  std::uint32_t first_rdata = 0;  // index in rdata_offsets_
  std::uint32_t ttl = 0;
  dns::rr_type type = dns::rr_type::a;
  std::uint16_t count = 0;
};

}  // namespace detail

class zone_builder;

class zone {
 public:
  using node_id = std::uint32_t;
  static constexpr node_id no_node = 0xffffffffu;
  static constexpr std::uint64_t empty_slot = ~std::uint64_t{0};

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
  std::size_t node_count() const noexcept { return nodes_.size(); }
  // Bytes held by the zone's data structures (what a loaded zone costs in memory).
  std::size_t memory_usage() const noexcept;

  // --- Low-level read access (used by the lookup, the checks and tools) ---
  node_id apex() const noexcept { return apex_; }
  // The node with exactly this name. `lower_wire` must be an uncompressed wire name in lowercase.
  node_id find(std::span<const std::uint8_t> lower_wire) const noexcept;
  // Same, for a name in any case.
  node_id find(const dns::name& n) const noexcept;
  const detail::node& node_at(node_id id) const noexcept { return nodes_[id]; }
  std::span<const std::uint8_t> node_key(node_id id) const noexcept;   // lowercase
  std::span<const std::uint8_t> node_name(node_id id) const noexcept;  // original case
  std::span<const detail::rrset> rrsets(node_id id) const noexcept;
  // The node's RRset of `type`, or nullptr.
  const detail::rrset* find_rrset(node_id id, dns::rr_type type) const noexcept;
  // The i-th rdata of an RRset (i < set.count).
  std::span<const std::uint8_t> rdata(const detail::rrset& set, std::size_t i) const noexcept;
  // The i-th record of an RRset at node `id`, as a record_ref.
  record_ref record(node_id id, const detail::rrset& set, std::size_t i) const noexcept;

  // --- Authenticated denial (RFC 4035 §3.1.3): the NSEC chain, built at load ---
  // The owners of NSEC RRsets in canonical order (RFC 4034 §6.1).
  std::span<const node_id> nsec_chain() const noexcept { return nsec_chain_; }
  // The node whose NSEC matches or covers `lower_wire` (a lowercase wire name in the zone): the
  // last NSEC owner at or before it in canonical order. no_node when the zone has no NSEC.
  // A binary search: no allocation.
  node_id nsec_at_or_before(std::span<const std::uint8_t> lower_wire) const noexcept;

  // --- Authenticated denial with NSEC3 (RFC 5155 §7.2): the hash chain, built at load ---
  // The owners of NSEC3 RRsets in hash order (the canonical order of their owner names).
  std::span<const node_id> nsec3_chain() const noexcept { return nsec3_chain_; }
  // The owner name NSEC3 gives `lower_wire` with the zone's parameters (NSEC3PARAM, else those
  // of the chain's first NSEC3; RFC 5155 §4, §5), lowercase, written to `out`: its size, or 0
  // when the zone has no NSEC3 chain with SHA-1 (the only hash defined). Allocates nothing.
  std::size_t nsec3_owner(std::span<const std::uint8_t> lower_wire,
                          std::span<std::uint8_t, 255> out) const noexcept;
  // The node whose NSEC3 matches or covers the hashed owner `lower_owner` (from nsec3_owner):
  // the last NSEC3 owner at or before it, wrapping to the last. no_node without a chain.
  node_id nsec3_at_or_before(std::span<const std::uint8_t> lower_owner) const noexcept;

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
    node_id node_ = 0;
    std::uint32_t rrset_ = 0;  // index within the node's rrsets
    std::uint32_t item_ = 0;   // index within the rrset
  };
  cursor records() const noexcept { return cursor(*this); }
  // Every record as standalone dns::records, SOA first (allocates; for tests and tools).
  std::vector<dns::record> to_records() const;

 private:
  friend class zone_builder;
  zone() = default;

  dns::name origin_;
  dns::rr_class klass_ = dns::rr_class::in;
  std::uint32_t serial_ = 0;
  std::uint32_t negative_ttl_ = 0;
  std::size_t record_count_ = 0;
  node_id apex_ = no_node;
  const detail::rrset* soa_ = nullptr;

  detail::byte_arena names_;                 // lowercase keys and original-case wire names
  detail::byte_arena rdata_;                 // [u16 length][rdata] items
  std::vector<detail::node> nodes_;
  std::vector<detail::rrset> rrsets_;
  std::vector<std::uint32_t> rdata_offsets_;  // per record, grouped by RRset
  // Hash slots: (32-bit hash << 32) | node index, or empty_slot. The hash in the slot spares a
  // probe from touching nodes that cannot match.
  std::vector<std::uint64_t> table_;
  std::uint32_t table_mask_ = 0;
  std::vector<node_id> nsec_chain_;   // canonical order
  std::vector<node_id> nsec3_chain_;  // hash order
  std::uint16_t nsec3_iterations_ = 0;
  std::uint8_t nsec3_salt_size_ = 0;
  std::uint8_t nsec3_salt_[255] = {};
};

}  // namespace dnskit::zones
