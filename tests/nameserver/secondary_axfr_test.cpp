// The messages of a transfer in (secondary_axfr.hpp), without sockets: the SOA answer's serial,
// and AXFR streams that are whole, broken, oversized, signed right or wrong, or refused by the
// zone checks. Each failure is one line that says what was wrong.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "dnskit/dns/message.hpp"
#include "dnskit/dns/rdata.hpp"
#include "dnskit/zones/loader.hpp"
#include "dnskit_test/tsig_response.hpp"
#include "secondary_axfr.hpp"

namespace dns = dnskit::dns;
namespace zones = dnskit::zones;
namespace tsig = dnskit::dns::tsig;
using dnskit::nameserver::axfr_reader;
using dnskit::nameserver::make_transfer_query;
using dnskit::nameserver::read_soa_answer;

namespace {

using bytes = std::vector<std::uint8_t>;
constexpr std::uint64_t now = 1'700'000'000;
constexpr std::uint16_t id = 0x1234;

const dns::name origin = dns::name::from_text("z.test.");

std::vector<dns::record> zone_records(std::uint32_t serial, std::string_view extra = "") {
  const std::string text = "$TTL 300\n@ SOA ns1 hostmaster " + std::to_string(serial) +
                           " 3600 600 86400 300\n@ NS ns1\nns1 A 192.0.2.1\nwww A 192.0.2.80\n" +
                           std::string(extra);
  auto loaded = zones::load_zone_text(origin, text, "z.zone");
  REQUIRE(loaded.ok());
  return loaded.zone->to_records();
}

bytes answer(std::uint16_t with_id, std::vector<dns::record> records, bool question,
             dns::rcode rcode = dns::rcode::noerror) {
  dns::message m;
  m.hdr.id = with_id;
  m.hdr.qr = true;
  m.hdr.aa = true;
  m.set_rcode(rcode);
  if (question) m.questions.push_back({origin, dns::rr_type::axfr, dns::rr_class::in});
  m.answer = std::move(records);
  return dns::encode(m);
}

// The zone's records as a transfer: SOA, the rest, SOA, split into messages of `per` records.
std::vector<bytes> transfer(const std::vector<dns::record>& records, std::size_t per = 2) {
  std::vector<dns::record> all = records;
  all.push_back(records.front());
  std::vector<bytes> out;
  for (std::size_t i = 0; i < all.size(); i += per) {
    std::vector<dns::record> part(all.begin() + static_cast<std::ptrdiff_t>(i),
                                  all.begin() + static_cast<std::ptrdiff_t>(std::min(i + per, all.size())));
    out.push_back(answer(id, std::move(part), i == 0));
  }
  return out;
}

axfr_reader::settings plain() {
  axfr_reader::settings s;
  s.origin = origin;
  s.id = id;
  s.source = "AXFR from 192.0.2.53:53";
  return s;
}

// Feeds every message; the status after the last one fed (stops at the first failure).
axfr_reader::status feed(axfr_reader& reader, const std::vector<bytes>& messages) {
  axfr_reader::status st = axfr_reader::status::more;
  for (const auto& m : messages) {
    st = reader.add(m, now);
    if (st != axfr_reader::status::more) break;
  }
  return st;
}

bool contains(const std::string& text, std::string_view what) {
  return text.find(what) != std::string::npos;
}

tsig::key test_key(std::string_view secret = "c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0") {
  std::string error;
  auto k = tsig::parse_key("xfr:" + std::string(secret), error);
  REQUIRE(k.has_value());
  return *k;
}

}  // namespace

TEST_CASE("secondary axfr: a whole transfer builds the zone", "[unit]") {
  axfr_reader reader(plain());
  REQUIRE(feed(reader, transfer(zone_records(7))) == axfr_reader::status::done);
  CHECK(reader.serial() == 7);
  CHECK(reader.records() == 4);
  std::vector<zones::diagnostic> diagnostics;
  auto zone = reader.build(diagnostics);
  REQUIRE(zone != nullptr);
  CHECK(zone->serial() == 7);
  CHECK(zone->record_count() == 4);
  // Once done, a further message is an error.
  CHECK(reader.add(transfer(zone_records(7)).front(), now) == axfr_reader::status::failed);
  CHECK(contains(reader.error(), "after the closing SOA"));
}

