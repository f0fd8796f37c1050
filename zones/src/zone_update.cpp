// RFC 2136 over a zone version: the RRsets at the names an update touches, copied out as a map,
// changed, then put back into a new version with every other record carried over as it was.
#include <algorithm>
#include <array>
#include <compare>
#include <functional>
#include <iterator>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dnskit/dns/rdata.hpp"
#include "dnskit/dns/serial_number.hpp"
#include "dnskit/zones/update.hpp"
#include "dnskit/zones/zone_builder.hpp"
#include "zone_names.hpp"
#include "zone_storage.hpp"

namespace dnskit::zones {

namespace {

using dns::rcode;
using dns::rr_class;
using dns::rr_type;

// RRsets by (lowercase owner, type); each a list of records.
struct rrset_key {
  dns::name owner;  // lowercase
  rr_type type;
  friend bool operator<(const rrset_key& a, const rrset_key& b) {
    if (a.owner != b.owner) return std::is_lt(a.owner <=> b.owner);
    return a.type < b.type;
  }
  friend bool operator==(const rrset_key& a, const rrset_key& b) {
    return a.owner == b.owner && a.type == b.type;
  }
};
using rrset_map = std::map<rrset_key, std::vector<dns::record>>;

// The names an update or a change reads or writes, as lowercase wire names. The map of RRsets
// holds only theirs, so the work before the rebuild grows with the update, not with the zone.
class touched_names {
 public:
  void add(const dns::name& n) {
    std::string k(n.wire().size(), '\0');
    detail::lower_copy(n.wire(), reinterpret_cast<std::uint8_t*>(k.data()));
    const auto it = std::lower_bound(keys_.begin(), keys_.end(), k);
    if (it == keys_.end() || *it != k) keys_.insert(it, std::move(k));
  }
  // No allocation: the zone's walk asks once per name it holds.
  bool contains(std::span<const std::uint8_t> wire) const {
    std::array<char, dns::name::max_wire_size> lower{};
    if (wire.size() > lower.size()) return false;
    detail::lower_copy(wire, reinterpret_cast<std::uint8_t*>(lower.data()));
    return std::binary_search(keys_.begin(), keys_.end(), std::string_view(lower.data(), wire.size()),
                              std::less<>{});
  }
  const std::vector<std::string>& keys() const noexcept { return keys_; }

