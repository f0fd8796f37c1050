// The difference between two versions of a zone (journal.hpp: diff_zones), walked over the two
// zones' own storage: each node of one version is looked up by name in the other and its RRsets
// compared in place, so only the records that differ are ever copied out. A reload of a
// million-record zone with a handful of changes then costs two passes over the nodes, and
// memory for the changes alone, not a copy of both versions.
#include <algorithm>
#include <atomic>
#include <cstring>
#include <vector>

#include "dnskit/zones/journal.hpp"
#include "zone_storage.hpp"

namespace dnskit::zones {
namespace {

using detail::no_node;
using detail::node_id;
using detail::rrset;
using detail::zone_data;

using rdata_span = std::span<const std::uint8_t>;

bool bytes_less(rdata_span a, rdata_span b) noexcept {
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end());
}
bool bytes_equal(rdata_span a, rdata_span b) noexcept {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size()) == 0);
}

// The records of `from` (one node) that are not in `other`: as RFC 1995 §4 compares whole RRs,
// a record whose TTL changed counts as removed and added, and the apex SOA is left out (the
// change carries the two SOAs itself).
class node_comparer {
 public:
  node_comparer(const zone_data& from, const zone_data& other) : from_(from), other_(other) {}

  void missing(node_id id, std::vector<dns::record>& out) {
    const node_id other_id = other_.find(from_.node_key(id));
    for (const rrset& set : from_.rrsets(id)) {
      if (id == from_.apex() && set.type == dns::rr_type::soa) continue;
      const rrset* match = other_id == no_node ? nullptr : other_.find_rrset(other_id, set.type);
      if (set.type == dns::rr_type::rrsig) {
        signatures_missing(id, set, other_id, match, out);
        continue;
      }
      if (match != nullptr && match->ttl != set.ttl) match = nullptr;
      if (match != nullptr) sorted_other(*match);
      for (std::size_t i = 0; i < set.count; ++i) {
        if (match == nullptr || !holds(*match, from_.rdata(set, i))) {
          out.push_back(from_.record(id, set, i).to_record());
        }
      }
    }
  }

 private:
  // A node's RRSIGs are stored as one RRset, but each is served with the TTL of the RRset it
  // covers (RFC 4034 §3; zone_data::record): a signed RRset whose TTL changed changes its
  // signatures as a client sees them, so they are compared as served, one by one.
  void signatures_missing(node_id id, const rrset& set, node_id other_id, const rrset* match,
                          std::vector<dns::record>& out) const {
    for (std::size_t i = 0; i < set.count; ++i) {
      const record_ref mine = from_.record(id, set, i);
      bool held = false;
      for (std::size_t j = 0; match != nullptr && j < match->count && !held; ++j) {
        const record_ref theirs = other_.record(other_id, *match, j);
        held = theirs.ttl == mine.ttl && bytes_equal(theirs.rdata, mine.rdata);
      }
      if (!held) out.push_back(mine.to_record());
    }
  }

  // Large RRsets are searched through a sorted copy of their rdata spans, small ones directly:
  // an RRset of n records costs n log n, not n squared.
  static constexpr std::uint16_t sort_above = 16;

  void sorted_other(const rrset& set) {
    sorted_.clear();
    if (set.count <= sort_above) return;
    for (std::size_t i = 0; i < set.count; ++i) sorted_.push_back(other_.rdata(set, i));
    std::sort(sorted_.begin(), sorted_.end(), bytes_less);
  }

  bool holds(const rrset& set, rdata_span rdata) const {
    if (set.count > sort_above) {
      const auto it = std::lower_bound(sorted_.begin(), sorted_.end(), rdata, bytes_less);
      return it != sorted_.end() && bytes_equal(*it, rdata);
    }
    for (std::size_t i = 0; i < set.count; ++i) {
      if (bytes_equal(other_.rdata(set, i), rdata)) return true;
    }
    return false;
  }

  const zone_data& from_;
  const zone_data& other_;
  std::vector<rdata_span> sorted_;
};

// Appends to `out` every record of `from` that `other` does not hold, node by node (the order
// of a zone transfer). False when `cancel` was set on the way.
bool collect_missing(const zone_data& from, const zone_data& other,
                     std::vector<dns::record>& out, const std::atomic<bool>* cancel) {
  node_comparer compare(from, other);
  for (node_id id = 0; id < from.nodes.size(); ++id) {
    // Checked every few thousand nodes: a server stopping need not wait for a big zone.
    if (cancel != nullptr && (id & 0xfff) == 0 && cancel->load(std::memory_order_relaxed)) {
      return false;
    }
    compare.missing(id, out);
  }
  return true;
}

}  // namespace

zone_change diff_zones(const zone& before, const zone& after, const std::atomic<bool>* cancel) {
  zone_change change;
  change.serial_from = before.serial();
  change.serial_to = after.serial();
  change.removed.push_back(before.soa().to_record());
  change.added.push_back(after.soa().to_record());
  const zone_data& old_data = detail::data_of(before);
  const zone_data& new_data = detail::data_of(after);
  if (!collect_missing(new_data, old_data, change.added, cancel)) return change;
  collect_missing(old_data, new_data, change.removed, cancel);
  return change;
}

}  // namespace dnskit::zones
