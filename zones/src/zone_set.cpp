// zones::zone_set: closest enclosing zone by binary search over lowercase origins, trying only
// the suffix lengths some origin has.
#include "dnskit/zones/zone_set.hpp"

#include <algorithm>
#include <cstring>
#include <string_view>

#include "zone_names.hpp"

namespace dnskit::zones {

namespace {

std::string lower_key(std::span<const std::uint8_t> wire) {
  std::string s(wire.size(), '\0');
  detail::lower_copy(wire, reinterpret_cast<std::uint8_t*>(s.data()));  // NOLINT: bytes of a string
  return s;
}

std::string_view as_view(std::span<const std::uint8_t> b) noexcept {
  return {reinterpret_cast<const char*>(b.data()), b.size()};  // NOLINT: same bytes, char view
}

}  // namespace

zone_set::zone_set(std::vector<std::shared_ptr<const zone>> zones)
    : zone_set(std::move(zones), {}) {}

zone_set::zone_set(std::vector<std::shared_ptr<const zone>> zones,
                   std::vector<std::shared_ptr<const zone_history>> histories) {
  histories.resize(zones.size());
  for (std::size_t i = 0; i < zones.size(); ++i) {
    auto& z = zones[i];
    if (!z) continue;
    const std::string key = lower_key(z->origin().wire());
    auto same = std::find_if(index_.begin(), index_.end(), [&](const entry& e) {
      return e.key == key && e.klass == z->klass();
    });
    if (same != index_.end()) {
      // The later zone replaces the earlier one.
      for (std::size_t k = 0; k < zones_.size(); ++k) {
        if (zones_[k].get() != same->z) continue;
        zones_[k] = z;
        histories_[k] = histories[i];
      }
      same->z = z.get();
      continue;
    }
    index_.push_back(entry{key, z->klass(), z.get()});
    zones_.push_back(z);
    histories_.push_back(histories[i]);
    const std::size_t labels = detail::label_count(z->origin().wire());
    if (labels < 64) label_counts_ |= std::uint64_t{1} << labels;
    else label_counts_ |= std::uint64_t{1} << 63;
  }
  std::sort(index_.begin(), index_.end(), [](const entry& a, const entry& b) {
    return a.key != b.key ? a.key < b.key : a.klass < b.klass;
  });
}

const zone* zone_set::find(std::span<const std::uint8_t> qname,
                           dns::rr_class klass) const noexcept {
  if (index_.empty() || qname.empty() || qname.size() > 255) return nullptr;
  std::uint8_t low[255];
  detail::lower_copy(qname, low);
  std::span<const std::uint8_t> name(low, qname.size());
  std::size_t labels = detail::label_count(name);
  for (;;) {
    const bool possible = labels >= 63 ? (label_counts_ >> 63) != 0
                                       : ((label_counts_ >> labels) & 1) != 0;
    if (possible) {
      const std::string_view key = as_view(name);
      auto it = std::lower_bound(index_.begin(), index_.end(), key,
                                 [](const entry& e, std::string_view k) { return e.key < k; });
      for (; it != index_.end() && it->key == key; ++it)
        if (klass == dns::rr_class::any || it->klass == klass) return it->z;
    }
    if (name.size() <= 1) return nullptr;
    name = detail::parent_of(name);
    --labels;
  }
}

const zone* zone_set::find_parent(const zone& z) const noexcept {
  const auto w = z.origin().wire();
  if (w.size() <= 1) return nullptr;
  return find(detail::parent_of(w), z.klass());
}

const std::shared_ptr<const zone_history>& zone_set::history(const zone& z) const noexcept {
  static const std::shared_ptr<const zone_history> none;
  for (std::size_t i = 0; i < zones_.size(); ++i)
    if (zones_[i].get() == &z) return histories_[i];
  return none;
}

std::shared_ptr<const zone> zone_set::get(const dns::name& origin,
                                          dns::rr_class klass) const noexcept {
  const std::string key = lower_key(origin.wire());
  for (const auto& z : zones_)
    if (z->klass() == klass && lower_key(z->origin().wire()) == key) return z;
  return nullptr;
}

}  // namespace dnskit::zones
