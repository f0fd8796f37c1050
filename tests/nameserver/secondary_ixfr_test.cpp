// The answer to an IXFR query read by a secondary (secondary_ixfr.hpp), without sockets: the
// incremental form over one or several messages, condensed or not; the single SOA of a current
// copy; the AXFR-style form; and every broken sequence failing with one line; the changes read
// applied in order give the primary's version.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "dnskit/dns/message.hpp"
#include "dnskit/dns/rdata.hpp"
#include "dnskit/zones/loader.hpp"
#include "dnskit/zones/update.hpp"
#include "secondary_axfr.hpp"
#include "secondary_ixfr.hpp"

namespace dns = dnskit::dns;
namespace zones = dnskit::zones;
using dnskit::nameserver::ixfr_reader;
using dnskit::nameserver::make_transfer_query;

namespace {

using bytes = std::vector<std::uint8_t>;
using status = ixfr_reader::status;
constexpr std::uint64_t now = 1'700'000'000;
constexpr std::uint16_t id = 0x4321;

const dns::name origin = dns::name::from_text("z.test.");

dns::record rec(std::string_view owner, dns::rr_type type, std::string_view rdata) {
  dns::record r;
  r.owner = dns::name::from_text(owner);
  r.type = type;
  r.ttl = 300;
  REQUIRE_FALSE(dns::rdata_from_text(type, rdata, origin, r.rdata));
  return r;
}

dns::record soa(std::uint32_t serial) {
  return rec("z.test.", dns::rr_type::soa,
             "ns1 hostmaster " + std::to_string(serial) + " 3600 600 86400 300");
}

std::shared_ptr<const zones::zone> zone(std::uint32_t serial, std::string_view extra = "") {
  const std::string text = "$TTL 300\n@ SOA ns1 hostmaster " + std::to_string(serial) +
                           " 3600 600 86400 300\n@ NS ns1\nns1 A 192.0.2.1\nwww A 192.0.2.80\n" +
                           std::string(extra);
  auto loaded = zones::load_zone_text(origin, text, "z.zone");
  REQUIRE(loaded.ok());
  return loaded.zone;
}

bytes answer(std::vector<dns::record> records, bool question = true,
             dns::rcode rcode = dns::rcode::noerror, std::uint16_t with_id = id) {
  dns::message m;
  m.hdr.id = with_id;
  m.hdr.qr = true;
  m.hdr.aa = true;
  m.set_rcode(rcode);
  if (question) m.questions.push_back({origin, dns::rr_type::ixfr, dns::rr_class::in});
  m.answer = std::move(records);
  return dns::encode(m);
}

// `records` split into messages of `per` records.
std::vector<bytes> messages(const std::vector<dns::record>& records, std::size_t per) {
  std::vector<bytes> out;
  for (std::size_t i = 0; i < records.size(); i += per) {
    std::vector<dns::record> part(records.begin() + static_cast<std::ptrdiff_t>(i),
                                  records.begin() + static_cast<std::ptrdiff_t>(std::min(i + per, records.size())));
    out.push_back(answer(std::move(part), i == 0));
  }
  return out;
}

ixfr_reader::settings from(std::uint32_t our_serial) {
  ixfr_reader::settings s;
  s.origin = origin;
  s.our_serial = our_serial;
  s.id = id;
  s.source = "IXFR from 192.0.2.53:53";
  return s;
}

// Feeds every message (a message after the end of the answer is fed too); stops at a failure.
status feed(ixfr_reader& reader, const std::vector<bytes>& stream) {
  status st = status::more;
  for (const auto& m : stream) {
    st = reader.add(m, now);
    if (st == status::failed) break;
  }
  return st;
}

bool contains(const std::string& text, std::string_view what) {
  return text.find(what) != std::string::npos;
}

// Two changes from serial 1: 1 -> 2 changes www and adds a; 2 -> 3 removes a, adds b.
std::vector<dns::record> two_changes() {
  return {soa(3),
          soa(1), rec("www.z.test.", dns::rr_type::a, "192.0.2.80"),
          soa(2), rec("www.z.test.", dns::rr_type::a, "192.0.2.81"),
                  rec("a.z.test.", dns::rr_type::a, "192.0.2.10"),
          soa(2), rec("a.z.test.", dns::rr_type::a, "192.0.2.10"),
          soa(3), rec("b.z.test.", dns::rr_type::txt, "\"b\""),
          soa(3)};
}

}  // namespace

TEST_CASE("secondary ixfr: the query carries our SOA in the authority section", "[unit]") {
  dns::tsig::mac_bytes mac;
  const dns::record ours = soa(5);
  const auto wire = make_transfer_query(origin, dns::rr_type::ixfr, id, nullptr, now, mac, &ours);
  dns::message m;
  REQUIRE_FALSE(dns::decode(wire, m));
  REQUIRE(m.questions.size() == 1);
  CHECK(m.questions[0].qtype == dns::rr_type::ixfr);
  REQUIRE(m.authority.size() == 1);
  CHECK(m.authority[0] == ours);  // RFC 1995 §3
}

