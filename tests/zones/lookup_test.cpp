// The lookup against the bundled example.test zone: each rule, with the sections NSD gives for the
// same zone (research/nslookup-examples.txt's debug outputs), plus zone sets, classes, DS,
// ANY and the no-allocation guarantee.
#include <catch2/catch.hpp>

#include <atomic>
#include <cstdlib>
#include <new>

#include "zone_test_util.hpp"

using namespace zone_test;

namespace {

std::shared_ptr<const zones::zone> example_zone() {
  static const auto z = [] {
    auto r = zones::load_zone(name::from_text("example.test."),
                              std::string(DNSKIT_SOURCE_DIR) + "/zones/examples/example.test.zone");
    INFO(Catch::Detail::stringify(messages(r.diagnostics)));
    REQUIRE(r.ok());
    return r.zone;
  }();
  return z;
}

const strings apex_ns{"example.test. 3600 IN NS ns1.example.test.",
                      "example.test. 3600 IN NS ns2.example.test."};
const strings ns_addresses{"ns1.example.test. 3600 IN A 192.0.2.53",
                           "ns2.example.test. 3600 IN A 192.0.2.54",
                           "ns1.example.test. 3600 IN AAAA 2001:db8::53"};
const std::string negative_soa =
    "example.test. 300 IN SOA ns1.example.test. hostmaster.example.test. 2024010101 7200 3600 1209600 300";

// Counts allocations on this thread while armed (to prove a warmed-up lookup allocates nothing).
thread_local bool counting = false;
thread_local std::size_t allocations = 0;

}  // namespace

// Replacing the global allocator would hide allocations from AddressSanitizer, so the counting
// allocator (and the test that needs it) exist only in builds without it.
#if defined(__SANITIZE_ADDRESS__)
#define DNSKIT_COUNT_ALLOCATIONS 0
#else
#define DNSKIT_COUNT_ALLOCATIONS 1
void* operator new(std::size_t n) {
  if (counting) ++allocations;
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n) { return operator new(n); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  if (counting) ++allocations;
  return std::malloc(n == 0 ? 1 : n);
}
void* operator new[](std::size_t n, const std::nothrow_t& t) noexcept { return operator new(n, t); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }
#endif

TEST_CASE("lookup: exact match with apex NS in authority and their addresses", "[unit]") {
  const auto a = ask(*example_zone(), "example.test.", rr_type::a);
  CHECK(a.code == rcode::noerror);
  CHECK(a.aa);
  CHECK(a.kind == zones::answer_kind::answer);
  CHECK(a.answer == strings{"example.test. 3600 IN A 192.0.2.1"});
  CHECK(a.authority == apex_ns);
  CHECK(a.additional == ns_addresses);
  // Without the authority NS option, a minimal answer.
  const auto m = ask(*example_zone(), "example.test.", rr_type::a, minimal());
  CHECK(m.authority.empty());
  CHECK(m.additional.empty());
}

TEST_CASE("lookup: MX targets' addresses come first, then the NS targets', A before AAAA",
          "[unit]") {
  const auto a = ask(*example_zone(), "example.test.", rr_type::mx);
  CHECK(a.answer == strings{"example.test. 3600 IN MX 10 mail.example.test.",
                            "example.test. 3600 IN MX 20 mail2.example.test."});
  CHECK(a.authority == apex_ns);
  CHECK(a.additional == strings{"mail.example.test. 3600 IN A 192.0.2.25",
                                "mail2.example.test. 3600 IN A 192.0.2.26",
                                "ns1.example.test. 3600 IN A 192.0.2.53",
                                "ns2.example.test. 3600 IN A 192.0.2.54",
                                "ns1.example.test. 3600 IN AAAA 2001:db8::53"});
}

TEST_CASE("lookup: NS at the apex is the answer (not repeated in authority)", "[unit]") {
  const auto a = ask(*example_zone(), "example.test.", rr_type::ns);
  CHECK(a.answer == apex_ns);
  CHECK(a.authority.empty());
  CHECK(a.additional == ns_addresses);
}

