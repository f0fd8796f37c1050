// The authoritative lookup, RFC 1034 §4.3.2 step by step (step numbers in the comments):
//  1. the zone is chosen by the caller (zone_set) or given;
//  2/3. match down the tree: a zone cut above the name gives a referral (3b), a DNAME above it a
//       synthesised CNAME (RFC 6672 §3.1), an exact match its data or its CNAME (3a), a missing
//       name the closest encloser's wildcard (3c, RFC 4592 §3.3.1) or NXDOMAIN;
//  4. CNAMEs are followed while their targets stay inside the zone (bounded);
//  6. additional-section addresses for NS, MX and SRV targets inside the zone.
// Negative answers carry the SOA with TTL min(SOA TTL, MINIMUM) (RFC 2308 §3).
// With DO (lookup_options::dnssec), every RRset taken from the zone is followed by the RRSIGs
// that cover it (RFC 4035 §3.1.1), and a referral carries the child's DS (RFC 4035 §3.1.4).
#include "dnskit/zones/lookup.hpp"

#include <algorithm>
#include <cstring>

#include "zone_names.hpp"
#include "zone_storage.hpp"

namespace dnskit::zones {

using detail::lower_copy;

const char* to_string(answer_kind k) noexcept {
  switch (k) {
    case answer_kind::answer: return "answer";
    case answer_kind::cname: return "cname";
    case answer_kind::nodata: return "nodata";
    case answer_kind::nxdomain: return "nxdomain";
    case answer_kind::referral: return "referral";
    case answer_kind::yxdomain: return "yxdomain";
    case answer_kind::refused: return "refused";
  }
  return "?";
}

std::span<const std::uint8_t> additional_target(const record_ref& r) noexcept {
  const int off = detail::target_offset(static_cast<std::uint16_t>(r.type));
  if (off < 0 || r.type == dns::rr_type::cname || r.type == dns::rr_type::dname ||
      r.type == dns::rr_type::ptr)
    return {};
  return detail::embedded_name(r.rdata, static_cast<std::size_t>(off));
}

lookup_result::lookup_result() {
  answer.reserve(32);
  authority.reserve(16);
  additional.reserve(32);
}

void lookup_result::clear() noexcept {
  rcode = dns::rcode::noerror;
  aa = false;
  kind = answer_kind::refused;
  source = nullptr;
  wildcard = {};
  delegation = {};
  answer.clear();
  authority.clear();
  proof = 0;
  additional.clear();
  scratch_used_ = 0;
}

std::span<const std::uint8_t> lookup_result::keep(std::span<const std::uint8_t> bytes) noexcept {
  if (bytes.size() > scratch_size - scratch_used_) return {};
  std::uint8_t* at = scratch_.data() + scratch_used_;
  if (!bytes.empty()) std::memcpy(at, bytes.data(), bytes.size());
  scratch_used_ += bytes.size();
  return {at, bytes.size()};
}

namespace {

using detail::no_node;
using detail::node_id;
using bytes = std::span<const std::uint8_t>;

class resolver {
 public:
  resolver(const zone& z, dns::rr_type qtype, lookup_result& out, const lookup_options& opt)
      : zone_(z), z_(detail::data_of(z)), qtype_(qtype), out_(out), opt_(opt) {}

  void run(bytes qname);

 private:
  enum class step { done, follow };

  // The current name of the chain: its case as received (for synthesised owners) and lowered.
  bool set_name(bytes wire) noexcept {
    if (wire.empty() || wire.size() > 255) return false;
    owner_ = wire;
    lower_copy(wire, lower_);
    lower_size_ = wire.size();
    return true;
  }
  bytes lower() const noexcept { return {lower_, lower_size_}; }