TEST_CASE("secondary ixfr: incremental answers over one or several messages", "[unit]") {
  for (const std::size_t per : {1u, 3u, 100u}) {
    INFO("records per message: " << per);
    ixfr_reader reader(from(1));
    REQUIRE(feed(reader, messages(two_changes(), per)) == status::incremental);
    CHECK(reader.serial() == 3);
    const auto changes = reader.take_changes();
    REQUIRE(changes.size() == 2);
    CHECK(changes[0].serial_from == 1);
    CHECK(changes[0].serial_to == 2);
    CHECK(changes[0].removed.size() == 2);
    CHECK(changes[0].added.size() == 3);
    CHECK(changes[1].serial_from == 2);
    CHECK(changes[1].serial_to == 3);
    CHECK(changes[1].added.back() == rec("b.z.test.", dns::rr_type::txt, "\"b\""));

    // Applied in order to serial 1: the version the primary has.
    auto z = zone(1);
    std::string why;
    for (const auto& c : changes) {
      z = zones::apply_transferred_change(*z, c, {}, why);
      REQUIRE(z != nullptr);
    }
    const auto expected = zone(3, "www A 192.0.2.81\nb TXT \"b\"\n");
    auto got = z->to_records();
    auto want = expected->to_records();
    std::erase(want, rec("www.z.test.", dns::rr_type::a, "192.0.2.80"));
    CHECK(got.size() == want.size());
    for (const auto& r : want) CHECK(std::find(got.begin(), got.end(), r) != got.end());
  }
}

TEST_CASE("secondary ixfr: a condensed answer is one change", "[unit]") {
  ixfr_reader reader(from(1));
  REQUIRE(feed(reader, messages({soa(3), soa(1), soa(3), rec("c.z.test.", dns::rr_type::a, "192.0.2.3"),
                                 soa(3)}, 2)) == status::incremental);
  const auto changes = reader.take_changes();
  REQUIRE(changes.size() == 1);
  CHECK(changes[0].serial_from == 1);
  CHECK(changes[0].serial_to == 3);
}

TEST_CASE("secondary ixfr: a single SOA says current, the AXFR form is a whole zone", "[unit]") {
  SECTION("current") {
    ixfr_reader reader(from(4));
    CHECK(feed(reader, {answer({soa(4)})}) == status::current);
    CHECK(reader.serial() == 4);
  }
  SECTION("AXFR-style (RFC 1995 §4)") {
    auto records = zone(9, "x A 192.0.2.9\n")->to_records();
    records.push_back(soa(9));
    ixfr_reader reader(from(4));
    REQUIRE(feed(reader, messages(records, 1)) == status::full);
    std::vector<zones::diagnostic> diagnostics;
    const auto z = reader.build(diagnostics);
    REQUIRE(z != nullptr);
    CHECK(z->serial() == 9);
    CHECK(z->record_count() == 5);
  }
}

TEST_CASE("secondary ixfr: broken answers fail with one line", "[unit]") {
  std::vector<bytes> stream;
  std::string expected;
  std::uint32_t ours = 1;
  SECTION("NOTIMP") {
    stream = {answer({}, true, dns::rcode::notimp)};
    expected = "the primary answered NOTIMP";
  }
  SECTION("REFUSED") {
    stream = {answer({}, true, dns::rcode::refused)};
    expected = "the primary answered REFUSED";
  }
  SECTION("a first change that does not start at our serial") {
    ours = 2;
    stream = messages(two_changes(), 4);
    expected = "a change starts at serial 1, but the changes so far lead to 2";
  }
  SECTION("a gap between changes") {
    auto r = two_changes();
    r[6] = soa(7);  // the second change's old SOA
    stream = messages(r, 4);
    expected = "a change starts at serial 7, but the changes so far lead to 2";
  }
  SECTION("a change that goes back") {
    stream = messages({soa(3), soa(1), soa(1), soa(3)}, 4);
    expected = "does not go forward";
  }
  SECTION("records after the closing SOA") {
    auto r = two_changes();
    r.push_back(rec("late.z.test.", dns::rr_type::a, "192.0.2.1"));
    stream = messages(r, 100);
    expected = "records after the closing SOA";
  }
  SECTION("a message after the closing SOA") {
    stream = messages(two_changes(), 100);
    stream.push_back(answer({soa(3)}, false));
    expected = "a message after the end of the answer";
  }
  SECTION("another ID in a later message") {
    stream = messages(two_changes(), 4);
    stream[1] = answer({soa(2)}, false, dns::rcode::noerror, id + 1);
    expected = "not an answer to our query";
  }
  SECTION("an error rcode in a later message") {
    stream = messages(two_changes(), 4);
    stream[1] = answer({}, false, dns::rcode::servfail);
    expected = "the primary answered SERVFAIL";
  }
  SECTION("a serial not newer than ours and more than the SOA") {
    ours = 3;
    stream = messages(two_changes(), 100);
    expected = "not newer than ours";
  }
  SECTION("not starting with the SOA") {
    stream = {answer({rec("www.z.test.", dns::rr_type::a, "192.0.2.80"), soa(3)})};
    expected = "does not start with the zone's SOA";
  }
  SECTION("garbage") {
    stream = {bytes(30, 0xA5)};
    expected = "does not decode";
  }
  ixfr_reader reader(from(ours));
  CHECK(feed(reader, stream) == status::failed);
  CHECK(contains(reader.error(), expected));
  // Failed is final.
  CHECK(reader.add(answer({soa(3)}), now) == status::failed);
}
