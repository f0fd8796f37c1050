#pragma once
// The storage behind a zones::zone (private to zones/; the builder writes it, the lookup, the
// checks and the transfer cursor read it).
//
// Layout (compact for millions of records, no allocation to read it):
// - every owner name, and every empty non-terminal between an owner and the apex, is a node;
//   nodes are found by an open-addressing hash table over their lowercased wire names
//   (name_table), and each node knows its parent, so the closest encloser of any name is a few
//   hash probes away;
// - a node's RRsets are a contiguous run sorted by type; an RRset's rdatas are a contiguous run
//   of offsets into one rdata arena that stores each rdata as [u16 length][bytes];
// - names and rdata live in chunked arenas (no reallocation copies while loading).
// Flags computed at build time mark delegation points, nodes below a delegation (glue or occluded
// data), DNAME owners and the nodes below them, and parents of a `*` child (RFC 4592 wildcards).
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <vector>

#include "dnskit/dns/name.hpp"
#include "dnskit/dns/rr_type.hpp"
#include "dnskit/zones/zone.hpp"

namespace dnskit::zones::detail {

using node_id = std::uint32_t;
inline constexpr node_id no_node = 0xffffffffu;

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
  std::uint32_t key = 0;         // offset of the lowercased wire name in the names arena
  std::uint32_t wire = 0;        // offset of the original-case wire name (== key when the same)
  std::uint32_t parent = 0;      // node index; no_node for the apex
  std::uint32_t first_rrset = 0;  // index in rrsets
  std::uint16_t rrset_count = 0;  // 0: an empty non-terminal
  std::uint8_t key_size = 0;     // wire length, 1..255
  std::uint8_t flags = 0;        // node_flags
};

struct rrset {
  std::uint32_t first_rdata = 0;  // index in rdata_offsets
  std::uint32_t ttl = 0;
  dns::rr_type type = dns::rr_type::a;
  std::uint16_t count = 0;
};

// The nodes' hash table: open addressing with linear probing, at most half full. A slot holds
// (32-bit hash << 32) | node index, or `empty`; the hash in the slot spares a probe from
// touching nodes that cannot match. The names themselves stay in the nodes.
class name_table {
 public:
  static constexpr std::uint64_t empty = ~std::uint64_t{0};

  name_table() = default;
  explicit name_table(std::size_t slots) : slots_(slots, empty), mask_(mask_of(slots)) {}

  // The node named `lower` (a lowercase wire name whose hash is `hash`), or no_node.
  node_id find(std::span<const std::uint8_t> lower, std::uint32_t hash, const byte_arena& names,
               const std::vector<node>& nodes) const noexcept {
    if (slots_.empty()) return no_node;
    const std::uint64_t entry = slots_[probe(lower, hash, names, nodes)];
    return entry == empty ? no_node : static_cast<node_id>(entry);
  }
  // The slot holding the node named `lower`, or the empty slot where it would go: the one
  // probe sequence every lookup and insertion walks.
  std::uint32_t probe(std::span<const std::uint8_t> lower, std::uint32_t hash,
                      const byte_arena& names, const std::vector<node>& nodes) const noexcept {
    std::uint32_t slot = hash & mask_;
    for (;;) {
      const std::uint64_t entry = slots_[slot];
      if (entry == empty) return slot;
      if (static_cast<std::uint32_t>(entry >> 32) == hash) {
        const node& n = nodes[static_cast<node_id>(entry)];
        if (n.key_size == lower.size() &&
            std::memcmp(names.data(n.key), lower.data(), lower.size()) == 0)
          return slot;
      }
      slot = (slot + 1) & mask_;
    }
  }
  node_id at(std::uint32_t slot) const noexcept {
    return slots_[slot] == empty ? no_node : static_cast<node_id>(slots_[slot]);
  }
  void set(std::uint32_t slot, std::uint32_t hash, node_id id) noexcept {
    slots_[slot] = (std::uint64_t{hash} << 32) | id;
  }
  // Doubles the slots when `entries` would fill more than half of them (slots from probe()
  // are invalid after a growth).
  void reserve_for(std::size_t entries);
  std::size_t memory_usage() const noexcept { return slots_.capacity() * sizeof(std::uint64_t); }

 private:
  static std::uint32_t mask_of(std::size_t slots) noexcept {
    return slots == 0 ? 0 : static_cast<std::uint32_t>(slots - 1);
  }
  std::vector<std::uint64_t> slots_;
  std::uint32_t mask_ = 0;
};

// Everything a frozen zone holds, with the low-level read access of the lookup, the checks and
// the tools.
struct zone_data {
  dns::rr_class klass = dns::rr_class::in;
  node_id apex_id = no_node;
  const rrset* soa_set = nullptr;

  byte_arena names;                 // lowercase keys and original-case wire names
  byte_arena rdata_items;           // [u16 length][rdata] items
  std::vector<node> nodes;
  std::vector<rrset> rrsets_;
  std::vector<std::uint32_t> rdata_offsets;  // per record, grouped by RRset
  name_table table;
  std::vector<node_id> nsec_chain_;   // canonical order
  std::vector<node_id> nsec3_chain_;  // hash order
  std::uint16_t nsec3_iterations = 0;
  std::uint8_t nsec3_salt_size = 0;
  std::uint8_t nsec3_salt[255] = {};

  node_id apex() const noexcept { return apex_id; }
  // The node with exactly this name. `lower_wire` must be an uncompressed wire name in lowercase.
  node_id find(std::span<const std::uint8_t> lower_wire) const noexcept;
  // Same, for a name in any case.
  node_id find(const dns::name& n) const noexcept;
  const node& node_at(node_id id) const noexcept { return nodes[id]; }
  std::span<const std::uint8_t> node_key(node_id id) const noexcept {  // lowercase
    return {names.data(nodes[id].key), nodes[id].key_size};
  }
  std::span<const std::uint8_t> node_name(node_id id) const noexcept {  // original case
    return {names.data(nodes[id].wire), nodes[id].key_size};
  }
  std::span<const rrset> rrsets(node_id id) const noexcept {
    return {rrsets_.data() + nodes[id].first_rrset, nodes[id].rrset_count};
  }
  // The node's RRset of `type`, or nullptr.
  const rrset* find_rrset(node_id id, dns::rr_type type) const noexcept {
    for (const rrset& s : rrsets(id))
      if (s.type == type) return &s;
    return nullptr;
  }
  // The i-th rdata of an RRset (i < set.count).
  std::span<const std::uint8_t> rdata(const rrset& set, std::size_t i) const noexcept {
    const std::uint8_t* p = rdata_items.data(rdata_offsets[set.first_rdata + i]);
    return {p + 2, (std::size_t{p[0]} << 8) | p[1]};
  }
  // The i-th record of an RRset at node `id`, as a record_ref.
  record_ref record(node_id id, const rrset& set, std::size_t i) const noexcept;
  std::size_t memory_usage() const noexcept;

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
};

// The storage of a zone.
struct zone_access {
  static const zone_data& of(const zone& z) noexcept { return *z.data_; }
};
inline const zone_data& data_of(const zone& z) noexcept { return zone_access::of(z); }

}  // namespace dnskit::zones::detail