  // An RRset of the zone, and with DO its signatures (unless `sign` is false: ANY takes the
  // node's RRSIG RRset as one RRset among the others).
  void add_rrset(std::vector<record_ref>& section, node_id id, const detail::rrset& s,
                 bytes owner, bool sign = true) {
    for (std::size_t i = 0; i < s.count; ++i) {
      record_ref r = z_.record(id, s, i);
      if (!owner.empty()) r.owner = owner;
      section.push_back(r);
    }
    if (sign) add_signatures(section, id, s.type, owner, s.ttl);
  }

  // RFC 4035 §3.1.1: the RRSIGs at `id` that cover `type`, right after the RRset they sign so
  // that truncation can keep or drop them together. A wildcard's signatures take the owner of
  // the synthesised RRset (RFC 4035 §3.1.3.3: the labels field tells the validator).
  void add_signatures(std::vector<record_ref>& section, node_id id, dns::rr_type type,
                      bytes owner, std::uint32_t ttl) {
    if (!opt_.dnssec || type == dns::rr_type::rrsig) return;
    const detail::rrset* sigs = z_.find_rrset(id, dns::rr_type::rrsig);
    if (sigs == nullptr) return;
    for (std::size_t i = 0; i < sigs->count; ++i) {
      record_ref r = z_.record(id, *sigs, i);
      if (!covers(r, type)) continue;
      if (!owner.empty()) r.owner = owner;
      r.ttl = std::min(r.ttl, ttl);
      section.push_back(r);
    }
  }

  // RFC 4034 §3.1: the type covered is the first field of RRSIG rdata.
  static bool covers(const record_ref& sig, dns::rr_type type) noexcept {
    return sig.rdata.size() >= 2 &&
           ((sig.rdata[0] << 8) | sig.rdata[1]) == static_cast<std::uint16_t>(type);
  }

  // Remembers a node whose addresses go in the additional section (step 6), once.
  void want_addresses(bytes target, bool allow_glue) noexcept {
    if (target.size() <= 1 || target.size() > 255) return;
    std::uint8_t low[255];
    lower_copy(target, low);
    const bytes key(low, target.size());
    if (!detail::is_at_or_below(key, z_.node_key(z_.apex()))) return;
    const node_id id = z_.find(key);
    if (id == no_node) return;
    const std::uint8_t flags = z_.node_at(id).flags;
    if (flags & detail::node_below_dname) return;
    // Below a cut the addresses are glue: only for NS targets (RFC 1034 §4.2.1).
    if ((flags & detail::node_below_delegation) && !allow_glue) return;
    for (std::size_t i = 0; i < extra_count_; ++i)
      if (extra_[i] == id) return;
    if (extra_count_ < max_extra) extra_[extra_count_++] = id;
  }

  void want_targets_of(const record_ref& r) noexcept {
    want_addresses(additional_target(r), r.type == dns::rr_type::ns);
  }

  void emit_additional() {
    // All A records first, then all AAAA, as NSD orders them.
    for (const dns::rr_type t : {dns::rr_type::a, dns::rr_type::aaaa})
      for (std::size_t i = 0; i < extra_count_; ++i)
        if (const detail::rrset* s = z_.find_rrset(extra_[i], t); s && s->count != 0) {
          // RFC 2181 §5.5: an RRset already in the answer is not repeated here.
          if (!in_answer(z_.record(extra_[i], *s, 0).owner, t))
            add_rrset(out_.additional, extra_[i], *s, {});
        }
  }

  void finish_positive(answer_kind kind) {
    out_.kind = kind;
    out_.rcode = dns::rcode::noerror;
    for (const record_ref& r : out_.answer) want_targets_of(r);
    // The apex NS in the authority section of a positive answer is optional (RFC 1034 §4.3.2
    // puts NS there only for referrals). It is left out where it says nothing about the data:
    // a chain that leaves the zone (kind cname: the rest is elsewhere), a name reached through
    // a DNAME (RFC 6672 §3.1: the answer is the synthesised alias), and DS at a cut (RFC 4035
    // §3.1.4.1: the parent's one record at the child's name). NSD and Knot add none there.
    if (opt_.authority_ns && !apex_ns_in_answer_ && kind == answer_kind::answer &&
        !no_authority_ns_) {
      if (const detail::rrset* ns = z_.find_rrset(z_.apex(), dns::rr_type::ns)) {
        add_rrset(out_.authority, z_.apex(), *ns, {});
        for (std::size_t i = 0; i < ns->count; ++i) want_targets_of(z_.record(z_.apex(), *ns, i));
      }
    }
    emit_additional();
  }