TEST_CASE("secondary axfr: broken streams fail with one line", "[unit]") {
  const auto records = zone_records(7);
  SECTION("another ID") {
    axfr_reader reader(plain());
    CHECK(reader.add(answer(id + 1, records, true), now) == axfr_reader::status::failed);
    CHECK(contains(reader.error(), "does not match the query"));
  }
  SECTION("REFUSED") {
    axfr_reader reader(plain());
    CHECK(reader.add(answer(id, {}, true, dns::rcode::refused), now) == axfr_reader::status::failed);
    CHECK(reader.error() == "the primary answered REFUSED");
  }
  SECTION("not starting with the SOA") {
    axfr_reader reader(plain());
    CHECK(reader.add(answer(id, {records[1]}, true), now) == axfr_reader::status::failed);
    CHECK(contains(reader.error(), "does not start with the zone's SOA"));
  }
  SECTION("bytes that do not decode") {
    axfr_reader reader(plain());
    bytes garbage = answer(id, records, true);
    garbage.resize(garbage.size() - 3);
    CHECK(reader.add(garbage, now) == axfr_reader::status::failed);
    CHECK(contains(reader.error(), "message 1 does not decode"));
    CHECK(reader.add(bytes(5, 0xff), now) == axfr_reader::status::failed);
  }
  SECTION("the closing SOA of another version") {
    axfr_reader reader(plain());
    auto other = zone_records(8);
    std::vector<dns::record> stream = records;
    stream.push_back(other.front());
    CHECK(reader.add(answer(id, stream, true), now) == axfr_reader::status::failed);
    CHECK(contains(reader.error(), "zone changed during the transfer"));
  }
  SECTION("records after the closing SOA") {
    axfr_reader reader(plain());
    std::vector<dns::record> stream = records;
    stream.push_back(records.front());
    stream.push_back(records[2]);
    CHECK(reader.add(answer(id, stream, true), now) == axfr_reader::status::failed);
    CHECK(contains(reader.error(), "records after the closing SOA"));
  }
  SECTION("an error in a later message") {
    axfr_reader reader(plain());
    CHECK(reader.add(answer(id, {records[0]}, true), now) == axfr_reader::status::more);
    CHECK(reader.add(answer(id, {}, false, dns::rcode::servfail), now) == axfr_reader::status::failed);
    CHECK(contains(reader.error(), "message 2: the primary answered SERVFAIL"));
  }
  SECTION("the question of another zone") {
    axfr_reader::settings s = plain();
    s.origin = dns::name::from_text("other.test.");
    axfr_reader reader(std::move(s));
    CHECK(reader.add(answer(id, records, true), now) == axfr_reader::status::failed);
    CHECK(contains(reader.error(), "does not answer our AXFR question"));
  }
}

TEST_CASE("secondary axfr: a transfer larger than the limit is cut", "[unit]") {
  std::string many;
  for (int i = 0; i < 200; ++i) many += "h" + std::to_string(i) + " A 192.0.2." + std::to_string(i % 250) + "\n";
  const auto messages = transfer(zone_records(7, many), 20);
  std::size_t total = 0;
  for (const auto& m : messages) total += m.size();
  axfr_reader::settings s = plain();
  s.max_bytes = total / 2;
  axfr_reader reader(std::move(s));
  CHECK(feed(reader, messages) == axfr_reader::status::failed);
  CHECK(contains(reader.error(), "larger than " + std::to_string(total / 2) + " bytes"));
  CHECK(reader.bytes() <= total / 2 + 65535);

  axfr_reader::settings enough = plain();
  enough.max_bytes = total;
  axfr_reader whole(std::move(enough));
  CHECK(feed(whole, messages) == axfr_reader::status::done);
}

TEST_CASE("secondary axfr: a zone the checks refuse is not built", "[unit]") {
  // A CNAME beside other data (RFC 1034 §3.6.2): named-checkzone refuses it, and so do we.
  auto records = zone_records(7);
  dns::record cname;  // made by hand: the zone loader would refuse it before any transfer
  cname.owner = dns::name::from_text("www.z.test.");
  cname.type = dns::rr_type::cname;
  cname.ttl = 300;
  cname.rdata = dns::make_name_rdata(dns::name::from_text("ns1.z.test."));
  records.push_back(cname);
  axfr_reader reader(plain());
  REQUIRE(feed(reader, transfer(records)) == axfr_reader::status::done);
  std::vector<zones::diagnostic> diagnostics;
  CHECK(reader.build(diagnostics) == nullptr);
  REQUIRE_FALSE(diagnostics.empty());
  CHECK(diagnostics.front().is_error);
  CHECK(contains(diagnostics.front().to_string(), "AXFR from 192.0.2.53:53"));
}

