// The named-checkzone checks (see checks.hpp for the list and the choices made where BIND, the
// RFCs and the other servers differ). They run on the grouped data, before it is frozen, while
// every record still knows its file, line and column.
#include <algorithm>
#include <cstring>
#include <string>

#include "zone_build_context.hpp"
#include "zone_names.hpp"

namespace dnskit::zones::detail {

namespace {

std::string name_text(const build_context& c, std::uint32_t id) {
  return build_context::text_of(c.wire_of(id));
}

// The node whose data answers for `lower` inside the zone, following RFC 4592 for names that do
// not exist: the closest encloser's `*` child when it has one. no_node when nothing does.
std::uint32_t resolve(const build_context& c, std::span<const std::uint8_t> lower) {
  const std::uint32_t id = c.find(lower);
  if (id != zone::no_node) return id;
  for (auto p = parent_of(lower); p.size() >= c.origin_key.size() && p.size() > 1;
       p = parent_of(p)) {
    const std::uint32_t enc = c.find(p);
    if (enc == zone::no_node) continue;
    if (!(c.nodes[enc].flags & node_wildcard_parent)) return zone::no_node;
    std::uint8_t buf[256];
    if (p.size() + 2 > 255) return zone::no_node;
    buf[0] = 1;
    buf[1] = '*';
    std::memcpy(buf + 2, p.data(), p.size());
    return c.find(std::span<const std::uint8_t>(buf, p.size() + 2));
  }
  return zone::no_node;
}

bool has_address(const build_context& c, std::uint32_t id) {
  return c.find_rrset(id, dns::rr_type::a) != nullptr ||
         c.find_rrset(id, dns::rr_type::aaaa) != nullptr;
}

// The record of this RRset that came first in the file (for locations).
const staged_record* first_record(const build_context& c, const rrset& s) {
  const staged_record* best = nullptr;
  for (std::uint32_t i = 0; i < s.count; ++i) {
    const staged_record* r = &c.record_at(s, i);
    if (best == nullptr || r < best) best = r;
  }
  return best;
}

void check_apex(build_context& c) {
  const node& apex = c.nodes[c.apex];
  const rrset* soa = c.find_rrset(c.apex, dns::rr_type::soa);
  const std::string zone_name = name_text(c, c.apex) + "/" + dns::to_string(c.klass);
  if (soa == nullptr) {
    c.report(true, nullptr, "zone " + zone_name + ": has no SOA record at the apex");
  } else if (soa->count > 1) {
    c.report(true, &c.record_at(*soa, 1),
             "zone " + zone_name + ": has " + std::to_string(soa->count) +
                 " SOA records (exactly one is allowed)");
  }
  if (c.find_rrset(c.apex, dns::rr_type::ns) == nullptr)
    c.report(true, soa ? first_record(c, *soa) : nullptr,
             "zone " + zone_name + ": has no NS records");
  (void)apex;
}

// RFC 1034 §3.6.2 / RFC 2181 §10.1: a CNAME owner has no other data (DNSSEC records aside).
void check_node_types(build_context& c, std::uint32_t id) {
  const node& n = c.nodes[id];
  const rrset* cname = nullptr;
  const rrset* other = nullptr;
  for (std::uint32_t i = 0; i < n.rrset_count; ++i) {
    const rrset& s = c.rrsets[n.first_rrset + i];
    switch (s.type) {
      case dns::rr_type::cname: cname = &s; break;
      case dns::rr_type::rrsig:
      case dns::rr_type::nsec:
      case dns::rr_type::key: break;
      case dns::rr_type::soa:
        if (id != c.apex)
          c.report(true, first_record(c, s), "SOA record not at top of zone (" + name_text(c, id) + ")");
        if (other == nullptr) other = &s;
        break;
      case dns::rr_type::dname:
        if (s.count > 1)
          c.report(true, &c.record_at(s, 1), name_text(c, id) + ": more than one DNAME");
        if (other == nullptr) other = &s;
        break;
      default:
        if (other == nullptr) other = &s;
        break;
    }
  }
  if (cname != nullptr) {
    if (cname->count > 1)
      c.report(true, &c.record_at(*cname, 1), name_text(c, id) + ": more than one CNAME");
    if (other != nullptr) {
      // Report at the later of the two, as BIND does (the record that made the conflict).
      const staged_record* a = first_record(c, *cname);
      const staged_record* b = first_record(c, *other);
      c.report(true, a > b ? a : b, name_text(c, id) + ": CNAME and other data");
    }
  }
}

// Data a delegation or a DNAME hides: accepted, never served (checks.hpp).
void check_occluded(build_context& c, std::uint32_t id) {
  const node& n = c.nodes[id];
  if (!c.checks.warn_occluded || n.rrset_count == 0) return;
  if (n.flags & node_below_dname) {
    c.report(false, first_record(c, c.rrsets[n.first_rrset]),
             name_text(c, id) + ": occluded by a DNAME above it (not served)");
    return;
  }
  if (!(n.flags & node_below_delegation)) return;
  for (std::uint32_t i = 0; i < n.rrset_count; ++i) {
    const rrset& s = c.rrsets[n.first_rrset + i];
    if (s.type == dns::rr_type::a || s.type == dns::rr_type::aaaa) continue;  // glue
    c.report(false, first_record(c, s),
             name_text(c, id) + "/" + dns::to_string(s.type) +
                 ": below a delegation and not glue (not served)");
  }
}

// NS (error, as BIND's check-integrity), MX and SRV (warnings) targets inside the zone.
void check_targets(build_context& c, std::uint32_t id) {
  const node& n = c.nodes[id];
  if (n.flags & (node_below_delegation | node_below_dname)) return;
  for (std::uint32_t i = 0; i < n.rrset_count; ++i) {
    const rrset& s = c.rrsets[n.first_rrset + i];
    const bool ns = s.type == dns::rr_type::ns;
    if (!ns && s.type != dns::rr_type::mx && s.type != dns::rr_type::srv) continue;
    if (ns && id != c.apex && !(n.flags & node_delegation)) continue;  // wildcard NS
    const int offset = target_offset(static_cast<std::uint16_t>(s.type));
    for (std::uint32_t k = 0; k < s.count; ++k) {
      const auto target = embedded_name(c.rdata_at(s, k), static_cast<std::size_t>(offset));
      if (target.size() <= 1) continue;  // "." : null MX (RFC 7505), no SRV service (RFC 2782)
      std::uint8_t lower[256];
      lower_copy(target, lower);
      const std::span<const std::uint8_t> key(lower, target.size());
      if (!is_at_or_below(key, c.origin_key)) continue;
      const std::uint32_t t = resolve(c, key);
      const std::string what = (ns && id == c.apex ? std::string() : name_text(c, id) + "/") +
                               dns::to_string(s.type) + " '" + build_context::text_of(target) + "'";
      const staged_record* where = &c.record_at(s, k);
      if (t != zone::no_node && (c.nodes[t].flags & node_has_cname)) {
        if (ns || c.checks.warn_cname_targets) c.report(ns, where, what + " is a CNAME (illegal)");
      } else if (t == zone::no_node || !has_address(c, t)) {
        if (ns || c.checks.warn_missing_address)
          c.report(ns, where, what + " has no address records (A or AAAA)");
      }
    }
  }
}

}  // namespace

void run_checks(build_context& c) {
  check_apex(c);
  for (std::uint32_t id = 0; id < c.nodes.size(); ++id) {
    check_node_types(c, id);
    check_occluded(c, id);
    check_targets(c, id);
  }
}

}  // namespace dnskit::zones::detail