  void finish_negative(answer_kind kind) {
    out_.kind = kind;
    out_.rcode = kind == answer_kind::nxdomain ? dns::rcode::nxdomain : dns::rcode::noerror;
    record_ref soa = zone_.soa();
    if (!soa.owner.empty()) {
      soa.ttl = zone_.negative_ttl();
      out_.authority.push_back(soa);
      // RFC 4035 §3.1.3: the SOA's signatures with it, at the same (negative) TTL.
      add_signatures(out_.authority, z_.apex(), dns::rr_type::soa, {}, soa.ttl);
    }
    if (!opt_.dnssec) return;
    if (z_.nsec_chain().empty()) {
      deny_nsec3(kind);
      return;
    }
    // RFC 4035 §3.1.3.1/§3.1.3.2: NODATA, the NSEC of the name (for an empty non-terminal the
    // one covering it, RFC 4035 §3.1.3.2 and RFC 4592 §4.6); NXDOMAIN, the NSEC covering the
    // name. RFC 4035 §3.1.3.4: NODATA from a wildcard, the NSEC covering the name and the
    // wildcard's own NSEC. Either way the record for the name comes first.
    add_nsec(z_.nsec_at_or_before(lower()));
    if (wildcard_source_ != no_node) {
      add_nsec(z_.nsec_at_or_before(z_.node_key(wildcard_source_)));
    } else if (kind == answer_kind::nxdomain) {
      // RFC 4035 §3.1.3.2: and the NSEC proving no wildcard at the closest encloser.
      std::uint8_t star[255];
      if (encloser_.size() + 2 <= sizeof star) {
        star[0] = 1;
        star[1] = '*';
        std::memcpy(star + 2, encloser_.data(), encloser_.size());
        add_nsec(z_.nsec_at_or_before(bytes(star, encloser_.size() + 2)));
      }
    }
  }

  // The NSEC (or NSEC3) RRset at `id` and its signatures in the authority section, once per
  // answer (the same record can both cover the name and the wildcard).
  void add_nsec(node_id id, dns::rr_type type = dns::rr_type::nsec) {
    if (id == no_node) return;
    for (std::size_t i = 0; i < proof_count_; ++i)
      if (proofs_[i] == id) return;
    if (proof_count_ < max_proofs) proofs_[proof_count_++] = id;
    if (const detail::rrset* s = z_.find_rrset(id, type); s && s->count != 0) {
      add_rrset(out_.authority, id, *s, {});
      out_.proof = out_.authority.size();
    }
  }

  // RFC 4035 §3.1.3.3, RFC 5155 §7.2.6: an answer synthesised from a wildcard carries the proof
  // that the name asked for does not exist (the validator learns the closest encloser from the
  // labels of the RRSIG): the NSEC covering it, or the NSEC3 covering the next closer name.
  void wildcard_proof() {
    if (!opt_.dnssec) return;
    if (!z_.nsec_chain().empty()) {
      add_nsec(z_.nsec_at_or_before(lower()));
    } else if (!z_.nsec3_chain().empty() && wildcard_source_ != no_node) {
      const bytes encloser = detail::parent_of(z_.node_key(wildcard_source_));
      add_nsec(nsec3_node(child_toward(lower(), encloser)).id, dns::rr_type::nsec3);
    }
  }

  // --- NSEC3 (RFC 5155 §7.2) ---
  struct nsec3_found {
    node_id id = no_node;
    bool matches = false;  // its owner is the hash of the name (else it covers the hash)
  };

