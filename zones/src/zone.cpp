// zones::zone: read access to the frozen zone data, and the zone transfer cursor.
#include "dnskit/zones/zone.hpp"

#include <algorithm>
#include <compare>
#include <cstring>

#include "nsec3_hash.hpp"
#include "zone_names.hpp"

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

std::size_t zone::memory_usage() const noexcept {
  return sizeof(zone) + names_.memory_usage() + rdata_.memory_usage() +
         nodes_.capacity() * sizeof(detail::node) + rrsets_.capacity() * sizeof(detail::rrset) +
         rdata_offsets_.capacity() * sizeof(std::uint32_t) +
         table_.capacity() * sizeof(std::uint64_t) +
         (nsec_chain_.capacity() + nsec3_chain_.capacity()) * sizeof(node_id);
}

record_ref zone::soa() const noexcept {
  if (soa_ == nullptr) return {};
  return record(apex_, *soa_, 0);
}

zone::node_id zone::find(std::span<const std::uint8_t> lower_wire) const noexcept {
  if (table_.empty() || lower_wire.empty()) return no_node;
  const std::uint32_t hash = detail::name_hash(lower_wire);
  std::uint32_t slot = hash & table_mask_;
  for (;;) {
    const std::uint64_t entry = table_[slot];
    if (entry == empty_slot) return no_node;
    if (static_cast<std::uint32_t>(entry >> 32) == hash) {
      const auto id = static_cast<node_id>(entry);
      const detail::node& n = nodes_[id];
      if (n.key_size == lower_wire.size() &&
          std::memcmp(names_.data(n.key), lower_wire.data(), lower_wire.size()) == 0)
        return id;
    }
    slot = (slot + 1) & table_mask_;
  }
}

namespace {

// The last owner of `chain` (in canonical order) at or before `name`: its NSEC/NSEC3 matches or
// covers the name. Before the first owner, the last record wraps around to it (RFC 4034 §4.1.1,
// RFC 5155 §3.1.7).
zone::node_id at_or_before(const zone& z, const std::vector<zone::node_id>& chain,
                           std::span<const std::uint8_t> name) noexcept {
  if (chain.empty()) return zone::no_node;
  const auto before = [&z](std::span<const std::uint8_t> n, zone::node_id id) {
    return std::is_lt(dns::canonical_compare(n, z.node_key(id)));
  };
  const auto after = std::upper_bound(chain.begin(), chain.end(), name, before);
  return after == chain.begin() ? chain.back() : *(after - 1);
}

}  // namespace

zone::node_id zone::nsec_at_or_before(std::span<const std::uint8_t> lower_wire) const noexcept {
  return at_or_before(*this, nsec_chain_, lower_wire);
}

zone::node_id zone::nsec3_at_or_before(std::span<const std::uint8_t> lower_owner) const noexcept {
  return at_or_before(*this, nsec3_chain_, lower_owner);
}

std::size_t zone::nsec3_owner(std::span<const std::uint8_t> lower_wire,
                              std::span<std::uint8_t, 255> out) const noexcept {
  const auto apex = node_key(apex_);
  if (nsec3_chain_.empty() || 1 + detail::nsec3_label_size + apex.size() > out.size()) return 0;
  std::uint8_t hash[detail::nsec3_sha1_size];
  detail::nsec3_sha1(lower_wire, {nsec3_salt_, nsec3_salt_size_}, nsec3_iterations_, hash);
  std::uint8_t label[detail::nsec3_label_size];
  detail::nsec3_label(hash, label);
  out[0] = static_cast<std::uint8_t>(detail::nsec3_label_size);
  std::memcpy(out.data() + 1, label, sizeof label);
  std::memcpy(out.data() + 1 + sizeof label, apex.data(), apex.size());
  return 1 + sizeof label + apex.size();
}

zone::node_id zone::find(const dns::name& n) const noexcept {
  std::uint8_t buf[dns::name::max_wire_size];
  const auto w = n.wire();
  if (w.size() > sizeof buf) return no_node;
  detail::lower_copy(w, buf);
  return find(std::span<const std::uint8_t>(buf, w.size()));
}

std::span<const std::uint8_t> zone::node_key(node_id id) const noexcept {
  const detail::node& n = nodes_[id];
  return {names_.data(n.key), n.key_size};
}

std::span<const std::uint8_t> zone::node_name(node_id id) const noexcept {
  const detail::node& n = nodes_[id];
  return {names_.data(n.wire), n.key_size};
}

std::span<const detail::rrset> zone::rrsets(node_id id) const noexcept {
  const detail::node& n = nodes_[id];
  return {rrsets_.data() + n.first_rrset, n.rrset_count};
}

const detail::rrset* zone::find_rrset(node_id id, dns::rr_type type) const noexcept {
  for (const detail::rrset& s : rrsets(id))
    if (s.type == type) return &s;
  return nullptr;
}

std::span<const std::uint8_t> zone::rdata(const detail::rrset& set, std::size_t i) const noexcept {
  const std::uint8_t* p = rdata_.data(rdata_offsets_[set.first_rdata + i]);
  const std::size_t len = (std::size_t{p[0]} << 8) | p[1];
  return {p + 2, len};
}

record_ref zone::record(node_id id, const detail::rrset& set, std::size_t i) const noexcept {
  record_ref r{node_name(id), set.type, klass_, set.ttl, rdata(set, i)};
  if (set.type == dns::rr_type::rrsig && r.rdata.size() >= 2) {
    // A node's RRSIGs are stored as one RRset, but those covering different types are
    // different RRsets, and each has the TTL of the RRset it covers (RFC 4034 §3).
    const auto covered = static_cast<dns::rr_type>((r.rdata[0] << 8) | r.rdata[1]);
    if (const detail::rrset* c = find_rrset(id, covered); c != nullptr && c != &set) r.ttl = c->ttl;
  }
  return r;
}

bool zone::cursor::next(record_ref& out) noexcept {
  const zone& z = *zone_;
  if (!soa_done_) {
    soa_done_ = true;
    if (z.soa_ != nullptr) {
      out = z.soa();
      return true;
    }
  }
  while (node_ < z.nodes_.size()) {
    const auto sets = z.rrsets(node_);
    while (rrset_ < sets.size()) {
      const detail::rrset& s = sets[rrset_];
      if (&s != z.soa_ && item_ < s.count) {
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
