// The zone checks (checks.hpp; docs/zone-checks.md has the table of each one's severity and
// named-checkzone's verdict). They run on the grouped data, before it is frozen, while
// every record still knows its file, line and column.
#include <algorithm>
#include <cstring>
#include <string>

#include "zone_build_context.hpp"
#include "zone_names.hpp"

namespace dnskit::zones::detail {

namespace {

using severity = build_context::severity;

std::string name_text(const build_context& c, std::uint32_t id) {
  return build_context::text_of(c.wire_of(id));
}

bool has_address(const build_context& c, std::uint32_t id) {
  return id != no_node && (c.find_rrset(id, dns::rr_type::a) != nullptr ||
                                 c.find_rrset(id, dns::rr_type::aaaa) != nullptr);
}

// What a lookup of an in-zone host name (an NS, MX or SRV target) finds, as BIND's database
// search finds it: zone cuts and DNAMEs above the name first, then the name itself or the
// wildcard that covers it (RFC 4592 §3.3.1). The verdicts below depend on which it is.
struct target {
  enum kind_t : std::uint8_t {
    address,     // A or AAAA at the name (or at the wildcard covering it)
    no_address,  // the name has neither, is an empty non-terminal, or does not exist
    cname,       // the name is a CNAME (RFC 2181 §10.3: illegal as a host name)
    dname,       // a DNAME above the name (RFC 6672 §2.3: the name is redirected)
    glue,        // at or below a zone cut, with an address record (glue)
    no_glue,     // at or below a zone cut, without one
  } kind = no_address;
  std::uint32_t at = no_node;  // the DNAME or the cut
};

target classify(const build_context& c, std::uint32_t id) {
  if (id == no_node) return {};
  if (c.nodes[id].flags & node_has_cname) return {target::cname};
  return {has_address(c, id) ? target::address : target::no_address};
}

target find_target(const build_context& c, std::span<const std::uint8_t> key) {
  // Label starts of `key`; the last entry is its root label. The walk goes from the apex down.
  std::size_t starts[128];
  std::size_t count = 0;
  for (std::size_t off = 0; off < key.size() && key[off] != 0 && count < 127; off += 1u + key[off])
    starts[count++] = off;
  starts[count] = key.size() - 1;
  std::size_t i = count;
  while (i > 0 && key.size() - starts[i] != c.origin_key.size()) --i;
  std::uint32_t encloser = no_node;
  for (;; --i) {
    const auto suffix = key.subspan(starts[i]);
    const std::uint32_t id = c.find(suffix);
    if (id == no_node) break;
    encloser = id;
    const std::uint8_t flags = c.nodes[id].flags;
    // NS at a cut takes precedence over a DNAME beside it, and a cut applies at its own name
    // (RFC 1034 §4.3.2 step 3b); a DNAME only redirects the names below it (RFC 6672 §2.3).
    if (id != c.apex && (flags & node_delegation))
      return {has_address(c, c.find(key)) ? target::glue : target::no_glue, id};
    if (i != 0 && (flags & node_dname)) return {target::dname, id};
    if (i == 0) return classify(c, id);
  }
  // The name does not exist: the wildcard child of its closest encloser answers for it.
  if (encloser == no_node || !(c.nodes[encloser].flags & node_wildcard_parent)) return {};
  const auto enc = c.key_of(encloser);
  std::uint8_t buf[256];
  if (enc.size() + 2 > 255) return {};
  buf[0] = 1;
  buf[1] = '*';
  std::memcpy(buf + 2, enc.data(), enc.size());
  return classify(c, c.find(std::span<const std::uint8_t>(buf, enc.size() + 2)));
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
  const rrset* soa = c.find_rrset(c.apex, dns::rr_type::soa);
  const std::string zone_name = name_text(c, c.apex) + "/" + dns::to_string(c.klass);
  if (soa == nullptr) {
    c.report(severity::error, nullptr, "zone " + zone_name + ": has no SOA record at the apex");
  } else if (soa->count > 1) {
    c.report(severity::error, &c.record_at(*soa, 1),
             "zone " + zone_name + ": has " + std::to_string(soa->count) +
                 " SOA records (exactly one is allowed)");
  }
  if (c.find_rrset(c.apex, dns::rr_type::ns) == nullptr)
    c.report(severity::error, soa ? first_record(c, *soa) : nullptr,
             "zone " + zone_name + ": has no NS records");
  // RFC 4034 §5: a DS RRset lives on the parent's side of a zone cut, never at a zone's apex.
  if (const rrset* ds = c.find_rrset(c.apex, dns::rr_type::ds))
    c.report(severity::error, first_record(c, *ds),
             "DS record at top of zone (" + name_text(c, c.apex) + ")");
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
          c.report(severity::error, first_record(c, s),
                   "SOA record not at top of zone (" + name_text(c, id) + ")");
        if (other == nullptr) other = &s;
        break;
      case dns::rr_type::dname:
        if (s.count > 1)
          c.report(severity::error, &c.record_at(s, 1), name_text(c, id) + ": more than one DNAME");
        if (other == nullptr) other = &s;
        break;
      case dns::rr_type::ns:
        // RFC 4592 §4.2: NS at a wildcard name has no defined meaning; BIND refuses it.
        if (n.flags & node_wildcard)
          c.report(severity::error, first_record(c, s),
                   name_text(c, id) + ": invalid NS owner name (wildcard)");
        if (other == nullptr) other = &s;
        break;
      default:
        if (other == nullptr) other = &s;
        break;
    }
  }
  if (cname != nullptr) {
    if (cname->count > 1)
      c.report(severity::error, &c.record_at(*cname, 1), name_text(c, id) + ": more than one CNAME");
    if (other != nullptr) {
      // Report at the later of the two, as BIND does (the record that made the conflict).
      const staged_record* a = first_record(c, *cname);
      const staged_record* b = first_record(c, *other);
      c.report(severity::error, a > b ? a : b, name_text(c, id) + ": CNAME and other data");
    }
  }
}