  // The NSEC3 that matches or covers the hash of `lower_name`.
  nsec3_found nsec3_node(bytes lower_name) const noexcept {
    std::uint8_t owner[255];
    const std::size_t n = z_.nsec3_owner(lower_name, owner);
    if (n == 0) return {};
    const node_id id = z_.nsec3_at_or_before(bytes(owner, n));
    if (id == no_node) return {};
    const bytes key = z_.node_key(id);
    return {id, key.size() == n && std::memcmp(key.data(), owner, n) == 0};
  }

  // The ancestor of `name` one label below `ancestor` (the "next closer name", RFC 5155 §1.3).
  static bytes child_toward(bytes name, bytes ancestor) noexcept {
    while (name.size() > ancestor.size() && detail::parent_of(name).size() > ancestor.size())
      name = detail::parent_of(name);
    return name;
  }

  // RFC 5155 §7.2.1: the closest (provable) encloser proof of `name`, starting the search at
  // `from` (an ancestor of it): the NSEC3 matching the closest ancestor that has one, and the
  // NSEC3 covering the next closer name. Returns that encloser (the apex at worst).
  bytes closest_encloser_proof(bytes name, bytes from) {
    const bytes apex = z_.node_key(z_.apex());
    for (bytes candidate = from; candidate.size() >= apex.size();
         candidate = detail::parent_of(candidate)) {
      const nsec3_found match = nsec3_node(candidate);
      if (match.matches || candidate.size() == apex.size()) {
        add_nsec(match.id, dns::rr_type::nsec3);
        add_nsec(nsec3_node(child_toward(name, candidate)).id, dns::rr_type::nsec3);
        return candidate;
      }
    }
    return apex;
  }

  void deny_nsec3(answer_kind kind) {
    if (z_.nsec3_chain().empty()) return;
    if (wildcard_source_ != no_node) {
      // RFC 5155 §7.2.5: NODATA from a wildcard: the closest encloser proof, and the NSEC3
      // matching the wildcard (its bitmap lacks the type).
      const bytes encloser = detail::parent_of(z_.node_key(wildcard_source_));
      closest_encloser_proof(lower(), encloser);
      add_nsec(nsec3_node(z_.node_key(wildcard_source_)).id, dns::rr_type::nsec3);
      return;
    }
    if (kind == answer_kind::nxdomain) {
      // RFC 5155 §7.2.2: the closest encloser proof, and the NSEC3 covering its wildcard.
      const bytes encloser = closest_encloser_proof(lower(), encloser_);
      std::uint8_t star[255];
      if (encloser.size() + 2 <= sizeof star) {
        star[0] = 1;
        star[1] = '*';
        std::memcpy(star + 2, encloser.data(), encloser.size());
        add_nsec(nsec3_node(bytes(star, encloser.size() + 2)).id, dns::rr_type::nsec3);
      }
      return;
    }
    // RFC 5155 §7.2.3: NODATA, the NSEC3 matching the name. Without one (a DS query at an
    // opt-out delegation, or an empty non-terminal only insecure delegations lead to), the
    // closest provable encloser proof (RFC 5155 §7.2.4).
    const nsec3_found match = nsec3_node(lower());
    if (match.matches) {
      add_nsec(match.id, dns::rr_type::nsec3);
    } else {
      closest_encloser_proof(lower(), detail::parent_of(lower()));
    }
  }

