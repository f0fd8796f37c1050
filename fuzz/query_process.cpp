// Fuzz target: any bytes as a query through nameserver::responder::respond(), over UDP from
// outside allow-transfer and over TCP from loopback (where AXFR is streamed to its end). Every
// response must decode (dns::decode, strict), be a response (QR=1) with the query's ID, fit the
// transport's limit, and a dropped query must be one that is no query at all.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "dnskit/dns/message.hpp"
#include "dnskit/nameserver/axfr.hpp"
#include "dnskit/nameserver/responder.hpp"
#include "query_process_zone.hpp"
#include "dnskit/zones/loader.hpp"
#include "dnskit/zones/zone_set.hpp"

namespace {

using namespace dnskit;

struct fixture {
  std::shared_ptr<const zones::zone_set> zones;
  nameserver::responder responder{[] {
    nameserver::responder_options o;
    o.version = "fuzz";
    o.identity = "fuzz.example";
    o.axfr_message_size = 2048;  // several messages even for a small zone
    return o;
  }()};
  nameserver::scratch work;
  std::vector<std::uint8_t> out = std::vector<std::uint8_t>(65535);

  fixture() {
    auto loaded = zones::load_zone_text(dns::name::from_text("example.test."), fuzz::query_process_zone_text(), "fuzz.zone");
    if (!loaded.ok()) std::abort();
    auto child = zones::load_zone_text(dns::name::from_text("child.example.test."),
                                       "$TTL 60\n@ SOA ns hm 1 1 1 1 1\n@ NS ns\nns A 192.0.2.9\n",
                                       "child.zone");
    if (!child.ok()) std::abort();
    zones = std::make_shared<const zones::zone_set>(
        std::vector<std::shared_ptr<const zones::zone>>{loaded.zone, child.zone});
  }
};

void check_response(std::span<const std::uint8_t> query, std::span<const std::uint8_t> response,
                    std::size_t limit) {
  if (response.size() > limit) std::abort();
  dns::message m;
  if (dns::decode(response, m)) std::abort();
  if (!m.hdr.qr) std::abort();
  if (m.hdr.id != ((query[0] << 8) | query[1])) std::abort();
  if (m.hdr.ra || m.hdr.z) std::abort();
}

void run(fixture& f, std::span<const std::uint8_t> query, const nameserver::request_info& client) {
  const auto result = f.responder.respond(query, client, *f.zones, f.work, f.out);
  using action = nameserver::outcome::action;
  if (result.what == action::drop) {
    // Only packets that are no query at all are dropped.
    if (query.size() >= 12 && (query[2] & 0x80) == 0) std::abort();
    return;
  }
  if (result.what == action::transfer) {
    if (client.via != nameserver::transport::tcp || result.size != 0) std::abort();
    nameserver::axfr_stream stream(query, *f.zones, f.responder.options());
    for (int i = 0; i < 10000; ++i) {
      const std::size_t n = stream.next(f.out);
      if (n == 0) return;
      check_response(query, std::span<const std::uint8_t>(f.out).first(n), 65535);
    }
    std::abort();  // a transfer of this small zone never needs that many messages
  }
  const std::size_t limit = client.via == nameserver::transport::udp ? 1232 : 65535;
  check_response(query, std::span<const std::uint8_t>(f.out).first(result.size), limit);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static fixture f;
  const std::span<const std::uint8_t> query(data, size);
  run(f, query, nameserver::request_info::v4(nameserver::transport::udp, {192, 0, 2, 1}, 53));
  run(f, query, nameserver::request_info::v4(nameserver::transport::tcp, {127, 0, 0, 1}, 53));
  return 0;
}