TEST_CASE("lookup: SRV targets' addresses in additional", "[unit]") {
  const auto a = ask(*example_zone(), "_ldap._tcp.example.test.", rr_type::srv, minimal());
  CHECK(a.answer == strings{"_ldap._tcp.example.test. 3600 IN SRV 0 100 389 ldap.example.test."});
  CHECK(a.additional == strings{"ldap.example.test. 3600 IN A 192.0.2.70",
                                "ldap.example.test. 3600 IN AAAA 2001:db8::70"});
}

TEST_CASE("lookup: NXDOMAIN and NODATA carry the SOA with TTL min(TTL, MINIMUM)", "[unit]") {
  const auto nx = ask(*example_zone(), "nosuch.example.test.", rr_type::a);
  CHECK(nx.code == rcode::nxdomain);
  CHECK(nx.aa);
  CHECK(nx.answer.empty());
  CHECK(nx.authority == strings{negative_soa});
  CHECK(nx.additional.empty());
  const auto nd = ask(*example_zone(), "mail.example.test.", rr_type::aaaa);
  CHECK(nd.code == rcode::noerror);
  CHECK(nd.kind == zones::answer_kind::nodata);
  CHECK(nd.answer.empty());
  CHECK(nd.authority == strings{negative_soa});
  // An empty non-terminal exists: NODATA, not NXDOMAIN.
  const auto ent = ask(*example_zone(), "deep.example.test.", rr_type::a);
  CHECK(ent.code == rcode::noerror);
  CHECK(ent.kind == zones::answer_kind::nodata);
  CHECK(ask(*example_zone(), "deep.example.test.", rr_type::any).kind == zones::answer_kind::nodata);
}

TEST_CASE("lookup: CNAME chains are followed inside the zone", "[unit]") {
  const auto www = ask(*example_zone(), "www.example.test.", rr_type::a);
  CHECK(www.answer == strings{"www.example.test. 3600 IN CNAME example.test.",
                              "example.test. 3600 IN A 192.0.2.1"});
  CHECK(www.authority == apex_ns);
  const auto alias = ask(*example_zone(), "alias.example.test.", rr_type::aaaa, minimal());
  CHECK(alias.answer == strings{"alias.example.test. 3600 IN CNAME www.example.test.",
                                "www.example.test. 3600 IN CNAME example.test.",
                                "example.test. 3600 IN AAAA 2001:db8::1"});
  // The chain ends in NODATA: the SOA, NOERROR.
  const auto chain = ask(*example_zone(), "chain1.example.test.", rr_type::txt, minimal());
  CHECK(chain.code == rcode::noerror);
  CHECK(chain.kind == zones::answer_kind::nodata);
  CHECK(chain.answer.size() == 2);
  CHECK(chain.authority == strings{negative_soa});
}

TEST_CASE("lookup: no apex NS in authority where the answer is not this zone's data",
          "[unit]") {
  // A chain that leaves the zone: the rest of the answer is elsewhere (NSD and Knot: none).
  const auto out = ask(*example_zone(), "outside.example.test.", rr_type::a);
  CHECK(out.kind == zones::answer_kind::cname);
  CHECK(out.authority.empty());
  CHECK(out.additional.empty());
  // A name reached through a DNAME (RFC 6672 §3.1).
  const auto d = ask(*example_zone(), "www.dname.example.test.", rr_type::a);
  CHECK(d.answer.size() == 2);
  CHECK(d.authority.empty());
  CHECK(d.additional.empty());
  // An in-zone chain keeps them: the data is this zone's.
  CHECK(ask(*example_zone(), "www.example.test.", rr_type::a).authority == apex_ns);
}