  // RFC 1034 §4.3.2 step 3b: a referral to the child zone at `cut`.
  void referral(node_id cut) {
    out_.kind = answer_kind::referral;
    out_.rcode = dns::rcode::noerror;
    // Earlier CNAMEs in the answer are ours to vouch for; the referral itself is not.
    out_.aa = !out_.answer.empty();
    const detail::rrset* ns = z_.find_rrset(cut, dns::rr_type::ns);
    if (ns == nullptr) return;
    const std::size_t first = out_.authority.size();
    add_rrset(out_.authority, cut, *ns, {});
    if (out_.authority.size() > first) out_.delegation = out_.authority[first].owner;
    // RFC 4035 §3.1.4: with DO, the DS RRset and its RRSIGs after the NS (the NS at a cut is
    // not signed: the parent is not authoritative for it).
    if (opt_.dnssec) {
      if (const detail::rrset* ds = z_.find_rrset(cut, dns::rr_type::ds); ds && ds->count != 0) {
        add_rrset(out_.authority, cut, *ds, {});
      } else if (!z_.nsec_chain().empty()) {
        // RFC 4035 §3.1.4.1: no DS, and the cut's NSEC proves it (its bitmap has NS, no DS).
        if (z_.nsec_at_or_before(z_.node_key(cut)) == cut) add_nsec(cut);
      } else if (!z_.nsec3_chain().empty()) {
        // RFC 5155 §7.2.7: the NSEC3 matching the cut; at an opt-out delegation, which has
        // none, the closest provable encloser proof whose next closer NSEC3 has opt-out set.
        const bytes key = z_.node_key(cut);
        const nsec3_found match = nsec3_node(key);
        if (match.matches) {
          add_nsec(match.id, dns::rr_type::nsec3);
        } else {
          closest_encloser_proof(key, detail::parent_of(key));
        }
      }
      out_.proof = out_.authority.size();
    }
    for (std::size_t i = 0; i < ns->count; ++i) want_targets_of(z_.record(cut, *ns, i));
    emit_additional();
  }

  // The highest delegation or DNAME owner among `from` and its ancestors, if any; `from` itself
  // counts only when `include_self`. Nodes above a cut hide everything below them.
  node_id blocking_ancestor(node_id from, bool include_self) const noexcept {
    node_id found = no_node;
    for (node_id p = include_self ? from : z_.node_at(from).parent; p != no_node;
         p = z_.node_at(p).parent) {
      if (z_.node_at(p).flags & (detail::node_delegation | detail::node_dname)) found = p;
    }
    return found;
  }

  // True when an RRset of `type` owned by `owner` is already in the answer: a chain that comes
  // back to it is a loop in the zone data.
  bool in_answer(bytes owner, dns::rr_type type) const noexcept {
    for (const record_ref& r : out_.answer)
      if (r.type == type && detail::equal_ignore_case(r.owner, owner)) return true;
    return false;
  }

  step follow_cname(bytes target);
  step dname(node_id owner_node);
  step at_node(node_id id, bool synthesised);
  step once();

