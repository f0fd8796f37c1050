// zones::zone_builder: stages records in compact arenas, groups them into nodes and RRsets,
// runs the checks and freezes the result into a zones::zone.
//
// Build cost is linear: owner names are interned in a hash table as they arrive (consecutive
// records usually share their owner, which is compared first), empty non-terminals are the
// suffixes of stored names (they reuse the same bytes), records are grouped by a counting sort on
// their node and a small stable sort on type.
#include "dnskit/zones/zone_builder.hpp"

#include <algorithm>
#include <compare>
#include <cstring>
#include <limits>
#include <string>

#include "dnskit/dns/rdata.hpp"
#include "zone_build_context.hpp"
#include "zone_names.hpp"

namespace dnskit::zones {

namespace detail {

build_context::build_context(dns::name o, check_options c) : origin(std::move(o)), checks(c) {
  const auto w = origin.wire();
  origin_key.resize(w.size());
  lower_copy(w, origin_key.data());
}

std::uint32_t build_context::find(std::span<const std::uint8_t> lower) const noexcept {
  return find(lower, name_hash(lower));
}

void build_context::report(severity s, const staged_record* r, std::string message) {
  const bool error =
      s == severity::error || (s == severity::strict && checks.level == check_level::strict);
  if (error) ++errors;
  if (out == nullptr) return;
  if (reported >= checks.max_diagnostics) {
    ++suppressed;
    return;
  }
  ++reported;
  diagnostic d;
  if (r != nullptr) {
    d.file = files.empty() ? std::string() : files[r->file];
    d.line = r->line;
    d.column = r->column;
  } else {
    d.file = files.empty() ? std::string() : files.front();
  }
  d.message = std::move(message);
  d.is_error = error;
  out->push_back(std::move(d));
}

std::string build_context::text_of(std::span<const std::uint8_t> wire) {
  std::string s;
  std::size_t off = 0;
  if (wire.size() <= 1) return ".";
  while (off < wire.size() && wire[off] != 0) {
    const std::size_t len = wire[off];
    if (!s.empty()) s += '.';
    for (std::size_t i = 1; i <= len && off + i < wire.size(); ++i) {
      const auto c = static_cast<unsigned char>(wire[off + i]);
      if (c == '.' || c == '\\' || c == '"' || c == '(' || c == ')' || c == ';' || c == '@' ||
          c == '$') {
        s += '\\';
        s += static_cast<char>(c);
      } else if (c <= 0x20 || c >= 0x7f) {
        char buf[5];
        buf[0] = '\\';
        buf[1] = static_cast<char>('0' + c / 100);
        buf[2] = static_cast<char>('0' + c / 10 % 10);
        buf[3] = static_cast<char>('0' + c % 10);
        buf[4] = 0;
        s += buf;
      } else {
        s += static_cast<char>(c);
      }
    }
    off += 1 + len;
  }
  return s;
}

namespace {

bool first_label_is_star(std::span<const std::uint8_t> w) noexcept {
  return w.size() >= 2 && w[0] == 1 && w[1] == '*';
}

std::string class_text(dns::rr_class c) { return dns::to_string(c); }

}  // namespace

}  // namespace detail

struct zone_builder::impl {
  impl(dns::name origin, check_options checks) : ctx(std::move(origin), checks) {}
  detail::build_context ctx;
  std::string last_file;
  std::uint16_t last_file_index = 0;

