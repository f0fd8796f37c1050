// zones::zone and its storage: read access to the frozen zone data, and the transfer cursor.
#include "dnskit/zones/zone.hpp"

#include <algorithm>
#include <compare>
#include <cstring>

#include "nsec3_hash.hpp"
#include "zone_names.hpp"
#include "zone_storage.hpp"

namespace dnskit::zones {

namespace detail {

std::uint32_t byte_arena::allocate(std::size_t n) {
  // Items never straddle chunks, so an offset plus a length always stays inside one chunk.
  if (n > chunk_size) n = chunk_size;
  std::size_t index = used_ >> chunk_bits;
  std::uint32_t in_chunk = used_ & (chunk_size - 1);
  if (index < chunks_.size() && in_chunk + n > chunk_size) {
    used_ = static_cast<std::uint32_t>(++index) << chunk_bits;
    in_chunk = 0;
  }
  if (index >= chunks_.size()) {
    // A small zone should not cost a whole chunk: the first chunk starts small and doubles.
    const std::uint32_t first = chunks_.empty() ? 4096 : chunk_size;
    chunks_.push_back(std::make_unique_for_overwrite<std::uint8_t[]>(first));
    capacities_.push_back(first);
  }
  std::uint32_t& cap = capacities_[index];
  if (in_chunk + n > cap) {
    std::uint32_t grown = cap;
    while (grown < in_chunk + n) grown *= 2;
    auto bigger = std::make_unique_for_overwrite<std::uint8_t[]>(grown);
    std::memcpy(bigger.get(), chunks_[index].get(), in_chunk);
    chunks_[index] = std::move(bigger);
    cap = grown;
  }
  const std::uint32_t at = used_;
  used_ += static_cast<std::uint32_t>(n);
  return at;
}

std::size_t byte_arena::memory_usage() const noexcept {
  std::size_t total = 0;
  for (const std::uint32_t c : capacities_) total += c;
  return total;
}

std::uint32_t byte_arena::append(std::span<const std::uint8_t> bytes) {
  const std::uint32_t at = allocate(bytes.size());
  if (!bytes.empty()) std::memcpy(data(at), bytes.data(), bytes.size());
  return at;
}

void name_table::reserve_for(std::size_t entries) {
  if (entries * 2 <= slots_.size()) return;
  // Doubling keeps the load at most 1/2, so probes stay short; the slots carry their hashes, so
  // re-placing an entry needs no name.
  std::vector<std::uint64_t> bigger(slots_.size() * 2, empty);
  const std::uint32_t mask = mask_of(bigger.size());
  for (const std::uint64_t entry : slots_) {
    if (entry == empty) continue;
    std::uint32_t slot = static_cast<std::uint32_t>(entry >> 32) & mask;
    while (bigger[slot] != empty) slot = (slot + 1) & mask;
    bigger[slot] = entry;
  }
  slots_ = std::move(bigger);
  mask_ = mask;
}

}  // namespace detail

dns::record record_ref::to_record() const {
  dns::record r;
  std::error_code ec;
  r.owner = dns::name::from_wire(owner, ec);
  r.type = type;
  r.klass = klass;
  r.ttl = ttl;
  r.rdata.assign(rdata.begin(), rdata.end());
  return r;
}

zone::zone(std::unique_ptr<detail::zone_data> data) noexcept : data_(std::move(data)) {}
zone::~zone() = default;

std::size_t zone::node_count() const noexcept { return data_->nodes.size(); }

std::size_t zone::memory_usage() const noexcept { return sizeof(zone) + data_->memory_usage(); }

record_ref zone::soa() const noexcept {
  if (data_->soa_set == nullptr) return {};
  return data_->record(data_->apex_id, *data_->soa_set, 0);
}

namespace detail {

std::size_t zone_data::memory_usage() const noexcept {
  return sizeof(zone_data) + names.memory_usage() + rdata_items.memory_usage() +
         nodes.capacity() * sizeof(node) + rrsets_.capacity() * sizeof(rrset) +
         rdata_offsets.capacity() * sizeof(std::uint32_t) + table.memory_usage() +
         (nsec_chain_.capacity() + nsec3_chain_.capacity()) * sizeof(node_id);
}

node_id zone_data::find(std::span<const std::uint8_t> lower_wire) const noexcept {
  if (lower_wire.empty()) return no_node;
  return table.find(lower_wire, name_hash(lower_wire), names, nodes);
}

node_id zone_data::find(const dns::name& n) const noexcept {
  std::uint8_t buf[dns::name::max_wire_size];
  const auto w = n.wire();
  if (w.size() > sizeof buf) return no_node;
  lower_copy(w, buf);
  return find(std::span<const std::uint8_t>(buf, w.size()));
}

namespace {

// The last owner of `chain` (in canonical order) at or before `name`: its NSEC/NSEC3 matches or
// covers the name. Before the first owner, the last record wraps around to it (RFC 4034 §4.1.1,
// RFC 5155 §3.1.7).
node_id at_or_before(const zone_data& z, const std::vector<node_id>& chain,
                     std::span<const std::uint8_t> name) noexcept {
  if (chain.empty()) return no_node;
  const auto before = [&z](std::span<const std::uint8_t> n, node_id id) {
    return std::is_lt(dns::canonical_compare(n, z.node_key(id)));
  };
  const auto after = std::upper_bound(chain.begin(), chain.end(), name, before);
  return after == chain.begin() ? chain.back() : *(after - 1);
}

}  // namespace

node_id zone_data::nsec_at_or_before(std::span<const std::uint8_t> lower_wire) const noexcept {
  return at_or_before(*this, nsec_chain_, lower_wire);
}

node_id zone_data::nsec3_at_or_before(std::span<const std::uint8_t> lower_owner) const noexcept {
  return at_or_before(*this, nsec3_chain_, lower_owner);
}

std::size_t zone_data::nsec3_owner(std::span<const std::uint8_t> lower_wire,
                                   std::span<std::uint8_t, 255> out) const noexcept {
  const auto apex = node_key(apex_id);
  if (nsec3_chain_.empty() || 1 + nsec3_label_size + apex.size() > out.size()) return 0;
  std::uint8_t hash[nsec3_sha1_size];
  nsec3_sha1(lower_wire, {nsec3_salt, nsec3_salt_size}, nsec3_iterations, hash);
  std::uint8_t label[nsec3_label_size];
  nsec3_label(hash, label);
  out[0] = static_cast<std::uint8_t>(nsec3_label_size);
  std::memcpy(out.data() + 1, label, sizeof label);
  std::memcpy(out.data() + 1 + sizeof label, apex.data(), apex.size());
  return 1 + sizeof label + apex.size();
}

record_ref zone_data::record(node_id id, const rrset& set, std::size_t i) const noexcept {
  record_ref r{node_name(id), set.type, klass, set.ttl, rdata(set, i)};
  if (set.type == dns::rr_type::rrsig && r.rdata.size() >= 2) {
    // A node's RRSIGs are stored as one RRset, but those covering different types are
    // different RRsets, and each has the TTL of the RRset it covers (RFC 4034 §3).
    const auto covered = static_cast<dns::rr_type>((r.rdata[0] << 8) | r.rdata[1]);
    if (const rrset* c = find_rrset(id, covered); c != nullptr && c != &set) r.ttl = c->ttl;
  }
  return r;
}

}  // namespace detail

bool zone::cursor::next(record_ref& out) noexcept {
  const detail::zone_data& z = *zone_->data_;
  if (!soa_done_) {
    soa_done_ = true;
    if (z.soa_set != nullptr) {
      out = zone_->soa();
      return true;
    }
  }
  while (node_ < z.nodes.size()) {
    const auto sets = z.rrsets(node_);
    while (rrset_ < sets.size()) {
      const detail::rrset& s = sets[rrset_];
      if (&s != z.soa_set && item_ < s.count) {
        out = z.record(node_, s, item_++);
        return true;
      }
      ++rrset_;
      item_ = 0;
    }
    ++node_;
    rrset_ = 0;
  }
  return false;
}

std::vector<dns::record> zone::to_records() const {
  std::vector<dns::record> out;
  out.reserve(record_count_);
  auto c = records();
  record_ref r;
  while (c.next(r)) out.push_back(r.to_record());
  return out;
}

}  // namespace dnskit::zones