  const zone& zone_;
  const detail::zone_data& z_;  // its storage
  dns::rr_type qtype_;
  lookup_result& out_;
  const lookup_options& opt_;
  bytes owner_;
  std::uint8_t lower_[255];
  std::size_t lower_size_ = 0;
  bool apex_ns_in_answer_ = false;
  bool no_authority_ns_ = false;  // a DNAME or DS at a cut was part of the answer
  bytes encloser_;                       // the closest encloser of a name not in the zone
  node_id wildcard_source_ = no_node;  // the wildcard whose data answers the name
  static constexpr std::size_t max_proofs = 4;
  node_id proofs_[max_proofs];
  std::size_t proof_count_ = 0;
  static constexpr std::size_t max_extra = 64;
  node_id extra_[max_extra];
  std::size_t extra_count_ = 0;
};

// Step 3a's "change QNAME to the canonical name ... and go back to step 1", inside this zone.
resolver::step resolver::follow_cname(bytes target) {
  if (qtype_ == dns::rr_type::cname) {  // the CNAME is the answer
    finish_positive(answer_kind::answer);
    return step::done;
  }
  std::uint8_t low[255];
  if (target.empty() || target.size() > sizeof low) {
    finish_positive(answer_kind::cname);
    return step::done;
  }
  lower_copy(target, low);
  if (!detail::is_at_or_below(bytes(low, target.size()), z_.node_key(z_.apex()))) {
    finish_positive(answer_kind::cname);  // the zone's edge: the resolver goes on from here
    return step::done;
  }
  if (in_answer(target, dns::rr_type::cname)) {
    // A loop in the zone data: each record once (RFC 2181 §5.5: an RRset is not repeated in a
    // reply), and the resolver sees the loop (RFC 1034 §3.6.2: CNAME loops are its to detect).
    finish_positive(answer_kind::cname);
    return step::done;
  }
  set_name(target);
  return step::follow;
}

// RFC 6672 §3.1: the DNAME, then a CNAME from the current name to its substitution.
resolver::step resolver::dname(node_id owner_node) {
  const detail::rrset* d = z_.find_rrset(owner_node, dns::rr_type::dname);
  if (d == nullptr || d->count == 0) return step::done;
  const record_ref rec = z_.record(owner_node, *d, 0);
  no_authority_ns_ = true;
  // A chain that meets the same DNAME again carries it once (RFC 2181 §5.5). The synthesised
  // CNAME has no signature: the validator derives it from the signed DNAME (RFC 6672 §5.3.1).
  if (!in_answer(rec.owner, dns::rr_type::dname)) {
    out_.answer.push_back(rec);
    add_signatures(out_.answer, owner_node, dns::rr_type::dname, {}, d->ttl);
  }
  const std::size_t prefix = owner_.size() - z_.node_at(owner_node).key_size;
  if (prefix + rec.rdata.size() > 255) {
    // RFC 6672 §2.2: the substituted name would be too long.
    out_.kind = answer_kind::yxdomain;
    out_.rcode = dns::rcode::yxdomain;
    return step::done;
  }
  std::uint8_t buf[255];
  std::memcpy(buf, owner_.data(), prefix);
  std::memcpy(buf + prefix, rec.rdata.data(), rec.rdata.size());
  const bytes target = out_.keep(bytes(buf, prefix + rec.rdata.size()));
  // RFC 6672 §3.1: the synthesised CNAME has the DNAME's TTL.
  out_.answer.push_back(record_ref{owner_, dns::rr_type::cname, zone_.klass(), rec.ttl, target});
  return follow_cname(target);
}

// The data at an existing node (`synthesised`: the source of a wildcard, owner = current name).
resolver::step resolver::at_node(node_id id, bool synthesised) {
  const bytes owner = synthesised ? owner_ : bytes{};
  wildcard_source_ = synthesised ? id : no_node;
  if (qtype_ == dns::rr_type::any) {
    if (z_.node_at(id).rrset_count == 0) {
      finish_negative(answer_kind::nodata);
      return step::done;
    }
    for (const detail::rrset& s : z_.rrsets(id)) add_rrset(out_.answer, id, s, owner, false);
    if (synthesised) wildcard_proof();
    apex_ns_in_answer_ = id == z_.apex();
    finish_positive(answer_kind::answer);
    return step::done;
  }
  if (const detail::rrset* s = z_.find_rrset(id, qtype_)) {
    add_rrset(out_.answer, id, *s, owner);
    if (synthesised) wildcard_proof();
    apex_ns_in_answer_ = id == z_.apex() && qtype_ == dns::rr_type::ns;
    finish_positive(answer_kind::answer);
    return step::done;
  }
  if (const detail::rrset* c = z_.find_rrset(id, dns::rr_type::cname); c && c->count != 0) {
    record_ref r = z_.record(id, *c, 0);
    if (synthesised) r.owner = owner_;
    out_.answer.push_back(r);
    add_signatures(out_.answer, id, dns::rr_type::cname, owner, c->ttl);
    if (synthesised) wildcard_proof();
    return follow_cname(r.rdata);
  }
  finish_negative(answer_kind::nodata);
  return step::done;
}

resolver::step resolver::once() {
  wildcard_source_ = no_node;
  const node_id exact = z_.find(lower());
  if (exact != no_node) {
    const detail::node& n = z_.node_at(exact);
    if (n.flags & (detail::node_below_delegation | detail::node_below_dname)) {
      const node_id b = blocking_ancestor(exact, false);
      if (b != no_node) {
        if (z_.node_at(b).flags & detail::node_delegation) {
          referral(b);
          return step::done;
        }
        return dname(b);
      }
    }
    if ((n.flags & detail::node_delegation) && qtype_ != dns::rr_type::ds) {
      referral(exact);
      return step::done;
    }
    // DS at a cut is the parent's data (RFC 4035 §3.1.4.1): answered here like any type.
    if (n.flags & detail::node_delegation) no_authority_ns_ = true;
    // The key set is fetched by validators on their way to anything else: NSD and Knot keep
    // that answer to the keys and their signatures, without the apex NS.
    if (qtype_ == dns::rr_type::dnskey) no_authority_ns_ = true;
    return at_node(exact, false);
  }

  // The closest encloser (RFC 4592 §3.3.1): the apex at worst, since the name is in the zone.
  bytes p = lower();
  node_id enc = no_node;
  while (enc == no_node && p.size() > z_.node_at(z_.apex()).key_size) {
    p = detail::parent_of(p);
    enc = z_.find(p);
  }
  if (enc == no_node) enc = z_.apex();
  encloser_ = z_.node_key(enc);
  const node_id b = blocking_ancestor(enc, true);
  if (b != no_node) {
    if (z_.node_at(b).flags & detail::node_delegation) {
      referral(b);
      return step::done;
    }
    return dname(b);
  }
  if (z_.node_at(enc).flags & detail::node_wildcard_parent) {
    std::uint8_t star[255];
    if (p.size() + 2 <= sizeof star) {
      star[0] = 1;
      star[1] = '*';
      std::memcpy(star + 2, p.data(), p.size());
      const node_id source = z_.find(bytes(star, p.size() + 2));
      if (source != no_node) {  // RFC 4592 §3.3.1 step 2
        if (out_.wildcard.empty()) out_.wildcard = z_.node_key(source);
        return at_node(source, true);
      }
    }
  }
  finish_negative(answer_kind::nxdomain);
  return step::done;
}

void resolver::run(bytes qname) {
  out_.source = &zone_;
  out_.aa = true;
  const bytes kept = out_.keep(qname);
  set_name(kept);
  for (unsigned i = 0; i <= opt_.max_chain; ++i) {
    if (once() == step::done) return;
  }
  // Too many steps (a loop or a very long chain): give what was found, as the chain so far.
  finish_positive(answer_kind::cname);
}

}  // namespace

void lookup(const zone& z, std::span<const std::uint8_t> qname, dns::rr_type qtype,
            dns::rr_class qclass, lookup_result& out, const lookup_options& options) noexcept {
  out.clear();
  out.kind = answer_kind::refused;
  out.rcode = dns::rcode::refused;
  if (qname.empty() || qname.size() > 255) return;
  if (qclass != z.klass() && qclass != dns::rr_class::any) return;
  std::uint8_t low[255];
  lower_copy(qname, low);
  const detail::zone_data& data = detail::data_of(z);
  if (!detail::is_at_or_below(bytes(low, qname.size()), data.node_key(data.apex()))) return;
  resolver r(z, qtype, out, options);
  r.run(qname);
}

void lookup(const zone_set& zones, std::span<const std::uint8_t> qname, dns::rr_type qtype,
            dns::rr_class qclass, lookup_result& out, const lookup_options& options) noexcept {
  const zone* z = zones.find(qname, qclass);
  if (z != nullptr && qtype == dns::rr_type::ds && qname.size() == z->origin().wire_size()) {
    // DS at a child's apex belongs to the parent zone when we also serve it (RFC 4035 §3.1.4.1).
    if (const zone* parent = zones.find_parent(*z)) z = parent;
  }
  if (z == nullptr) {
    out.clear();
    out.kind = answer_kind::refused;
    out.rcode = dns::rcode::refused;
    return;
  }
  lookup(*z, qname, qtype, qclass, out, options);
}

}  // namespace dnskit::zones