  void group();
  void compute_flags();
  std::shared_ptr<const zone> freeze();
};

zone_builder::zone_builder(dns::name origin, check_options checks)
    : impl_(std::make_unique<impl>(std::move(origin), checks)) {}
zone_builder::~zone_builder() = default;

std::size_t zone_builder::size() const noexcept { return impl_->ctx.records.size(); }

void zone_builder::reserve(std::size_t records) {
  // Reserved but untouched pages cost no resident memory, so a generous hint is cheap.
  impl_->ctx.records.reserve(std::min<std::size_t>(records, std::size_t{1} << 27));
}

void zone_builder::add(const dns::record& r, const record_position& where) {
  add(record_ref{r.owner.wire(), r.type, r.klass, r.ttl, r.rdata}, where);
}

void zone_builder::add(const record_ref& r, const record_position& where) {
  detail::build_context& ctx = impl_->ctx;
  const auto w = r.owner;
  std::uint8_t lower[dns::name::max_wire_size];
  if (w.empty() || w.size() > sizeof lower) return;  // dns::name guarantees 1..255
  detail::lower_copy(w, lower);
  const std::span<const std::uint8_t> key(lower, w.size());

  // Intern the owner. Zone files list a name's records together, so try the last one first.
  std::uint32_t id = ctx.last_name;
  if (id == detail::no_node || ctx.nodes[id].key_size != key.size() ||
      std::memcmp(ctx.names.data(ctx.nodes[id].key), lower, key.size()) != 0) {
    id = ctx.find_or_insert(key, detail::name_hash(key), [&] {
      const std::uint32_t key_off = ctx.names.append(key);
      const std::uint32_t wire_off =
          std::memcmp(lower, w.data(), w.size()) == 0 ? key_off : ctx.names.append(w);
      return std::pair{key_off, wire_off};
    });
    ctx.last_name = id;
  }

  // The file name is usually the same as the previous record's.
  if (!where.file.empty() && (ctx.files.empty() || where.file != impl_->last_file)) {
    auto it = std::find(ctx.files.begin(), ctx.files.end(), where.file);
    if (it == ctx.files.end() && ctx.files.size() < std::numeric_limits<std::uint16_t>::max()) {
      ctx.files.emplace_back(where.file);
      it = ctx.files.end() - 1;
    }
    if (it != ctx.files.end()) {
      impl_->last_file = *it;
      impl_->last_file_index = static_cast<std::uint16_t>(it - ctx.files.begin());
    }
  }

  const std::size_t len = std::min<std::size_t>(r.rdata.size(), 0xffff);
  const std::uint32_t at = ctx.rdata.allocate(len + 2);
  std::uint8_t* p = ctx.rdata.data(at);
  p[0] = static_cast<std::uint8_t>(len >> 8);
  p[1] = static_cast<std::uint8_t>(len);
  if (len != 0) std::memcpy(p + 2, r.rdata.data(), len);

  detail::staged_record s;
  s.name = id;
  s.rdata = at;
  s.ttl = r.ttl;
  s.line = where.line;
  s.column = where.column;
  s.type = r.type;
  s.klass = r.klass;
  s.file = impl_->last_file_index;
  ctx.records.push_back(s);
}

// Groups the staged records into nodes (adding empty non-terminals) and RRsets.
void zone_builder::impl::group() {
  using detail::staged_record;
  auto& c = ctx;
  const std::size_t staged_names = c.nodes.size();

  // The apex exists even when no record names it (the SOA/NS checks then report it).
  {
    const std::span<const std::uint8_t> key(c.origin_key);
    c.apex = c.find_or_insert(key, detail::name_hash(key), [&] {
      const std::uint32_t off = c.names.append(key);
      return std::pair{off, c.names.append(c.origin.wire())};
    });
  }

  // The zone's class is the apex SOA's (else the first record's).
  bool class_found = false;
  for (const staged_record& r : c.records) {
    if (r.name == c.apex && r.type == dns::rr_type::soa) {
      c.klass = r.klass;
      class_found = true;
      break;
    }
  }
  if (!class_found && !c.records.empty()) c.klass = c.records.front().klass;

  // Names outside the origin; every other name gets its chain of parents up to the apex, the
  // missing ones being empty non-terminals that reuse the child's suffix bytes.
  std::vector<std::uint8_t> outside(staged_names, 0);
  const std::span<const std::uint8_t> origin_key(c.origin_key);
  for (std::uint32_t id = 0; id < staged_names; ++id) {
    if (id == c.apex) continue;
    if (!detail::is_at_or_below(c.key_of(id), origin_key)) {
      outside[id] = 1;
      continue;
    }
    std::uint32_t child = id;
    while (child != c.apex && c.nodes[child].parent == detail::no_node) {
      const detail::node cn = c.nodes[child];
      const std::uint32_t skip = 1u + *c.names.data(cn.key);
      const std::span<const std::uint8_t> pkey(c.names.data(cn.key + skip), cn.key_size - skip);
      const std::uint32_t parent = c.find_or_insert(pkey, detail::name_hash(pkey), [&] {
        return std::pair{cn.key + skip, cn.wire + skip};
      });
      if (outside.size() < c.nodes.size()) outside.push_back(0);
      c.nodes[child].parent = parent;
      child = parent;
    }
  }

  // Records that cannot be part of the zone are reported once each and dropped. Data outside
  // the origin is ignored by BIND with a message (RFC 1035 §5.2: a master file holds one zone's
  // data); a record of another class makes BIND refuse the file.
  using sev = detail::build_context::severity;
  for (staged_record& r : c.records) {
    if (outside[r.name]) {
      r.dropped = 1;
      c.report(sev::strict, &r,
               "out-of-zone data (" + detail::build_context::text_of(c.wire_of(r.name)) + ")");
    } else if (r.klass != c.klass) {
      r.dropped = 1;
      c.report(sev::error, &r, "class " + detail::class_text(r.klass) + " differs from the zone's class " +
                             detail::class_text(c.klass));
    }
  }

  // Counting sort of record indices by node, then a stable sort by type within each node.
  const std::size_t node_count = c.nodes.size();
  std::vector<std::uint32_t> start(node_count + 1, 0);
  for (const staged_record& r : c.records)
    if (!r.dropped) ++start[r.name + 1];
  for (std::size_t i = 0; i < node_count; ++i) start[i + 1] += start[i];
  std::vector<std::uint32_t> order(start[node_count]);
  {
    std::vector<std::uint32_t> fill(start.begin(), start.end() - 1);
    for (std::uint32_t i = 0; i < c.records.size(); ++i)
      if (!c.records[i].dropped) order[fill[c.records[i].name]++] = i;
  }

  c.rrsets.clear();
  c.rrsets.reserve(c.nodes.size());
  c.rdata_offsets.reserve(order.size());
  c.record_of.reserve(order.size());
  const auto by_type = [&](std::uint32_t a, std::uint32_t b) {
    return static_cast<std::uint16_t>(c.records[a].type) <
           static_cast<std::uint16_t>(c.records[b].type);
  };
  for (std::uint32_t id = 0; id < node_count; ++id) {
    detail::node& n = c.nodes[id];
    n.first_rrset = static_cast<std::uint32_t>(c.rrsets.size());
    n.rrset_count = 0;
    const auto first = order.begin() + start[id];
    const auto last = order.begin() + start[id + 1];
    if (last - first > 1) std::stable_sort(first, last, by_type);
    for (auto it = first; it != last;) {
      const dns::rr_type type = c.records[*it].type;
      auto end = it;
      while (end != last && c.records[*end].type == type) ++end;
      detail::rrset set;
      set.type = type;
      set.ttl = c.records[*it].ttl;
      set.first_rdata = static_cast<std::uint32_t>(c.rdata_offsets.size());
      bool ttl_warned = false;
      for (auto r = it; r != end; ++r) {
        const staged_record& rec = c.records[*r];
        const auto data = c.rdata_of(rec);
        // RFC 2181 §5: an RRset holds no duplicates; BIND drops them silently.
        bool duplicate = false;
        for (std::uint32_t k = 0; k < set.count && !duplicate; ++k) {
          const auto other = c.rdata_at(set, k);
          duplicate = other.size() == data.size() &&
                      std::memcmp(other.data(), data.data(), data.size()) == 0;
        }
        if (duplicate) continue;
        // RFC 2181 §5.2: one TTL per RRset; like BIND, keep the first record's. RRSIGs are
        // stored together but each covered type is its own RRset (RFC 4034 §3): their TTLs
        // may differ (a lookup gives each the TTL of the RRset it signs).
        if (rec.ttl != set.ttl && !ttl_warned && c.checks.warn_ttl_mismatch &&
            type != dns::rr_type::rrsig) {
          c.report(detail::build_context::severity::strict, &rec,
                   "TTL set to prior TTL (" + std::to_string(set.ttl) + ")");
          ttl_warned = true;
        }
        if (set.count == 0xffff) break;
        c.rdata_offsets.push_back(rec.rdata);
        c.record_of.push_back(*r);
        ++set.count;
      }
      c.record_count += set.count;
      c.rrsets.push_back(set);
      if (n.rrset_count < 0xffff) ++n.rrset_count;
      it = end;
    }
  }
}

// Delegations, DNAMEs, wildcards, and what lies below them.
void zone_builder::impl::compute_flags() {
  auto& c = ctx;
  for (std::uint32_t id = 0; id < c.nodes.size(); ++id) {
    detail::node& n = c.nodes[id];
    std::uint8_t f = 0;
    const bool star = detail::first_label_is_star(c.key_of(id));
    if (star) f |= detail::node_wildcard;
    for (std::uint32_t i = 0; i < n.rrset_count; ++i) {
      switch (c.rrsets[n.first_rrset + i].type) {
        // RFC 4592 §4.2: an NS RRset at a wildcard does not make a delegation.
        case dns::rr_type::ns:
          if (id != c.apex && !star) f |= detail::node_delegation;
          break;
        case dns::rr_type::dname: f |= detail::node_dname; break;
        case dns::rr_type::cname: f |= detail::node_has_cname; break;
        default: break;
      }
    }
    n.flags = f;
  }
  for (std::uint32_t id = 0; id < c.nodes.size(); ++id) {
    if ((c.nodes[id].flags & detail::node_wildcard) && c.nodes[id].parent != detail::no_node)
      c.nodes[c.nodes[id].parent].flags |= detail::node_wildcard_parent;
    std::uint8_t below = 0;
    for (std::uint32_t p = c.nodes[id].parent; p != detail::no_node; p = c.nodes[p].parent) {
      if (c.nodes[p].flags & detail::node_delegation) below |= detail::node_below_delegation;
      if (c.nodes[p].flags & detail::node_dname) below |= detail::node_below_dname;
    }
    c.nodes[id].flags |= below;
  }
}

std::shared_ptr<const zone> zone_builder::impl::freeze() {
  auto& c = ctx;
  auto data = std::make_unique<detail::zone_data>();
  detail::zone_data& z = *data;
  z.klass = c.klass;
  z.apex_id = c.apex;
  z.names = std::move(c.names);
  z.rdata_items = std::move(c.rdata);
  z.nodes = std::move(c.nodes);
  z.rrsets_ = std::move(c.rrsets);
  z.rdata_offsets = std::move(c.rdata_offsets);
  z.table = std::move(c.table);
  z.nodes.shrink_to_fit();
  z.rrsets_.shrink_to_fit();
  z.rdata_offsets.shrink_to_fit();
  // RFC 4035 §3.1.3: the NSEC owners in canonical order, so that the NSEC matching or covering
  // a name is a binary search away.
  for (std::uint32_t id = 0; id < z.nodes.size(); ++id) {
    const detail::rrset* nsec = z.find_rrset(id, dns::rr_type::nsec);
    if (nsec != nullptr && nsec->count != 0) z.nsec_chain_.push_back(id);
  }
  const auto canonical = [&z](std::uint32_t a, std::uint32_t b) {
    return std::is_lt(dns::canonical_compare(z.node_key(a), z.node_key(b)));
  };
  std::sort(z.nsec_chain_.begin(), z.nsec_chain_.end(), canonical);
  z.nsec_chain_.shrink_to_fit();
  // RFC 5155 §7.2: the NSEC3 owners, whose base32hex labels sort as their hashes do, and the
  // parameters that hash a name into that chain (RFC 5155 §4: those of the NSEC3PARAM; without
  // one, those of the chain). Only SHA-1 (algorithm 1) is defined; other chains are not used.
  const detail::rrset* param = z.find_rrset(z.apex_id, dns::rr_type::nsec3param);
  std::span<const std::uint8_t> params;
  if (param != nullptr && param->count != 0) params = z.rdata(*param, 0);
  for (std::uint32_t id = 0; id < z.nodes.size(); ++id) {
    const detail::rrset* n3 = z.find_rrset(id, dns::rr_type::nsec3);
    if (n3 == nullptr || n3->count == 0 || z.nodes[id].parent != z.apex_id) continue;
    if (params.empty()) params = z.rdata(*n3, 0);
    z.nsec3_chain_.push_back(id);
  }
  // Hash algorithm, flags, iterations (2 octets), salt length, salt (RFC 5155 §3.2, §4.2).
  if (params.size() >= 5 && params[0] == 1 && params.size() >= 5u + params[4]) {
    z.nsec3_iterations = static_cast<std::uint16_t>((params[2] << 8) | params[3]);
    z.nsec3_salt_size = params[4];
    std::memcpy(z.nsec3_salt, params.data() + 5, params[4]);
    std::sort(z.nsec3_chain_.begin(), z.nsec3_chain_.end(), canonical);
    z.nsec3_chain_.shrink_to_fit();
  } else {
    z.nsec3_chain_ = {};
  }
  z.soa_set = z.find_rrset(z.apex_id, dns::rr_type::soa);

  std::shared_ptr<zone> result(new zone(std::move(data)));
  result->origin_ = c.origin;
  result->klass_ = c.klass;
  result->record_count_ = c.record_count;
  if (z.soa_set != nullptr) {
    if (const auto soa = dns::soa(z.rdata(*z.soa_set, 0))) {
      result->serial_ = soa->serial;
      result->negative_ttl_ = std::min(z.soa_set->ttl, soa->minimum);  // RFC 2308 §3
    }
  }
  return result;
}

std::shared_ptr<const zone> zone_builder::build(std::vector<diagnostic>& diagnostics) {
  auto& c = impl_->ctx;
  c.out = &diagnostics;
  if (c.files.empty()) c.files.emplace_back();
  impl_->group();
  impl_->compute_flags();
  detail::run_checks(c);
  if (c.suppressed != 0) {
    diagnostic d;
    d.file = c.files.front();
    d.message = std::to_string(c.suppressed) + " more diagnostics not shown";
    d.is_error = c.errors != 0;
    diagnostics.push_back(std::move(d));
  }
  // Locations and staging tables are not needed any more.
  c.records = {};
  c.record_of = {};
  if (c.errors != 0) return nullptr;
  return impl_->freeze();
}

}  // namespace dnskit::zones
