// Dynamic update (RFC 2136) over a zone version (zones/update.hpp): each prerequisite kind and
// its rcode (§3.2), additions and the three kinds of deletion (§3.4.2), the CNAME and apex
// rules (§3.4.2.2-4), the serial raised (§3.6), the journal replay (apply_change), and a
// primary's differences applied strictly (apply_transferred_change, IXFR in).
#include <catch2/catch.hpp>

#include "dnskit/dns/rdata.hpp"
#include "dnskit/zones/update.hpp"
#include "zone_test_util.hpp"

namespace {

using namespace zone_test;
using dnskit::dns::record;

const name origin = name::from_text("u.test.");

std::shared_ptr<const zones::zone> base() {
  return load("$ORIGIN u.test.\n$TTL 300\n@ SOA ns1 host 10 3600 600 86400 300\n@ NS ns1\n"
              "ns1 A 192.0.2.53\nwww A 192.0.2.1\nwww A 192.0.2.2\nalias CNAME www\n"
              "txt TXT \"x\"\n",
              "u.test.");
}

record rr(std::string_view owner, rr_type type, rr_class klass, std::uint32_t ttl,
          std::string_view rdata = "") {
  record r;
  std::error_code ec;
  r.owner = name::from_text(owner, origin, ec);
  REQUIRE_FALSE(ec);
  r.type = type;
  r.klass = klass;
  r.ttl = ttl;
  if (!rdata.empty()) REQUIRE_FALSE(dnskit::dns::rdata_from_text(type, rdata, origin, r.rdata));
  return r;
}

std::vector<std::string> at(const zones::zone& z, std::string_view owner, rr_type type) {
  return ask(z, owner, type).answer;
}

zones::update_result update(const zones::zone& z, std::vector<record> pre,
                            std::vector<record> up) {
  return zones::apply_update(z, pre, up);
}

}  // namespace

TEST_CASE("update: prerequisites, each kind with its rcode (RFC 2136 §2.4, §3.2)", "[unit]") {
  const auto z = base();
  const auto in = rr_class::in, any = rr_class::any, none = rr_class::none;
  const auto code = [&](std::vector<record> pre) { return update(*z, std::move(pre), {}).rcode; };
  // Name is in use / not in use.
  CHECK(code({rr("www", rr_type::any, any, 0)}) == rcode::noerror);
  CHECK(code({rr("nope", rr_type::any, any, 0)}) == rcode::nxdomain);
  CHECK(code({rr("nope", rr_type::any, none, 0)}) == rcode::noerror);
  CHECK(code({rr("www", rr_type::any, none, 0)}) == rcode::yxdomain);
  // RRset exists / does not exist (value independent).
  CHECK(code({rr("www", rr_type::a, any, 0)}) == rcode::noerror);
  CHECK(code({rr("www", rr_type::aaaa, any, 0)}) == rcode::nxrrset);
  CHECK(code({rr("www", rr_type::aaaa, none, 0)}) == rcode::noerror);
  CHECK(code({rr("www", rr_type::a, none, 0)}) == rcode::yxrrset);
  // RRset exists, value dependent: the whole RRset, no more, no less.
  CHECK(code({rr("www", rr_type::a, in, 0, "192.0.2.1"), rr("www", rr_type::a, in, 0, "192.0.2.2")}) ==
        rcode::noerror);
  CHECK(code({rr("www", rr_type::a, in, 0, "192.0.2.1")}) == rcode::nxrrset);
  CHECK(code({rr("www", rr_type::a, in, 0, "192.0.2.1"), rr("www", rr_type::a, in, 0, "192.0.2.2"),
              rr("www", rr_type::a, in, 0, "192.0.2.3")}) == rcode::nxrrset);
  // Outside the zone; a TTL; rdata with ANY.
  CHECK(code({rr("www.other.", rr_type::any, any, 0)}) == rcode::notzone);
  CHECK(code({rr("www", rr_type::a, any, 300)}) == rcode::formerr);
  // A failing prerequisite changes nothing even with an update beside it.
  const auto r = update(*z, {rr("nope", rr_type::any, any, 0)}, {rr("new", rr_type::a, in, 60, "192.0.2.9")});
  CHECK(r.rcode == rcode::nxdomain);
  CHECK(r.updated == nullptr);
}

