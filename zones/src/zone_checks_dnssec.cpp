// The checks of a signed zone (checks.hpp; docs/zone-checks.md has the table): what
// `ldns-verify-zone` and `dnssec-verify` look at short of the signatures' cryptography. BIND
// loads such a zone (it only warns about expired signatures) unless its NSEC3PARAM names no
// hash algorithm it knows, so apart from that one these are warnings or strict checks.
#include <algorithm>
#include <array>
#include <compare>
#include <ctime>
#include <string>
#include <vector>

#include "nsec3_hash.hpp"
#include "zone_build_context.hpp"
#include "zone_names.hpp"

namespace dnskit::zones::detail {

namespace {

using severity = build_context::severity;

// RFC 9276 §3.1 wants 0 extra iterations; BIND 9.18 warns above 150.
constexpr unsigned nsec3_iterations_warn = 150;

std::string name_text(const build_context& c, std::uint32_t id) {
  return build_context::text_of(c.wire_of(id));
}

std::uint16_t u16(std::span<const std::uint8_t> d, std::size_t o) {
  return static_cast<std::uint16_t>((d[o] << 8) | d[o + 1]);
}
std::uint32_t u32(std::span<const std::uint8_t> d, std::size_t o) {
  return (std::uint32_t{d[o]} << 24) | (std::uint32_t{d[o + 1]} << 16) |
         (std::uint32_t{d[o + 2]} << 8) | d[o + 3];
}

// RRSIG times as in presentation form (RFC 4034 §3.2: YYYYMMDDHHmmSS, UTC), for messages.
std::string time_text(std::uint32_t t) {
  const std::time_t s = t;
  std::tm tm{};
  gmtime_r(&s, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%d%H%M%S", &tm);
  return buf;
}

// The types a bitmap lists (RFC 4034 §4.1.2), ascending; false when it is malformed.
bool bitmap_types(std::span<const std::uint8_t> d, std::vector<std::uint16_t>& out) {
  out.clear();
  std::size_t pos = 0;
  while (pos < d.size()) {
    if (pos + 2 > d.size()) return false;
    const unsigned window = d[pos];
    const std::size_t len = d[pos + 1];
    if (len == 0 || len > 32 || pos + 2 + len > d.size()) return false;
    for (std::size_t i = 0; i < len; ++i)
      for (unsigned bit = 0; bit < 8; ++bit)
        if (d[pos + 2 + i] & (0x80u >> bit))
          out.push_back(static_cast<std::uint16_t>((window << 8) | (i * 8 + bit)));
    pos += 2 + len;
  }
  return true;
}

std::string types_text(const std::vector<std::uint16_t>& types) {
  std::string s;
  for (const std::uint16_t t : types) {
    if (!s.empty()) s += ' ';
    s += dns::to_string(static_cast<dns::rr_type>(t));
  }
  return s.empty() ? "none" : s;
}

struct checker {
  build_context& c;
  const std::uint32_t now;
  bool nsec3_zone = false;
  std::vector<std::uint16_t> scratch;
  std::vector<std::uint16_t> listed;

  // Authoritative data of this zone at the node (RFC 4035 §2.2): not below a cut or a DNAME.
  bool authoritative(std::uint32_t id) const {
    return !(c.nodes[id].flags & (node_below_delegation | node_below_dname)) &&
           is_at_or_below(c.key_of(id), c.origin_key);
  }
  bool delegation(std::uint32_t id) const {
    return id != c.apex && (c.nodes[id].flags & node_delegation);
  }
  // An NSEC3 owner: a child of the apex with nothing but NSEC3 and its RRSIG.
  bool nsec3_owner(std::uint32_t id) const {
    const node& n = c.nodes[id];
    if (n.parent != c.apex || c.find_rrset(id, dns::rr_type::nsec3) == nullptr) return false;
    for (std::uint32_t i = 0; i < n.rrset_count; ++i) {
      const auto t = c.rrsets[n.first_rrset + i].type;
      if (t != dns::rr_type::nsec3 && t != dns::rr_type::rrsig) return false;
    }
    return true;
  }
  // The types the NSEC or NSEC3 of this name must list (RFC 4034 §4.1.2, RFC 5155 §3.1.8): at a
  // cut only what the parent side holds (RFC 4035 §2.3).
  void expected_types(std::uint32_t id, std::vector<std::uint16_t>& out) const {
    out.clear();
    const node& n = c.nodes[id];
    for (std::uint32_t i = 0; i < n.rrset_count; ++i) {
      const auto t = c.rrsets[n.first_rrset + i].type;
      if (delegation(id) && t != dns::rr_type::ns && t != dns::rr_type::ds &&
          t != dns::rr_type::nsec && t != dns::rr_type::rrsig)
        continue;
      if (nsec3_zone && t == dns::rr_type::nsec) continue;
      out.push_back(static_cast<std::uint16_t>(t));
    }
  }

  // RFC 4035 §2.2: every authoritative RRset of a signed zone has an RRSIG; at a cut only the DS
  // and NSEC are the parent's to sign. RFC 4034 §3.1.5: each RRSIG's validity period holds now.
  void check_signatures() {
    const staged_record* first_expired = nullptr;
    const staged_record* first_early = nullptr;
    std::string expired_text, early_text;
    std::size_t expired = 0, early = 0;
    for (std::uint32_t id = 0; id < c.nodes.size(); ++id) {
      if (!authoritative(id)) continue;
      const rrset* sigs = c.find_rrset(id, dns::rr_type::rrsig);
      if (sigs != nullptr) {
        for (std::uint32_t k = 0; k < sigs->count; ++k) {
          const auto d = c.rdata_at(*sigs, k);
          if (d.size() < 18) continue;
          const std::uint32_t expiration = u32(d, 8), inception = u32(d, 12);
          // Serial number arithmetic (RFC 1982, RFC 4034 §3.1.5).
          const auto what = [&] {
            return name_text(c, id) + "/RRSIG " +
                   dns::to_string(static_cast<dns::rr_type>(u16(d, 0)));
          };
          if (static_cast<std::int32_t>(now - expiration) > 0) {
            ++expired;
            // The first in the file, as BIND names it.
            if (first_expired == nullptr || &c.record_at(*sigs, k) < first_expired) {
              first_expired = &c.record_at(*sigs, k);
              expired_text = what() + ": signature has expired (" + time_text(expiration) + ")";
            }
          } else if (static_cast<std::int32_t>(inception - now) > 0) {
            ++early;
            if (first_early == nullptr || &c.record_at(*sigs, k) < first_early) {
              first_early = &c.record_at(*sigs, k);
              early_text = what() + ": signature is not yet valid (" + time_text(inception) + ")";
            }
          }
        }
      }
      const node& n = c.nodes[id];
      for (std::uint32_t i = 0; i < n.rrset_count; ++i) {
        const rrset& s = c.rrsets[n.first_rrset + i];
        if (s.type == dns::rr_type::rrsig) continue;
        if (delegation(id) && s.type != dns::rr_type::ds && s.type != dns::rr_type::nsec) continue;
        bool covered = false;
        for (std::uint32_t k = 0; sigs != nullptr && k < sigs->count && !covered; ++k) {
          const auto d = c.rdata_at(*sigs, k);
          covered = d.size() >= 2 && u16(d, 0) == static_cast<std::uint16_t>(s.type);
        }
        if (!covered)
          c.report(severity::strict, &c.record_at(s, 0),
                   name_text(c, id) + "/" + dns::to_string(s.type) + ": no RRSIG covers it");
      }
    }
    // One message each, however many: a zone whose signatures ran out has them all expired.
    const auto more = [](std::size_t n) {
      return n > 1 ? " (and " + std::to_string(n - 1) + " more)" : std::string();
    };
    if (first_expired != nullptr)
      c.report(severity::warning, first_expired, expired_text + more(expired));
    if (first_early != nullptr)
      c.report(severity::warning, first_early, early_text + more(early));
  }

  // `what` names the record in the message (made only when there is one).
  template <class What>
  void check_bitmap(std::uint32_t id, std::span<const std::uint8_t> bitmap,
                    const staged_record* where, What&& what) {
    if (!bitmap_types(bitmap, listed)) return;  // the parser has validated it
    expected_types(id, scratch);
    if (listed != scratch)
      c.report(severity::strict, where,
               what() + ": type bitmap lists " + types_text(listed) + ", the name has " +
                   types_text(scratch));
  }

  // RFC 4034 §4.1.1, RFC 4035 §2.3: every authoritative name (delegations included, glue not)
  // has an NSEC, and each NSEC names the next one in canonical order, the last the apex.
  void check_nsec_chain() {
    std::vector<std::uint32_t> chain;
    for (std::uint32_t id = 0; id < c.nodes.size(); ++id) {
      if (!authoritative(id)) continue;
      const rrset* nsec = c.find_rrset(id, dns::rr_type::nsec);
      if (nsec != nullptr) {
        chain.push_back(id);
      } else if (c.nodes[id].rrset_count != 0) {
        c.report(severity::strict, &c.record_at(c.rrsets[c.nodes[id].first_rrset], 0),
                 name_text(c, id) + ": no NSEC record (the NSEC chain is broken)");
      }
    }
    std::sort(chain.begin(), chain.end(), [&](std::uint32_t a, std::uint32_t b) {
      return std::is_lt(dns::canonical_compare(c.key_of(a), c.key_of(b)));
    });
    for (std::size_t i = 0; i < chain.size(); ++i) {
      const std::uint32_t id = chain[i];
      const std::uint32_t next = chain[(i + 1) % chain.size()];
      const rrset& nsec = *c.find_rrset(id, dns::rr_type::nsec);
      const auto d = c.rdata_at(nsec, 0);
      const auto named = embedded_name(d, 0);
      const staged_record* where = &c.record_at(nsec, 0);
      const auto what = [&] { return name_text(c, id) + "/NSEC"; };
      if (!equal_ignore_case(named, c.key_of(next)))
        c.report(severity::strict, where,
                 what() + ": next name '" + build_context::text_of(named) + "' should be '" +
                     name_text(c, next) + "' (the NSEC chain is broken)");
      check_bitmap(id, d.subspan(named.size()), where, what);
    }
  }

  // RFC 5155 §7.1: one NSEC3 per authoritative name and empty non-terminal (insecure
  // delegations may be left out under opt-out), with the NSEC3PARAM's parameters, each naming the
  // next hash in order. §4: the NSEC3PARAM tells the server which chain to use.
  void check_nsec3(const rrset* param) {
    const staged_record* param_at = param != nullptr ? &c.record_at(*param, 0) : nullptr;
    std::span<const std::uint8_t> params;  // algorithm, flags, iterations, salt length, salt
    if (param != nullptr) {
      for (std::uint32_t k = 0; k < param->count && params.empty(); ++k) {
        const auto d = c.rdata_at(*param, k);
        if (d.size() >= 5 && d[0] == 1 && d.size() >= 5u + d[4]) {
          params = d;
          param_at = &c.record_at(*param, k);
        }
      }
      if (params.empty()) {
        // BIND refuses it ("no supported nsec3 hash algorithm"): RFC 5155 §11 defines SHA-1 only.
        c.report(severity::error, param_at,
                 name_text(c, c.apex) + "/NSEC3PARAM: no supported NSEC3 hash algorithm "
                                        "(only 1, SHA-1, is defined)");
        return;
      }
      if (u16(params, 2) > nsec3_iterations_warn)
        c.report(severity::warning, param_at,
                 name_text(c, c.apex) + "/NSEC3PARAM: excessive iterations " +
                     std::to_string(u16(params, 2)) + " > " +
                     std::to_string(nsec3_iterations_warn));
    }
    // The chain: NSEC3 owners with the NSEC3PARAM's parameters (or, without one, the first's).
    struct link {
      std::uint32_t id;
      const staged_record* where;
      std::span<const std::uint8_t> rdata;
      std::span<const std::uint8_t> label;  // the owner's first label, lowercase
    };
    std::vector<link> chain;
    bool opt_out = false;
    for (std::uint32_t id = 0; id < c.nodes.size(); ++id) {
      if (!nsec3_owner(id)) continue;
      const rrset& s = *c.find_rrset(id, dns::rr_type::nsec3);
      const auto d = c.rdata_at(s, 0);
      if (d.size() < 5 || d.size() < 6u + d[4]) continue;
      if (params.empty()) params = d;
      const bool same = d[0] == params[0] && u16(d, 2) == u16(params, 2) && d[4] == params[4] &&
                        std::equal(d.begin() + 5, d.begin() + 5 + d[4], params.begin() + 5);
      if (!same) continue;
      chain.push_back({id, &c.record_at(s, 0), d, c.key_of(id).subspan(1, c.key_of(id)[0])});
      opt_out = opt_out || (d[1] & 1);
    }
    if (params.empty()) return;
    if (chain.empty()) {
      c.report(severity::strict, param_at,
               name_text(c, c.apex) + "/NSEC3PARAM: no NSEC3 chain has its parameters");
      return;
    }
    // All owners are children of the apex: their first labels (lowercase) give the order
    // (RFC 4034 §6.1), compared as octets.
    const auto label_less = [](std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) {
      return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end());
    };
    std::sort(chain.begin(), chain.end(),
              [&](const link& a, const link& b) { return label_less(a.label, b.label); });
    std::vector<char> matched(chain.size(), 0);
    const std::span<const std::uint8_t> salt = params.subspan(5, params[4]);
    const std::uint16_t iterations = u16(params, 2);
    for (std::uint32_t id = 0; id < c.nodes.size(); ++id) {
      if (!authoritative(id) || nsec3_owner(id)) continue;
      const node& n = c.nodes[id];
      const bool ent = n.rrset_count == 0;
      const bool insecure_cut = delegation(id) && c.find_rrset(id, dns::rr_type::ds) == nullptr;
      std::uint8_t hash[nsec3_sha1_size];
      std::uint8_t label[nsec3_label_size];
      nsec3_sha1(c.key_of(id), salt, iterations, hash);
      nsec3_label(hash, label);
      // The owner that hash would have: the chain is sorted, a binary search finds it.
      const std::span<const std::uint8_t> want(label, nsec3_label_size);
      const auto found = std::lower_bound(
          chain.begin(), chain.end(), want,
          [&](const link& l, std::span<const std::uint8_t> w) { return label_less(l.label, w); });
      if (found == chain.end() || !std::ranges::equal(found->label, want)) {
        if (opt_out && (ent || insecure_cut)) continue;
        const staged_record* where =
            ent ? param_at : &c.record_at(c.rrsets[n.first_rrset], 0);
        c.report(severity::strict, where,
                 name_text(c, id) + ": no NSEC3 record (the NSEC3 chain is broken)");
        continue;
      }
      matched[static_cast<std::size_t>(found - chain.begin())] = 1;
      const auto d = found->rdata;
      const std::size_t bitmap_at = 6u + d[4] + d[5 + d[4]];
      if (bitmap_at <= d.size())
        check_bitmap(id, d.subspan(bitmap_at), found->where, [&] {
          return name_text(c, found->id) + "/NSEC3 (" + name_text(c, id) + ")";
        });
    }
    for (std::size_t i = 0; i < chain.size(); ++i) {
      const link& l = chain[i];
      const std::uint32_t next = chain[(i + 1) % chain.size()].id;
      const auto d = l.rdata;
      const std::size_t hash_len = d[5 + d[4]];
      const auto next_hash = d.subspan(6u + d[4], std::min(hash_len, d.size() - 6u - d[4]));
      std::uint8_t want[nsec3_label_size];
      bool ok = false;
      if (next_hash.size() == nsec3_sha1_size) {
        std::uint8_t raw[nsec3_sha1_size];
        std::copy(next_hash.begin(), next_hash.end(), raw);
        nsec3_label(raw, want);
        const auto key = c.key_of(next);
        ok = key[0] == nsec3_label_size &&
             std::equal(want, want + nsec3_label_size, key.begin() + 1);
      }
      const auto what = [&] { return name_text(c, l.id) + "/NSEC3"; };
      if (!ok)
        c.report(severity::strict, l.where,
                 what() + ": next hashed owner should be '" +
                     build_context::text_of(c.wire_of(next)).substr(0, nsec3_label_size) +
                     "' (the NSEC3 chain is broken)");
      if (!matched[i])
        c.report(severity::strict, l.where,
                 what() + ": the hash of no name in the zone (the NSEC3 chain is broken)");
    }
  }

  void run() {
    const rrset* dnskey = c.find_rrset(c.apex, dns::rr_type::dnskey);
    const rrset* param = c.find_rrset(c.apex, dns::rr_type::nsec3param);
    bool signed_zone = dnskey != nullptr;
    bool has_nsec = false, has_nsec3 = param != nullptr;
    for (std::uint32_t id = 0; id < c.nodes.size(); ++id) {
      if (!authoritative(id)) continue;
      if (c.find_rrset(id, dns::rr_type::rrsig) != nullptr) signed_zone = true;
      if (c.find_rrset(id, dns::rr_type::nsec) != nullptr) has_nsec = true;
      if (nsec3_owner(id)) has_nsec3 = true;
    }
    if (!signed_zone && !has_nsec && !has_nsec3) return;
    nsec3_zone = has_nsec3 && !has_nsec;
    if (dnskey == nullptr) {
      // RFC 4035 §2.1: the apex of a signed zone holds the DNSKEY RRset its RRSIGs refer to.
      const rrset* soa = c.find_rrset(c.apex, dns::rr_type::soa);
      c.report(severity::strict, soa != nullptr ? &c.record_at(*soa, 0) : nullptr,
               "zone " + name_text(c, c.apex) + "/" + dns::to_string(c.klass) +
                   ": signed, but has no DNSKEY records at the apex");
    }
    check_signatures();
    if (has_nsec) check_nsec_chain();
    if (has_nsec3) check_nsec3(param);
  }
};

}  // namespace

void run_dnssec_checks(build_context& c) {
  if (c.apex == no_node || !c.checks.check_dnssec) return;
  const auto now = c.checks.now >= 0 ? c.checks.now : static_cast<std::int64_t>(std::time(nullptr));
  checker{c, static_cast<std::uint32_t>(now), false, {}, {}}.run();
}

}  // namespace dnskit::zones::detail
