#pragma once
// The builder's working state, shared by zone_builder.cpp (staging, grouping, freezing) and
// zone_checks.cpp (the named-checkzone checks). Private to zones/.
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "dnskit/dns/name.hpp"
#include "dnskit/dns/rr_type.hpp"
#include "dnskit/zones/checks.hpp"
#include "dnskit/zones/diagnostic.hpp"
#include "dnskit/zones/zone.hpp"
#include "zone_storage.hpp"

namespace dnskit::zones::detail {

// A record as staged until build(): the location stays here and never reaches the zone.
struct staged_record {
  std::uint32_t name = 0;   // node index
  std::uint32_t rdata = 0;  // offset in the rdata arena of [u16 length][bytes]
  std::uint32_t ttl = 0;
  std::uint32_t line = 0;
  std::uint32_t column = 0;
  dns::rr_type type = dns::rr_type::a;
  dns::rr_class klass = dns::rr_class::in;
  std::uint16_t file = 0;  // index in build_context::files
  std::uint16_t dropped = 0;  // 1: outside the zone or of another class, never stored
};

struct build_context {
  build_context(dns::name o, check_options c);

  dns::name origin;
  std::vector<std::uint8_t> origin_key;  // lowercase origin wire
  check_options checks;
  dns::rr_class klass = dns::rr_class::in;

  // Staging (then the zone's own storage, moved into it by freeze()).
  byte_arena names;
  byte_arena rdata;
  std::vector<node> nodes;
  name_table table{1024};
  std::vector<staged_record> records;
  std::vector<std::string> files;
  std::uint32_t last_name = no_node;

  // Grouping results.
  std::uint32_t apex = no_node;
  std::vector<rrset> rrsets;
  std::vector<std::uint32_t> rdata_offsets;
  std::vector<std::uint32_t> record_of;  // per rdata_offsets entry: index in records (locations)
  std::size_t record_count = 0;

  // Diagnostics.
  std::vector<diagnostic>* out = nullptr;
  std::size_t errors = 0;
  std::size_t reported = 0;
  std::size_t suppressed = 0;

  // Name table.
  std::uint32_t find(std::span<const std::uint8_t> lower) const noexcept;
  std::uint32_t find(std::span<const std::uint8_t> lower, std::uint32_t hash) const noexcept {
    return table.find(lower, hash, names, nodes);
  }
  // The node named `lower`, created when missing: `make_key` then gives (key offset, wire
  // offset) of its stored name. One probe sequence does both.
  template <class MakeKey>
  std::uint32_t find_or_insert(std::span<const std::uint8_t> lower, std::uint32_t hash,
                               MakeKey&& make_key);
  std::span<const std::uint8_t> key_of(std::uint32_t id) const noexcept {
    return {names.data(nodes[id].key), nodes[id].key_size};
  }
  std::span<const std::uint8_t> wire_of(std::uint32_t id) const noexcept {
    return {names.data(nodes[id].wire), nodes[id].key_size};
  }
  std::span<const std::uint8_t> rdata_of(const staged_record& r) const noexcept {
    const std::uint8_t* p = rdata.data(r.rdata);
    return {p + 2, (std::size_t{p[0]} << 8) | p[1]};
  }
  std::span<const std::uint8_t> rdata_at(const rrset& s, std::size_t i) const noexcept {
    const std::uint8_t* p = rdata.data(rdata_offsets[s.first_rdata + i]);
    return {p + 2, (std::size_t{p[0]} << 8) | p[1]};
  }
  const rrset* find_rrset(std::uint32_t id, dns::rr_type t) const noexcept {
    const node& n = nodes[id];
    for (std::uint32_t i = 0; i < n.rrset_count; ++i)
      if (rrsets[n.first_rrset + i].type == t) return &rrsets[n.first_rrset + i];
    return nullptr;
  }
  const staged_record& record_at(const rrset& s, std::size_t i) const noexcept {
    return records[record_of[s.first_rdata + i]];
  }

  // How bad a finding is (checks.hpp): `strict` is an error only under check_level::strict.
  enum class severity : std::uint8_t { error, warning, strict };
  // Reports at a record's place (or the first file, line 0, when `r` is null).
  void report(severity s, const staged_record* r, std::string message);
  // Presentation text of a wire name without the trailing dot, as BIND prints it in messages.
  static std::string text_of(std::span<const std::uint8_t> wire);
};

template <class MakeKey>
std::uint32_t build_context::find_or_insert(std::span<const std::uint8_t> lower,
                                            std::uint32_t hash, MakeKey&& make_key) {
  table.reserve_for(nodes.size() + 1);
  const std::uint32_t slot = table.probe(lower, hash, names, nodes);
  if (const node_id found = table.at(slot); found != no_node) return found;
  const auto id = static_cast<std::uint32_t>(nodes.size());
  const auto [key, wire] = make_key();
  node n;
  n.key = key;
  n.wire = wire;
  n.key_size = static_cast<std::uint8_t>(lower.size());
  n.parent = no_node;
  nodes.push_back(n);
  table.set(slot, hash, id);
  return id;
}

// The structural checks on grouped data (checks.hpp lists them); they only report.
void run_checks(build_context& ctx);
// The checks of a signed zone (RRSIGs, NSEC/NSEC3 chains, NSEC3PARAM, DNSKEY); run by run_checks.
void run_dnssec_checks(build_context& ctx);

}  // namespace dnskit::zones::detail