TEST_CASE("lookup: the additional section leaves out RRsets already in the answer", "[unit]") {
  // ns1's A is the answer; the apex NS in authority want it again: only its AAAA and ns2's A.
  const auto a = ask(*example_zone(), "ns1.example.test.", rr_type::a);
  CHECK(a.answer == strings{"ns1.example.test. 3600 IN A 192.0.2.53"});
  CHECK(a.authority == apex_ns);
  CHECK(a.additional == strings{"ns2.example.test. 3600 IN A 192.0.2.54",
                                "ns1.example.test. 3600 IN AAAA 2001:db8::53"});
}

TEST_CASE("lookup: DS at a cut without the apex NS in authority", "[unit]") {
  const auto z = load(R"(
@ 60 IN SOA ns h 1 2 3 4 5
@ 60 NS ns
ns 60 A 192.0.2.1
sub 60 NS ns.sub
ns.sub 60 A 192.0.2.2
sub 60 DS 1 13 2 ABABABABABABABABABABABABABABABABABABABABABABABABABABABABABABABAB
)", "ds.test.");
  const auto a = ask(*z, "sub.ds.test.", rr_type::ds);
  CHECK(a.kind == zones::answer_kind::answer);
  CHECK(a.answer.size() == 1);
  CHECK(a.authority.empty());
}

TEST_CASE("lookup: a CNAME chain stops at the zone's edge", "[unit]") {
  const auto a = ask(*example_zone(), "outside.example.test.", rr_type::a, minimal());
  CHECK(a.code == rcode::noerror);
  CHECK(a.aa);
  CHECK(a.kind == zones::answer_kind::cname);
  CHECK(a.answer == strings{"outside.example.test. 3600 IN CNAME www.example.org."});
  CHECK(a.authority.empty());
}

TEST_CASE("lookup: a CNAME loop ends where it closes, each record once", "[unit]") {
  const auto z = load(R"(
@ 60 IN SOA ns h 1 2 3 4 5
@ 60 NS ns.nowhere.
a 60 CNAME b
b 60 CNAME a
)", "loop.test.");
  zones::lookup_result r;
  zones::lookup_options o = minimal();
  zones::lookup(*z, name::from_text("a.loop.test."), rr_type::a, rr_class::in, r, o);
  CHECK(r.rcode == rcode::noerror);
  CHECK(r.kind == zones::answer_kind::cname);
  // RFC 2181 §5.5: a, then b, and the chain stops when it comes back to a.
  CHECK(r.answer.size() == 2);
  zones::lookup(*z, name::from_text("b.loop.test."), rr_type::a, rr_class::in, r, o);
  CHECK(r.answer.size() == 2);
  CHECK(r.answer[0].type == rr_type::cname);
}

TEST_CASE("lookup: a CNAME to itself is sent once", "[unit]") {
  const auto z = load(R"(
@ 60 IN SOA ns h 1 2 3 4 5
@ 60 NS ns.nowhere.
self 60 CNAME self
)", "loop.test.");
  const auto a = ask(*z, "self.loop.test.", rr_type::a, minimal());
  CHECK(a.code == rcode::noerror);
  CHECK(a.answer == strings{"self.loop.test. 60 IN CNAME self.loop.test."});
}

TEST_CASE("lookup: referral with glue, AA clear, also for names below the cut", "[unit]") {
  for (const char* q : {"sub.example.test.", "host.sub.example.test.", "ns.sub.example.test."}) {
    INFO(q);
    const auto a = ask(*example_zone(), q, rr_type::a);
    CHECK(a.code == rcode::noerror);
    CHECK_FALSE(a.aa);
    CHECK(a.kind == zones::answer_kind::referral);
    CHECK(a.answer.empty());
    CHECK(a.authority == strings{"sub.example.test. 3600 IN NS ns.sub.example.test."});
    CHECK(a.additional == strings{"ns.sub.example.test. 3600 IN A 192.0.2.200"});
  }
  // NS asked at the cut is a referral too (the child is authoritative for it).
  CHECK(ask(*example_zone(), "sub.example.test.", rr_type::ns).kind == zones::answer_kind::referral);
}