TEST_CASE("update: add and delete RRs, RRsets and names, the serial goes up", "[unit]") {
  const auto z = base();
  const auto in = rr_class::in, any = rr_class::any, none = rr_class::none;
  auto r = update(*z, {}, {rr("new", rr_type::a, in, 60, "192.0.2.9"),
                           rr("www", rr_type::a, none, 0, "192.0.2.1"),
                           rr("txt", rr_type::txt, any, 0)});
  REQUIRE(r.rcode == rcode::noerror);
  REQUIRE(r.updated);
  CHECK(r.updated->serial() == 11);
  CHECK(at(*r.updated, "new.u.test.", rr_type::a) == std::vector<std::string>{"new.u.test. 60 IN A 192.0.2.9"});
  CHECK(at(*r.updated, "www.u.test.", rr_type::a) == std::vector<std::string>{"www.u.test. 300 IN A 192.0.2.2"});
  CHECK(ask(*r.updated, "txt.u.test.", rr_type::txt).code == rcode::nxdomain);
  CHECK(r.change.serial_from == 10);
  CHECK(r.change.serial_to == 11);
  CHECK(r.change.removed.size() == 3);  // SOA, www A .1, txt
  CHECK(r.change.added.size() == 2);    // SOA, new
  // Delete a whole name; at the apex SOA and NS stay.
  auto n = update(*r.updated, {}, {rr("www", rr_type::any, any, 0), rr("@", rr_type::any, any, 0)});
  REQUIRE(n.updated);
  CHECK(ask(*n.updated, "www.u.test.", rr_type::a).code == rcode::nxdomain);
  CHECK(at(*n.updated, "u.test.", rr_type::ns).size() == 1);
  CHECK(n.updated->serial() == 12);
  // An update that changes nothing: NOERROR, no new version.
  auto same = update(*z, {}, {rr("www", rr_type::a, in, 300, "192.0.2.1")});
  CHECK(same.rcode == rcode::noerror);
  CHECK(same.updated == nullptr);
  // An SOA with a higher serial is taken as it is.
  auto soa = update(*z, {}, {rr("u.test.", rr_type::soa, in, 300, "ns1 host 50 3600 600 86400 300")});
  REQUIRE(soa.updated);
  CHECK(soa.updated->serial() == 50);
  auto lower = update(*z, {}, {rr("u.test.", rr_type::soa, in, 300, "ns1 host 5 3600 600 86400 300")});
  CHECK(lower.updated == nullptr);
}

TEST_CASE("update: CNAME and other data, apex SOA and NS (RFC 2136 §3.4.2.2-4)", "[unit]") {
  const auto z = base();
  const auto in = rr_class::in, any = rr_class::any, none = rr_class::none;
  // No CNAME beside other data, no other data beside a CNAME: silently ignored.
  CHECK(update(*z, {}, {rr("www", rr_type::cname, in, 60, "txt")}).updated == nullptr);
  CHECK(update(*z, {}, {rr("alias", rr_type::a, in, 60, "192.0.2.7")}).updated == nullptr);
  // A CNAME replaces the CNAME there.
  auto c = update(*z, {}, {rr("alias", rr_type::cname, in, 300, "txt")});
  REQUIRE(c.updated);
  CHECK(at(*c.updated, "alias.u.test.", rr_type::cname) ==
        std::vector<std::string>{"alias.u.test. 300 IN CNAME txt.u.test."});
  // The apex SOA and NS RRsets cannot be deleted; the last apex NS stays.
  CHECK(update(*z, {}, {rr("u.test.", rr_type::soa, any, 0), rr("@", rr_type::ns, any, 0)}).updated ==
        nullptr);
  CHECK(update(*z, {}, {rr("@", rr_type::ns, none, 0, "ns1")}).updated == nullptr);
  CHECK(update(*z, {}, {rr("u.test.", rr_type::soa, none, 0, "ns1 host 10 3600 600 86400 300")}).updated == nullptr);
  // Malformed update RRs: FORMERR; outside the zone: NOTZONE; nothing applied.
  CHECK(update(*z, {}, {rr("x", rr_type::a, any, 300)}).rcode == rcode::formerr);
  CHECK(update(*z, {}, {rr("x", rr_type::axfr, in, 300)}).rcode == rcode::formerr);
  CHECK(update(*z, {}, {rr("new", rr_type::a, in, 60, "192.0.2.9"),
                        rr("x.other.", rr_type::a, in, 60, "192.0.2.9")}).rcode == rcode::notzone);
}

