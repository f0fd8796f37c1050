// Fuzz target: any bytes as a query to zones signed with NSEC, NSEC3 and NSEC3 with opt-out,
// through nameserver::responder::respond(), as sent and again with DO=1 (an OPT record appended
// when the query has none). Besides what query_process checks (the response decodes, is a
// response with the query's ID, fits its transport), the DNSSEC rules of RFC 4035 §3.1 that can
// be checked from the response alone:
//   - DO=0: no RRSIG anywhere (unless asked for by type, or ANY), no NSEC/NSEC3 in authority;
//   - DO=1, authoritative and not truncated: every RRset in the answer and authority sections has
//     its RRSIG beside it (a CNAME synthesised from a DNAME aside, RFC 6672 §5.3.1; a referral's
//     NS RRset aside, RFC 4035 §2.2); NXDOMAIN and NODATA carry the signed SOA and an NSEC or
//     NSEC3 proof (RFC 4035 §3.1.3, RFC 5155 §7.2).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "dnskit/dns/message.hpp"
#include "dnskit/nameserver/responder.hpp"
#include "dnskit/zones/loader.hpp"
#include "dnskit/zones/zone_set.hpp"
#include "query_process_signed_zones.hpp"

namespace {

using namespace dnskit;
using dns::rr_type;

struct fixture {
  std::shared_ptr<const zones::zone_set> zones;
  nameserver::responder responder{[] {
    nameserver::responder_options o;
    o.version = "fuzz";
    o.identity = "fuzz.example";
    return o;
  }()};
  nameserver::scratch work;
  std::vector<std::uint8_t> out = std::vector<std::uint8_t>(65535);
  std::vector<std::uint8_t> with_do;

  fixture() {
    std::vector<std::shared_ptr<const zones::zone>> loaded;
    const std::pair<std::string_view, std::string_view> texts[] = {
        {fuzz::signed_zone_nsec_origin, fuzz::signed_zone_nsec},
        {fuzz::signed_zone_nsec3_origin, fuzz::signed_zone_nsec3},
        {fuzz::signed_zone_nsec3_optout_origin, fuzz::signed_zone_nsec3_optout}};
    for (const auto& [origin, text] : texts) {
      auto z = zones::load_zone_text(dns::name::from_text(origin), std::string(text), "fuzz.zone");
      if (!z.ok()) std::abort();
      loaded.push_back(z.zone);
    }
    zones = std::make_shared<const zones::zone_set>(std::move(loaded));
  }
};

bool signed_by(const std::vector<dns::record>& section, const dns::record& r) {
  return std::any_of(section.begin(), section.end(), [&](const dns::record& s) {
    if (s.type != rr_type::rrsig || !(s.owner == r.owner)) return false;
    const std::span<const std::uint8_t> d = s.rdata;
    return d.size() >= 2 && ((d[0] << 8) | d[1]) == static_cast<int>(r.type);
  });
}

bool any_of_type(const std::vector<dns::record>& section, std::initializer_list<rr_type> types) {
  return std::any_of(section.begin(), section.end(), [&](const dns::record& r) {
    return std::find(types.begin(), types.end(), r.type) != types.end();
  });
}

void check_dnssec(const dns::message& q, const dns::message& m) {
  if (q.questions.size() != 1 || m.questions.size() != 1) return;
  const rr_type qtype = q.questions[0].qtype;
  const bool dnssec_ok = q.opt && q.opt->dnssec_ok;
  if (!dnssec_ok) {
    if (qtype != rr_type::rrsig && qtype != rr_type::any &&
        (any_of_type(m.answer, {rr_type::rrsig}) || any_of_type(m.additional, {rr_type::rrsig})))
      std::abort();
    if (any_of_type(m.authority, {rr_type::rrsig, rr_type::nsec, rr_type::nsec3})) std::abort();
    return;
  }
  if (!m.hdr.aa || m.hdr.tc || qtype == rr_type::any || qtype == rr_type::rrsig) return;
  const bool dname = any_of_type(m.answer, {rr_type::dname});
  for (const auto& r : m.answer) {
    if (r.type == rr_type::rrsig || (dname && r.type == rr_type::cname)) continue;
    if (!signed_by(m.answer, r)) std::abort();
  }
  const bool referral = any_of_type(m.authority, {rr_type::ns});
  for (const auto& r : m.authority) {
    if (r.type == rr_type::rrsig || r.type == rr_type::ns) continue;
    if (!signed_by(m.authority, r)) std::abort();
  }
  const bool negative = m.rcode() == dns::rcode::nxdomain ||
                        (m.rcode() == dns::rcode::noerror && !referral &&
                         std::none_of(m.answer.begin(), m.answer.end(), [&](const dns::record& r) {
                           return r.type == qtype;
                         }) &&
                         !any_of_type(m.answer, {rr_type::cname, rr_type::dname}));
  if (negative) {
    if (!any_of_type(m.authority, {rr_type::soa})) std::abort();
    if (!any_of_type(m.authority, {rr_type::nsec, rr_type::nsec3})) std::abort();
  }
}

void run(fixture& f, std::span<const std::uint8_t> query, const nameserver::request_info& client) {
  const auto result = f.responder.respond(query, client, *f.zones, f.work, f.out);
  using action = nameserver::outcome::action;
  if (result.what == action::drop) {
    if (query.size() >= 12 && (query[2] & 0x80) == 0) std::abort();
    return;
  }
  if (result.what == action::transfer) return;  // only from allow-transfer; none is configured
  const std::size_t limit = client.via == nameserver::transport::udp ? 1232 : 65535;
  const auto response = std::span<const std::uint8_t>(f.out).first(result.size);
  if (response.size() > limit) std::abort();
  dns::message m;
  if (dns::decode(response, m)) std::abort();
  if (!m.hdr.qr || m.hdr.id != ((query[0] << 8) | query[1])) std::abort();
  dns::message q;
  if (dns::decode(query, q)) return;  // answered with an error rcode; nothing more to check
  if (m.rcode() == dns::rcode::noerror || m.rcode() == dns::rcode::nxdomain) check_dnssec(q, m);
}

// The query with DO=1: an OPT record (RFC 6891 §6.1.2, payload 1232, DO set) appended when the
// query is a header and a question section and nothing else.
bool add_do(std::span<const std::uint8_t> query, std::vector<std::uint8_t>& out) {
  if (query.size() < 12 || query[6] || query[7] || query[8] || query[9] || query[10] || query[11])
    return false;
  out.assign(query.begin(), query.end());
  out[11] = 1;
  static constexpr std::uint8_t opt[] = {0, 0, 41, 0x04, 0xd0, 0, 0, 0x80, 0, 0, 0};
  out.insert(out.end(), std::begin(opt), std::end(opt));
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static fixture f;
  const std::span<const std::uint8_t> query(data, size);
  const auto udp = nameserver::request_info::v4(nameserver::transport::udp, {192, 0, 2, 1}, 53);
  const auto tcp = nameserver::request_info::v4(nameserver::transport::tcp, {192, 0, 2, 1}, 53);
  run(f, query, udp);
  run(f, query, tcp);
  if (add_do(query, f.with_do)) {
    run(f, f.with_do, udp);
    run(f, f.with_do, tcp);
  }
  return 0;
}