TEST_CASE("secondary axfr: signed transfers are checked message by message", "[unit]") {
  const tsig::key key = test_key();
  tsig::keyring keys;
  keys.add(key);
  tsig::mac_bytes mac;
  const bytes query = make_transfer_query(origin, dns::rr_type::axfr, id, &key, now, mac);
  REQUIRE_FALSE(query.empty());
  tsig::request_state state;
  REQUIRE(tsig::verify_request(query, keys, now, state) == tsig::status::verified);

  auto signed_stream = [&](const tsig::request_state& st, bool sign_last) {
    tsig::response_signer signer(st);
    auto messages = transfer(zone_records(7));
    for (std::size_t i = 0; i < messages.size(); ++i) {
      if (i + 1 == messages.size() && !sign_last) break;
      std::size_t size = messages[i].size();
      messages[i].resize(size + signer.record_size());
      REQUIRE_FALSE(signer.sign(messages[i], size, now));
      messages[i].resize(size);
    }
    return messages;
  };
  axfr_reader::settings s = plain();
  s.key = &key;
  s.request_mac = mac;

  SECTION("every message signed") {
    axfr_reader reader(s);
    CHECK(feed(reader, signed_stream(state, true)) == axfr_reader::status::done);
  }
  SECTION("the last message unsigned") {
    axfr_reader reader(s);
    CHECK(feed(reader, signed_stream(state, false)) == axfr_reader::status::failed);
    CHECK(contains(reader.error(), "not signed with key xfr."));
  }
  SECTION("unsigned answers") {
    axfr_reader reader(s);
    CHECK(feed(reader, transfer(zone_records(7))) == axfr_reader::status::failed);
    CHECK(contains(reader.error(), "not signed with key xfr."));
  }
  SECTION("signed with another secret") {
    const tsig::key other = test_key("b3RoZXJvdGhlcm90aGVyb3RoZXJvdGhlcg==");
    tsig::keyring other_keys;
    other_keys.add(other);
    tsig::request_state forged;
    (void)tsig::verify_request(query, other_keys, now, forged);
    forged.outcome = tsig::status::verified;
    axfr_reader reader(s);
    CHECK(feed(reader, signed_stream(forged, true)) == axfr_reader::status::failed);
    CHECK(contains(reader.error(), "BADSIG"));
  }
}

TEST_CASE("secondary axfr: the serial in the answer to the SOA query", "[unit]") {
  const auto records = zone_records(2024010101);
  dns::message m;
  m.hdr.id = id;
  m.hdr.qr = true;
  m.questions.push_back({origin, dns::rr_type::soa, dns::rr_class::in});
  m.answer.push_back(records.front());
  std::string error;
  tsig::mac_bytes none;
  CHECK(read_soa_answer(dns::encode(m), origin, id, nullptr, none, now, error) == 2024010101u);

  CHECK_FALSE(read_soa_answer(dns::encode(m), origin, id + 1, nullptr, none, now, error));
  CHECK(contains(error, "does not match"));
  m.answer.clear();
  CHECK_FALSE(read_soa_answer(dns::encode(m), origin, id, nullptr, none, now, error));
  CHECK(contains(error, "not authoritative for z.test."));
  m.set_rcode(dns::rcode::notauth);
  CHECK_FALSE(read_soa_answer(dns::encode(m), origin, id, nullptr, none, now, error));
  CHECK(error == "the primary answered NOTAUTH");

  // Signed query, unsigned answer: refused.
  const tsig::key key = test_key();
  tsig::mac_bytes mac;
  (void)make_transfer_query(origin, dns::rr_type::soa, id, &key, now, mac);
  m.set_rcode(dns::rcode::noerror);
  m.answer.push_back(records.front());
  CHECK_FALSE(read_soa_answer(dns::encode(m), origin, id, &key, mac, now, error));
  CHECK(contains(error, "not signed"));
}