TEST_CASE("update: a journal change replays over the version it starts from", "[unit]") {
  const auto z = base();
  auto r = update(*z, {}, {rr("new", rr_type::a, rr_class::in, 60, "192.0.2.9"),
                           rr("www", rr_type::a, rr_class::none, 0, "192.0.2.1")});
  REQUIRE(r.updated);
  std::string why;
  const auto replayed = zones::apply_change(*z, r.change, why);
  REQUIRE(replayed);
  CHECK(replayed->serial() == r.updated->serial());
  CHECK(zones::diff_zones(*replayed, *r.updated).removed.size() == 1);  // SOAs only
  CHECK(zones::diff_zones(*replayed, *r.updated).added.size() == 1);
  CHECK(zones::apply_change(*r.updated, r.change, why) == nullptr);  // wrong starting serial
  CHECK(!why.empty());
}

TEST_CASE("update: the new version carries every record the update does not touch", "[unit]") {
  // Names of every kind the storage keeps apart: mixed case, a wildcard, a delegation with glue,
  // an empty non-terminal, RRSIGs covering RRsets of different TTLs (each takes its RRset's TTL,
  // RFC 4034 §3), and the names the update touches beside them.
  const auto z = load("$ORIGIN u.test.\n$TTL 300\n@ SOA ns1 host 10 3600 600 86400 300\n"
                      "@ NS ns1\nns1 A 192.0.2.53\nMiXeD A 192.0.2.7\n* TXT \"wild\"\n"
                      "sub NS ns.sub\nns.sub A 192.0.2.54\na.b.c A 192.0.2.8\n"
                      "www 60 A 192.0.2.1\nwww 120 TXT \"t\"\n"
                      "www 60 RRSIG A 13 3 60 20300101000000 20200101000000 1 u.test. AAAA\n"
                      "www 120 RRSIG TXT 13 3 120 20300101000000 20200101000000 1 u.test. AAAA\n",
                      "u.test.");
  const auto in = rr_class::in, none = rr_class::none;
  auto r = update(*z, {}, {rr("new", rr_type::a, in, 60, "192.0.2.9"),
                           rr("ns1", rr_type::a, none, 0, "192.0.2.53"),
                           rr("ns1", rr_type::aaaa, in, 60, "2001:db8::53")});
  REQUIRE(r.rcode == rcode::noerror);
  REQUIRE(r.updated);
  auto texts = [](const zones::zone& v) {
    std::vector<std::string> out;
    for (const record& rec : v.to_records()) {
      if (rec.type != rr_type::soa) out.push_back(rec.to_text());
    }
    std::sort(out.begin(), out.end());
    return out;
  };
  std::vector<std::string> expected = texts(*z);
  std::erase(expected, "ns1.u.test. 300 IN A 192.0.2.53");
  expected.push_back("new.u.test. 60 IN A 192.0.2.9");
  expected.push_back("ns1.u.test. 60 IN AAAA 2001:db8::53");
  std::sort(expected.begin(), expected.end());
  CHECK(texts(*r.updated) == expected);
  CHECK(r.updated->record_count() == z->record_count() + 1);
  // The change is what a whole-zone comparison finds, SOAs first.
  auto sorted_texts = [](const std::vector<record>& records) {
    std::vector<std::string> out;
    for (const record& rec : records) out.push_back(rec.to_text());
    std::sort(out.begin() + 1, out.end());
    return out;
  };
  const zones::zone_change whole = zones::diff_zones(*z, *r.updated);
  CHECK(sorted_texts(r.change.removed) == sorted_texts(whole.removed));
  CHECK(sorted_texts(r.change.added) == sorted_texts(whole.added));
  CHECK(r.change.removed.size() == 2);  // SOA, ns1 A
  CHECK(r.change.added.size() == 3);    // SOA, new A, ns1 AAAA
  // A new TTL for a signed RRset: its RRSIG is served with that TTL too (RFC 4034 §3), so an
  // IXFR client must be told of it as well.
  auto ttl = update(*r.updated, {}, {rr("www", rr_type::a, in, 90, "192.0.2.3")});
  REQUIRE(ttl.updated);
  CHECK(sorted_texts(ttl.change.removed) ==
        std::vector<std::string>{
            "u.test. 300 IN SOA ns1.u.test. host.u.test. 11 3600 600 86400 300",
            "www.u.test. 60 IN A 192.0.2.1",
            "www.u.test. 60 IN RRSIG A 13 3 60 20300101000000 20200101000000 1 u.test. AAAA"});
  CHECK(sorted_texts(ttl.change.added) ==
        std::vector<std::string>{
            "u.test. 300 IN SOA ns1.u.test. host.u.test. 12 3600 600 86400 300",
            "www.u.test. 90 IN A 192.0.2.1", "www.u.test. 90 IN A 192.0.2.3",
            "www.u.test. 90 IN RRSIG A 13 3 60 20300101000000 20200101000000 1 u.test. AAAA"});
  // A reload's whole-zone comparison finds the same.
  const zones::zone_change whole_ttl = zones::diff_zones(*r.updated, *ttl.updated);
  CHECK(sorted_texts(ttl.change.removed) == sorted_texts(whole_ttl.removed));
  CHECK(sorted_texts(ttl.change.added) == sorted_texts(whole_ttl.added));
  // The lookup sees the same zone: the wildcard, the referral with glue, the signatures' TTLs.
  CHECK(at(*r.updated, "other.u.test.", rr_type::txt) ==
        std::vector<std::string>{"other.u.test. 300 IN TXT \"wild\""});
  CHECK(ask(*r.updated, "x.sub.u.test.", rr_type::a).answer.empty());
  CHECK(ask(*r.updated, "b.c.u.test.", rr_type::a).code == rcode::noerror);  // empty non-terminal
  CHECK(at(*r.updated, "mixed.u.test.", rr_type::a) ==
        std::vector<std::string>{"MiXeD.u.test. 300 IN A 192.0.2.7"});
}