// Data a delegation or a DNAME hides: accepted (as BIND, NSD and Knot do), never served.
void check_occluded(build_context& c, std::uint32_t id) {
  const node& n = c.nodes[id];
  if (!c.checks.warn_occluded || n.rrset_count == 0) return;
  if (n.flags & node_below_dname) {
    c.report(severity::strict, first_record(c, c.rrsets[n.first_rrset]),
             name_text(c, id) + ": occluded by a DNAME above it (not served)");
    return;
  }
  if (!(n.flags & node_below_delegation)) return;
  for (std::uint32_t i = 0; i < n.rrset_count; ++i) {
    const rrset& s = c.rrsets[n.first_rrset + i];
    if (s.type == dns::rr_type::a || s.type == dns::rr_type::aaaa) continue;  // glue
    c.report(severity::strict, first_record(c, s),
             name_text(c, id) + "/" + dns::to_string(s.type) +
                 ": below a delegation and not glue (not served)");
  }
}

// In-zone targets of the apex NS, delegation NS, MX and SRV records. Only the apex NS targets
// can stop a zone at the bind level: the zone's own name servers must be reachable through it
// (RFC 1034 §4.2.1, RFC 2181 §10.3). For the rest BIND only warns; they are strict checks.
void check_targets(build_context& c, std::uint32_t id) {
  const node& n = c.nodes[id];
  if (n.flags & (node_below_delegation | node_below_dname)) return;
  for (std::uint32_t i = 0; i < n.rrset_count; ++i) {
    const rrset& s = c.rrsets[n.first_rrset + i];
    const bool ns = s.type == dns::rr_type::ns;
    if (!ns && s.type != dns::rr_type::mx && s.type != dns::rr_type::srv) continue;
    if (ns && (n.flags & node_wildcard)) continue;  // refused above (check_node_types)
    // At a cut only the NS RRset is the zone's to check; the rest is occluded.
    if (!ns && id != c.apex && (n.flags & node_delegation)) continue;
    const bool apex_ns = ns && id == c.apex;
    const severity sev = apex_ns ? severity::error : severity::strict;
    const int offset = target_offset(static_cast<std::uint16_t>(s.type));
    for (std::uint32_t k = 0; k < s.count; ++k) {
      const auto name = embedded_name(c.rdata_at(s, k), static_cast<std::size_t>(offset));
      if (name.size() <= 1) continue;  // "." : null MX (RFC 7505), no SRV service (RFC 2782)
      std::uint8_t lower[256];
      lower_copy(name, lower);
      const std::span<const std::uint8_t> key(lower, name.size());
      if (!is_at_or_below(key, c.origin_key)) continue;
      const target t = find_target(c, key);
      const std::string what = (apex_ns ? std::string() : name_text(c, id) + "/") +
                               dns::to_string(s.type) + " '" + build_context::text_of(name) + "'";
      const staged_record* where = &c.record_at(s, k);
      switch (t.kind) {
        case target::address:
        case target::glue: break;
        case target::cname:
          if (ns || c.checks.warn_cname_targets) c.report(sev, where, what + " is a CNAME (illegal)");
          break;
        case target::dname:
          if (ns || c.checks.warn_cname_targets)
            c.report(sev, where,
                     what + " is below a DNAME '" + name_text(c, t.at) + "' (illegal)");
          break;
        case target::no_glue:
          // A name below a cut is the child's; the parent holds its address only as glue
          // (RFC 1034 §4.2.1). Required for the cut's own servers, else for a sibling cut.
          // An apex NS or an MX/SRV target there is looked up through the referral.
          if (apex_ns || !ns) break;
          c.report(sev, where,
                   what + " has no " +
                       (is_at_or_below(key, c.key_of(id)) ? "REQUIRED GLUE " : "SIBLING GLUE ") +
                       "address records (A or AAAA)");
          break;
        case target::no_address:
          if (ns || c.checks.warn_missing_address)
            c.report(sev, where, what + " has no address records (A or AAAA)");
          break;
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
  run_dnssec_checks(c);
}

}  // namespace dnskit::zones::detail