TEST_CASE("lookup: DS at a delegation is answered from the parent side", "[unit]") {
  const auto a = ask(*example_zone(), "sub.example.test.", rr_type::ds);
  CHECK(a.code == rcode::noerror);
  CHECK(a.aa);
  CHECK(a.kind == zones::answer_kind::nodata);
  CHECK(a.authority == strings{negative_soa});
}

TEST_CASE("lookup: wildcards answer with the question's name", "[unit]") {
  const auto txt = ask(*example_zone(), "x.wild.example.test.", rr_type::txt, minimal());
  CHECK(txt.answer == strings{"x.wild.example.test. 3600 IN TXT \"wildcard\""});
  const auto any = ask(*example_zone(), "a.b.wild.example.test.", rr_type::any, minimal());
  CHECK(any.answer == strings{"a.b.wild.example.test. 3600 IN A 192.0.2.99",
                              "a.b.wild.example.test. 3600 IN TXT \"wildcard\""});
  const auto nodata = ask(*example_zone(), "x.wild.example.test.", rr_type::mx);
  CHECK(nodata.kind == zones::answer_kind::nodata);
  // wild.example.test. itself is an empty non-terminal, not covered by its own wildcard.
  CHECK(ask(*example_zone(), "wild.example.test.", rr_type::a).kind == zones::answer_kind::nodata);
  // A wildcard CNAME, then the target's data.
  const auto dyn = ask(*example_zone(), "host.dyn.example.test.", rr_type::a, minimal());
  CHECK(dyn.answer == strings{"host.dyn.example.test. 3600 IN CNAME www.example.test.",
                              "www.example.test. 3600 IN CNAME example.test.",
                              "example.test. 3600 IN A 192.0.2.1"});
}

TEST_CASE("lookup: DNAME in the example zone", "[unit]") {
  const auto a = ask(*example_zone(), "foo.dname.example.test.", rr_type::a, minimal());
  CHECK(a.code == rcode::noerror);
  CHECK(a.kind == zones::answer_kind::cname);
  CHECK(a.answer == strings{"dname.example.test. 3600 IN DNAME other.test.",
                            "foo.dname.example.test. 3600 IN CNAME foo.other.test."});
}

TEST_CASE("lookup: ANY returns every RRset at the node", "[unit]") {
  const auto a = ask(*example_zone(), "mixed.example.test.", rr_type::any, minimal());
  CHECK(a.answer == strings{"mixed.example.test. 3600 IN A 192.0.2.80",
                            "mixed.example.test. 3600 IN TXT \"A\" \"and\" \"TXT\""});
  const auto apex = ask(*example_zone(), "example.test.", rr_type::any);
  CHECK(apex.answer.size() == 10);  // SOA, 2 NS, 2 MX, 2 TXT, A, AAAA, CAA
  CHECK(apex.authority.empty());    // the apex NS are in the answer already
}

TEST_CASE("lookup: other classes and names outside the zone are refused", "[unit]") {
  const auto ch = ask(*example_zone(), "example.test.", rr_type::a, {}, rr_class::ch);
  CHECK(ch.code == rcode::refused);
  CHECK(ch.kind == zones::answer_kind::refused);
  CHECK_FALSE(ch.aa);
  CHECK(ch.answer.empty());
  const auto out = ask(*example_zone(), "example.org.", rr_type::a);
  CHECK(out.code == rcode::refused);
  CHECK(ask(*example_zone(), "example.test.", rr_type::a, {}, rr_class::any).code == rcode::noerror);
}