TEST_CASE("update: a primary's difference applies exactly or not at all (RFC 1995 §4)", "[unit]") {
  const auto z = base();  // serial 10
  const auto in = rr_class::in;
  zones::zone_change change;
  change.serial_from = 10;
  change.serial_to = 11;
  change.removed = {rr("u.test.", rr_type::soa, in, 300, "ns1 host 10 3600 600 86400 300")};
  change.added = {rr("u.test.", rr_type::soa, in, 300, "ns1 host 11 3600 600 86400 300"),
                  rr("n", rr_type::a, in, 300, "192.0.2.20")};
  std::string why;
  SECTION("a change that continues our version") {
    change.removed.push_back(rr("www", rr_type::a, in, 300, "192.0.2.1"));
    const auto next = zones::apply_transferred_change(*z, change, {}, why);
    REQUIRE(next != nullptr);
    CHECK(next->serial() == 11);
    CHECK(at(*next, "www.u.test.", rr_type::a).size() == 1);
    CHECK(at(*next, "n.u.test.", rr_type::a).size() == 1);
  }
  SECTION("the TTL of a deleted record is the RRset's, not part of its identity") {
    change.removed.push_back(rr("www", rr_type::a, in, 60, "192.0.2.1"));
    CHECK(zones::apply_transferred_change(*z, change, {}, why) != nullptr);
  }
  SECTION("a delete of a record that is not there") {
    change.removed.push_back(rr("www", rr_type::a, in, 300, "192.0.2.99"));
    CHECK(zones::apply_transferred_change(*z, change, {}, why) == nullptr);
    CHECK(why.find("deletes a record that is not in the zone: www.u.test.") != std::string::npos);
    // Our own journal's replay stays as it was.
    CHECK(zones::apply_change(*z, change, why) != nullptr);
  }
  SECTION("an add of a record that is there") {
    change.added.push_back(rr("www", rr_type::a, in, 300, "192.0.2.2"));
    CHECK(zones::apply_transferred_change(*z, change, {}, why) == nullptr);
    CHECK(why.find("adds a record that is already in the zone") != std::string::npos);
  }
  SECTION("another starting serial") {
    change.serial_from = 9;
    CHECK(zones::apply_transferred_change(*z, change, {}, why) == nullptr);
    CHECK(why.find("change from serial 9 over serial 10") != std::string::npos);
  }
  SECTION("an old SOA other than ours") {
    change.removed[0] = rr("u.test.", rr_type::soa, in, 300, "ns1 host 10 9999 600 86400 300");
    CHECK(zones::apply_transferred_change(*z, change, {}, why) == nullptr);
  }
  SECTION("a result the zone checks refuse") {
    change.added.push_back(rr("alias", rr_type::a, in, 300, "192.0.2.7"));  // beside a CNAME
    CHECK(zones::apply_transferred_change(*z, change, {}, why) == nullptr);
  }
}