 private:
  std::vector<std::string> keys_;  // sorted, unique
};

// Calls f(owner, record) for each record `z` serves at the touched names (RRSIGs with the TTL of
// the RRset they cover).
template <typename F>
void for_each_record_at(const zone& z, const touched_names& names, F&& f) {
  const detail::zone_data& data = detail::data_of(z);
  for (const std::string& k : names.keys()) {
    const std::span<const std::uint8_t> lower(reinterpret_cast<const std::uint8_t*>(k.data()),
                                              k.size());
    const detail::node_id id = data.find(lower);
    if (id == detail::no_node) continue;
    std::error_code ec;
    const dns::name owner = dns::name::from_wire(data.node_name(id), ec);
    for (const detail::rrset& set : data.rrsets(id)) {
      for (std::size_t i = 0; i < set.count; ++i) f(owner, data.record(id, set, i));
    }
  }
}

// Appends a standalone copy of `r`, filled in place: moving a record in trips GCC 12's
// -Wstringop-overread inside Boost.Container's small_vector.
void append_copy(std::vector<dns::record>& out, const dns::name& owner, const record_ref& r) {
  dns::record& rec = out.emplace_back();
  rec.owner = owner;
  rec.type = r.type;
  rec.klass = r.klass;
  rec.ttl = r.ttl;
  rec.rdata.assign(r.rdata.begin(), r.rdata.end());
}

// The RRsets of `z` at the touched names (the apex among them: the serial lives there).
rrset_map rrsets_at(const zone& z, const touched_names& names) {
  rrset_map out;
  for_each_record_at(z, names, [&](const dns::name& owner, const record_ref& r) {
    append_copy(out[rrset_key{owner.lowercase(), r.type}], owner, r);
  });
  return out;
}

bool name_in_use(const rrset_map& m, const dns::name& owner) {
  auto it = m.lower_bound(rrset_key{owner.lowercase(), static_cast<rr_type>(0)});
  return it != m.end() && it->first.owner == owner;
}

std::vector<dns::record>* find(rrset_map& m, const dns::name& owner, rr_type type) {
  auto it = m.find(rrset_key{owner.lowercase(), type});
  return it == m.end() || it->second.empty() ? nullptr : &it->second;
}

bool same_rdata(const dns::record& a, const dns::record& b) {
  return a.rdata.size() == b.rdata.size() &&
         std::equal(a.rdata.begin(), a.rdata.end(), b.rdata.begin());
}

// RFC 2136 §3.2: the prerequisite section against the zone as it is.
rcode check_prerequisites(const zone& z, rrset_map& m, std::span<const dns::record> pre,
                          std::string& why) {
  // Value-dependent prerequisites (§2.4.2) are compared as whole RRsets: collected first.
  rrset_map wanted;
  for (const dns::record& r : pre) {
    if (!r.owner.is_subdomain_of(z.origin())) {
      why = "prerequisite " + r.owner.to_text() + " outside the zone";
      return rcode::notzone;
    }
    if (r.ttl != 0) {
      why = "prerequisite with a TTL";
      return rcode::formerr;
    }
    if (r.klass == rr_class::any) {
      if (!r.rdata.empty()) return rcode::formerr;
      if (r.type == rr_type::any) {
        if (!name_in_use(m, r.owner)) {  // §2.4.4 name is in use
          why = r.owner.to_text() + " does not exist";
          return rcode::nxdomain;
        }
      } else if (find(m, r.owner, r.type) == nullptr) {  // §2.4.1 RRset exists
        why = r.owner.to_text() + " " + dns::to_string(r.type) + " does not exist";
        return rcode::nxrrset;
      }
    } else if (r.klass == rr_class::none) {
      if (!r.rdata.empty()) return rcode::formerr;
      if (r.type == rr_type::any) {
        if (name_in_use(m, r.owner)) {  // §2.4.5 name is not in use
          why = r.owner.to_text() + " exists";
          return rcode::yxdomain;
        }
      } else if (find(m, r.owner, r.type) != nullptr) {  // §2.4.3 RRset does not exist
        why = r.owner.to_text() + " " + dns::to_string(r.type) + " exists";
        return rcode::yxrrset;
      }
    } else if (r.klass == z.klass()) {
      if (dns::is_meta_type(r.type)) return rcode::formerr;
      wanted[rrset_key{r.owner.lowercase(), r.type}].push_back(r);
    } else {
      why = "prerequisite of class " + dns::to_string(r.klass);
      return rcode::notzone;  // §3.2.5: a class that is not the zone's
    }
  }
  for (auto& [key, records] : wanted) {  // §2.4.2 RRset exists (value dependent)
    const auto* have = find(m, key.owner, key.type);
    auto contains_all = [](const std::vector<dns::record>& a, const std::vector<dns::record>& b) {
      return std::all_of(a.begin(), a.end(), [&](const dns::record& x) {
        return std::any_of(b.begin(), b.end(), [&](const dns::record& y) { return same_rdata(x, y); });
      });
    };
    if (have == nullptr || !contains_all(records, *have) || !contains_all(*have, records)) {
      why = key.owner.to_text() + " " + dns::to_string(key.type) + " differs";
      return rcode::nxrrset;
    }
  }
  return rcode::noerror;
}

// RFC 2136 §3.4.1.3: the update section is checked whole before anything is applied.
rcode prescan(const zone& z, std::span<const dns::record> updates, std::string& why) {
  for (const dns::record& r : updates) {
    if (!r.owner.is_subdomain_of(z.origin())) {
      why = "update of " + r.owner.to_text() + " outside the zone";
      return rcode::notzone;
    }
    if (r.klass == z.klass()) {
      if (dns::is_meta_type(r.type)) return rcode::formerr;
    } else if (r.klass == rr_class::any) {
      if (r.ttl != 0 || !r.rdata.empty()) return rcode::formerr;
      if (dns::is_meta_type(r.type) && r.type != rr_type::any) return rcode::formerr;
    } else if (r.klass == rr_class::none) {
      if (r.ttl != 0 || dns::is_meta_type(r.type)) return rcode::formerr;
    } else {
      why = "update of class " + dns::to_string(r.klass);
      return rcode::formerr;
    }
  }
  return rcode::noerror;
}

bool is_apex(const zone& z, const dns::name& n) { return n == z.origin(); }

// RFC 2136 §3.4.2: one update RR applied.
void apply_one(const zone& z, rrset_map& m, const dns::record& r) {
  const bool apex = is_apex(z, r.owner);
  if (r.klass == z.klass()) {  // §3.4.2.2 add to an RRset
    if (r.type == rr_type::soa) {
      // Only the apex SOA, and only to a newer serial (§3.4.2.2, RFC 1982).
      auto* soa = find(m, r.owner, rr_type::soa);
      const auto fields = dns::soa(r.rdata);
      if (!apex || soa == nullptr || !fields) return;
      const auto old = dns::soa(soa->front().rdata);
      if (!old || !dns::serial_newer(fields->serial, old->serial)) return;
      soa->front() = r;
      return;
    }
    const bool has_cname = find(m, r.owner, rr_type::cname) != nullptr;
    if (r.type == rr_type::cname) {
      // CNAME and other data (RFC 2136 §3.4.2.2, RFC 1034 §3.6.2): a CNAME is not added
      // beside other data; DNSSEC records may sit beside it (RFC 4035 §2.5).
      auto it = m.lower_bound(rrset_key{r.owner.lowercase(), static_cast<rr_type>(0)});
      for (; it != m.end() && it->first.owner == r.owner; ++it) {
        const rr_type t = it->first.type;
        if (!it->second.empty() && t != rr_type::cname && t != rr_type::rrsig &&
            t != rr_type::nsec && t != rr_type::nsec3) {
          return;
        }
      }
      auto& set = m[rrset_key{r.owner.lowercase(), rr_type::cname}];
      set.assign(1, r);  // a CNAME replaces the one there
      return;
    }
    if (has_cname && r.type != rr_type::rrsig && r.type != rr_type::nsec &&
        r.type != rr_type::nsec3) {
      return;  // other data is not added beside a CNAME
    }
    auto& set = m[rrset_key{r.owner.lowercase(), r.type}];
    for (auto& have : set) have.ttl = r.ttl;  // one TTL per RRset (RFC 2181 §5.2)
    if (std::none_of(set.begin(), set.end(), [&](const dns::record& x) { return same_rdata(x, r); })) {
      set.push_back(r);
    }
    return;
  }
  if (r.klass == rr_class::any) {
    if (r.type == rr_type::any) {  // §3.4.2.3 delete all RRsets from a name
      auto it = m.lower_bound(rrset_key{r.owner.lowercase(), static_cast<rr_type>(0)});
      for (; it != m.end() && it->first.owner == r.owner; ++it) {
        if (apex && (it->first.type == rr_type::soa || it->first.type == rr_type::ns)) continue;
        it->second.clear();
      }
      return;
    }
    // §3.4.2.3 delete an RRset; the apex SOA and NS stay.
    if (apex && (r.type == rr_type::soa || r.type == rr_type::ns)) return;
    if (auto* set = find(m, r.owner, r.type)) set->clear();
    return;
  }
  // class NONE: §3.4.2.4 delete an RR; never the SOA, never the apex's last NS.
  if (r.type == rr_type::soa) return;
  auto* set = find(m, r.owner, r.type);
  if (set == nullptr) return;
  if (apex && r.type == rr_type::ns && set->size() == 1 && same_rdata(set->front(), r)) return;
  std::erase_if(*set, [&](const dns::record& x) { return same_rdata(x, r); });
}

// Orders records by owner (case-insensitively, RFC 4034 §6.1), type, class, TTL and rdata: two
// records are equivalent exactly when a zone transfer would show them as the same record.
bool record_less(const dns::record& a, const dns::record& b) {
  if (const auto c = a.owner <=> b.owner; std::is_neq(c)) return std::is_lt(c);
  if (a.type != b.type) return a.type < b.type;
  if (a.klass != b.klass) return a.klass < b.klass;
  if (a.ttl != b.ttl) return a.ttl < b.ttl;
  return std::lexicographical_compare(a.rdata.begin(), a.rdata.end(), b.rdata.begin(),
                                      b.rdata.end());
}

// The records `z` serves at the touched names, sorted, its SOA left out.
std::vector<dns::record> served_at(const zone& z, const touched_names& names) {
  std::vector<dns::record> out;
  for_each_record_at(z, names, [&](const dns::name& owner, const record_ref& r) {
    if (r.type != dns::rr_type::soa || owner != z.origin()) append_copy(out, owner, r);
  });
  std::sort(out.begin(), out.end(), record_less);
  return out;
}

// What an update changed (journal.hpp's form: each list starts with its version's SOA). Only the
// touched names can differ, since rebuild() carries every other record over as it was, so only
// they are compared; the whole-zone walk of diff_zones is for reloads.
zone_change change_at(const zone& before, const zone& after, const touched_names& names) {
  zone_change change;
  change.serial_from = before.serial();
  change.serial_to = after.serial();
  change.removed.push_back(before.soa().to_record());
  change.added.push_back(after.soa().to_record());
  const std::vector<dns::record> old_records = served_at(before, names);
  const std::vector<dns::record> new_records = served_at(after, names);
  std::set_difference(old_records.begin(), old_records.end(), new_records.begin(),
                      new_records.end(), std::back_inserter(change.removed), record_less);
  std::set_difference(new_records.begin(), new_records.end(), old_records.begin(),
                      old_records.end(), std::back_inserter(change.added), record_less);
  return change;
}

// A new version of `z`: its records, except at the touched names, whose RRsets are those of `m`.
std::shared_ptr<const zone> rebuild(const zone& z, const touched_names& names, const rrset_map& m,
                                    const check_options& checks, std::string& why) {
  zone_builder b(z.origin(), checks);
  b.reserve(z.record_count() + 16);
  auto cursor = z.records();
  record_ref r;
  const std::uint8_t* owner = nullptr;  // a node's records share their owner's bytes
  bool touched = false;
  while (cursor.next(r)) {
    if (r.owner.data() != owner) {
      owner = r.owner.data();
      touched = names.contains(r.owner);
    }
    if (!touched) b.add(r);
  }
  for (const auto& [key, set] : m)
    for (const auto& rec : set) b.add(rec);
  std::vector<diagnostic> diagnostics;
  auto built = b.build(diagnostics);
  if (!built) {
    for (const auto& d : diagnostics) {
      if (!d.is_error) continue;
      why = d.message;
      break;
    }
  }
  return built;
}

}  // namespace

update_result apply_update(const zone& z, std::span<const dns::record> prerequisites,
                           std::span<const dns::record> updates, const check_options& checks) {
  update_result result;
  touched_names names;
  names.add(z.origin());
  for (const dns::record& r : prerequisites) names.add(r.owner);
  for (const dns::record& r : updates) names.add(r.owner);
  rrset_map m = rrsets_at(z, names);
  result.rcode = check_prerequisites(z, m, prerequisites, result.why);
  if (result.rcode != rcode::noerror) return result;
  result.rcode = prescan(z, updates, result.why);
  if (result.rcode != rcode::noerror) return result;
  const rrset_map before = m;
  for (const dns::record& r : updates) apply_one(z, m, r);
  std::erase_if(m, [](const auto& entry) { return entry.second.empty(); });
  if (m == before) return result;  // nothing changed: NOERROR, same version (§3.4.2.7)

  // §3.6: the serial goes up with every change, by one when the update did not raise it.
  auto* soa = find(m, z.origin(), rr_type::soa);
  if (soa == nullptr) {
    result.rcode = rcode::refused;
    result.why = "the update leaves no SOA";
    return result;
  }
  auto fields = dns::soa(soa->front().rdata);
  if (fields && fields->serial == z.serial()) {
    fields->serial = z.serial() + 1;
    if (fields->serial == 0) fields->serial = 1;  // as BIND: 0 is skipped
    soa->front().rdata = dns::make_soa(*fields);
  }
  result.updated = rebuild(z, names, m, checks, result.why);
  if (!result.updated) {
    result.rcode = rcode::refused;
    return result;
  }
  result.change = change_at(z, *result.updated, names);
  return result;
}

namespace {

// A change over `z`: the removed records taken out, the added ones put in. `strict` (a change
// from a primary): every removed record must be there (owner, type and rdata; RFC 2181 §5.2
// makes the TTL the RRset's) and no added one may be there already, or the change was made over
// another version than ours.
std::shared_ptr<const zone> apply_change_to(const zone& z, const zone_change& change, bool strict,
                                            const check_options& checks, std::string& why) {
  if (change.serial_from != z.serial()) {
    why = "change from serial " + std::to_string(change.serial_from) + " over serial " +
          std::to_string(z.serial());
    return nullptr;
  }
  touched_names names;
  for (const auto& r : change.removed) names.add(r.owner);
  for (const auto& r : change.added) names.add(r.owner);
  rrset_map m = rrsets_at(z, names);
  auto matches = [strict](const dns::record& a, const dns::record& b) {
    return (strict || a.ttl == b.ttl) && same_rdata(a, b);
  };
  for (const auto& r : change.removed) {
    auto* set = find(m, r.owner, r.type);
    const auto same = [&](const dns::record& x) { return matches(x, r); };
    const std::size_t erased = set == nullptr ? 0 : std::erase_if(*set, same);
    if (strict && erased == 0) {
      why = "deletes a record that is not in the zone: " + r.to_text();
      return nullptr;
    }
  }
  for (const auto& r : change.added) {
    auto& set = m[rrset_key{r.owner.lowercase(), r.type}];
    if (strict && std::any_of(set.begin(), set.end(), [&](const dns::record& x) {
          return same_rdata(x, r);
        })) {
      why = "adds a record that is already in the zone: " + r.to_text();
      return nullptr;
    }
    set.push_back(r);
  }
  std::erase_if(m, [](const auto& entry) { return entry.second.empty(); });
  auto built = rebuild(z, names, m, checks, why);
  if (strict && built && built->serial() != change.serial_to) {
    why = "the change ends at serial " + std::to_string(built->serial()) + ", not " +
          std::to_string(change.serial_to);
    return nullptr;
  }
  return built;
}

}  // namespace

std::shared_ptr<const zone> apply_change(const zone& z, const zone_change& change,
                                         std::string& why) {
  const check_options quiet;
  return apply_change_to(z, change, false, quiet, why);
}

std::shared_ptr<const zone> apply_transferred_change(const zone& z, const zone_change& change,
                                                     const check_options& checks,
                                                     std::string& why) {
  return apply_change_to(z, change, true, checks, why);
}

}  // namespace dnskit::zones