TEST_CASE("zone_set: closest enclosing zone, classes, DS at a child apex from the parent", "[unit]") {
  const auto parent = load(R"(
@ 60 IN SOA ns.p.test. h.p.test. 7 2 3 4 5
@ 60 NS ns.p.test.
ns 60 A 192.0.2.1
child 60 NS ns.p.test.
child 60 DS 12345 8 2 0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF
)", "p.test.");
  const auto child = load(R"(
@ 60 IN SOA ns.p.test. h.p.test. 9 2 3 4 5
@ 60 NS ns.p.test.
www 60 A 192.0.2.9
)", "child.p.test.");
  const zones::zone_set set({parent, child, example_zone()});
  CHECK(set.find(name::from_text("www.child.p.test."), rr_class::in) == child.get());
  CHECK(set.find(name::from_text("CHILD.P.TEST."), rr_class::in) == child.get());
  CHECK(set.find(name::from_text("other.p.test."), rr_class::in) == parent.get());
  CHECK(set.find(name::from_text("p.test."), rr_class::in) == parent.get());
  CHECK(set.find(name::from_text("test."), rr_class::in) == nullptr);
  CHECK(set.find(name::from_text("www.child.p.test."), rr_class::ch) == nullptr);
  CHECK(set.find_parent(*child) == parent.get());
  CHECK(set.get(name::from_text("child.p.test.")) == child);

  CHECK(ask(set, "www.child.p.test.", rr_type::a, minimal()).answer ==
        strings{"www.child.p.test. 60 IN A 192.0.2.9"});
  // The child answers everything at its apex except DS, which the parent holds.
  CHECK(ask(set, "child.p.test.", rr_type::ns, minimal()).aa);
  const auto ds = ask(set, "child.p.test.", rr_type::ds, minimal());
  CHECK(ds.aa);
  CHECK(ds.answer.size() == 1);
  CHECK(ask(set, "nowhere.example.", rr_type::a).code == rcode::refused);
  CHECK(ask(zones::zone_set{}, "example.test.", rr_type::a).code == rcode::refused);
}

TEST_CASE("lookup: a warmed-up result allocates nothing", "[unit]") {
  if (!DNSKIT_COUNT_ALLOCATIONS) {
    WARN("allocation counting is off under AddressSanitizer");
    return;
  }
  const zones::zone_set set({example_zone()});
  zones::lookup_result r;
  const name questions[] = {name::from_text("example.test."), name::from_text("alias.example.test."),
                            name::from_text("x.wild.example.test."), name::from_text("nosuch.example.test."),
                            name::from_text("host.sub.example.test."), name::from_text("foo.dname.example.test."),
                            name::from_text("big.example.test.")};
  for (const auto& q : questions) zones::lookup(set, q, rr_type::any, rr_class::in, r);
  allocations = 0;
  counting = true;
  for (int round = 0; round < 3; ++round)
    for (const auto& q : questions)
      for (const auto t : {rr_type::a, rr_type::mx, rr_type::txt, rr_type::any})
        zones::lookup(set, q, t, rr_class::in, r);
  counting = false;
  CHECK(allocations == 0);
}

TEST_CASE("lookup: the result names the wildcard that answered", "[unit]") {
  zones::lookup_result r;
  auto wildcard_of = [&](std::string_view qname, rr_type t) {
    zones::lookup(*example_zone(), name::from_text(qname), t, rr_class::in, r);
    return std::vector<std::uint8_t>(r.wildcard.begin(), r.wildcard.end());
  };
  const name star_wild = name::from_text("*.wild.example.test.");
  const std::vector<std::uint8_t> expected(star_wild.wire().begin(), star_wild.wire().end());
  CHECK(wildcard_of("x.wild.example.test.", rr_type::txt) == expected);
  CHECK(wildcard_of("A.B.Wild.Example.Test.", rr_type::a) == expected);  // lowercase, as stored
  CHECK(wildcard_of("x.wild.example.test.", rr_type::mx) == expected);   // NODATA from it
  CHECK(wildcard_of("www.example.test.", rr_type::a).empty());
  CHECK(wildcard_of("nosuch.example.test.", rr_type::a).empty());
  CHECK(wildcard_of("wild.example.test.", rr_type::a).empty());
}
