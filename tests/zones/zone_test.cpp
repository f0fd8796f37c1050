// zones::zone: nodes, empty non-terminals, flags, case, the transfer cursor, accessors.
#include <catch2/catch.hpp>

#include <algorithm>

#include "zone_storage.hpp"  // zones/src: the nodes and their flags
#include "zone_test_util.hpp"

using namespace zone_test;

namespace {

constexpr std::string_view text = R"(
$ORIGIN Example.
$TTL 3600
@ IN SOA ns1 hostmaster 42 7200 3600 1209600 600
  IN NS ns1
ns1 IN A 192.0.2.1
WWW IN A 192.0.2.2
a.b.c IN TXT "deep"
sub IN NS ns.sub
ns.sub IN A 192.0.2.3
*.wild IN A 192.0.2.4
)";

}  // namespace

TEST_CASE("zone: accessors, empty non-terminals, flags", "[unit]") {
  const auto z = load(text, "example.");
  CHECK(z->origin() == name::from_text("example."));
  CHECK(z->serial() == 42);
  CHECK(z->negative_ttl() == 600);
  CHECK(z->record_count() == 8);
  CHECK(z->klass() == rr_class::in);
  // Nodes: apex, ns1, www, a.b.c, b.c, c (ENTs), sub, ns.sub, *.wild, wild (ENT).
  CHECK(z->node_count() == 10);
  const auto& data = zones::detail::data_of(*z);
  const auto c = data.find(name::from_text("C.example."));
  REQUIRE(c != zones::detail::no_node);
  CHECK(data.node_at(c).rrset_count == 0);
  CHECK(data.find(name::from_text("b.c.example.")) != zones::detail::no_node);
  CHECK(data.find(name::from_text("x.example.")) == zones::detail::no_node);
  const auto sub = data.find(name::from_text("sub.example."));
  CHECK((data.node_at(sub).flags & zones::detail::node_delegation) != 0);
  const auto glue = data.find(name::from_text("ns.sub.example."));
  CHECK((data.node_at(glue).flags & zones::detail::node_below_delegation) != 0);
  CHECK((data.node_at(data.apex()).flags & zones::detail::node_delegation) == 0);
  const auto wild = data.find(name::from_text("wild.example."));
  CHECK((data.node_at(wild).flags & zones::detail::node_wildcard_parent) != 0);
  CHECK(z->memory_usage() > 0);
}

TEST_CASE("zone: names keep their case for output, match without it", "[unit]") {
  const auto z = load(text, "example.");
  const auto a = ask(*z, "www.EXAMPLE.", rr_type::a, minimal());
  CHECK(a.answer == strings{"WWW.Example. 3600 IN A 192.0.2.2"});
}

TEST_CASE("zone: the transfer cursor gives every record once, the SOA first", "[unit]") {
  const auto z = load(text, "example.");
  const auto records = z->to_records();
  REQUIRE(records.size() == z->record_count());
  CHECK(records.front().type == rr_type::soa);
  CHECK(std::count_if(records.begin(), records.end(),
                      [](const auto& r) { return r.type == rr_type::soa; }) == 1);
  strings got;
  for (const auto& r : records) got.push_back(r.to_text());
  std::sort(got.begin() + 1, got.end());
  CHECK(got == strings{"Example. 3600 IN SOA ns1.Example. hostmaster.Example. 42 7200 3600 1209600 600",
                       "*.wild.Example. 3600 IN A 192.0.2.4", "Example. 3600 IN NS ns1.Example.",
                       "WWW.Example. 3600 IN A 192.0.2.2", "a.b.c.Example. 3600 IN TXT \"deep\"",
                       "ns.sub.Example. 3600 IN A 192.0.2.3", "ns1.Example. 3600 IN A 192.0.2.1",
                       "sub.Example. 3600 IN NS ns.sub.Example."});
  // The cursor is restartable and allocation-free.
  auto cur = z->records();
  zones::record_ref r;
  std::size_t n = 0;
  while (cur.next(r)) ++n;
  CHECK(n == z->record_count());
  CHECK_FALSE(cur.next(r));
}
