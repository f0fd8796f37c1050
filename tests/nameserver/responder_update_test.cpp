// The responder's part in dynamic update (RFC 2136 §3): the zone section, the zone, secondary
// zones and the access list decide before the update_handler is asked; what it answers is the
// answer, with the zone section echoed and nothing else (§3.8).
#include "responder_test_util.hpp"

#include "dnskit/dns/rdata.hpp"

using namespace dnskit::nameserver;
using namespace dnskit::nameserver::test;
namespace dns = dnskit::dns;

namespace {

// Records what it was asked and answers `answer`.
class recording_handler final : public update_handler {
 public:
  dns::rcode answer = dns::rcode::noerror;
  int calls = 0;
  dns::name origin;
  std::vector<dns::record> prerequisites, updates;

  dns::rcode apply(const dns::name& zone, std::span<const dns::record> pre,
                   std::span<const dns::record> up) override {
    ++calls;
    origin = zone;
    prerequisites.assign(pre.begin(), pre.end());
    updates.assign(up.begin(), up.end());
    return answer;
  }
};

std::vector<std::uint8_t> update_bytes(const std::string& zone) {
  dns::message m;
  m.hdr.id = 0x1234;
  m.hdr.op = dns::opcode::update;
  m.questions.push_back({dns::name::from_text(zone), dns::rr_type::soa, dns::rr_class::in});
  dns::record pre;  // name is in use (RFC 2136 §2.4.4)
  pre.owner = dns::name::from_text("www." + zone);
  pre.type = dns::rr_type::any;
  pre.klass = dns::rr_class::any;
  m.answer.push_back(pre);
  dns::record add;
  add.owner = dns::name::from_text("new." + zone);
  add.type = dns::rr_type::a;
  add.ttl = 60;
  add.rdata = {192, 0, 2, 9};
  m.authority.push_back(add);
  return dns::encode(m);
}

struct update_setup {
  std::shared_ptr<recording_handler> handler = std::make_shared<recording_handler>();
  responder r;
  explicit update_setup(std::vector<std::string> allow, bool secondary = false)
      : r(make(handler, std::move(allow), secondary)) {}
  static responder make(const std::shared_ptr<recording_handler>& h, std::vector<std::string> allow,
                        bool secondary) {
    responder_options options;
    std::string error;
    REQUIRE(acl::parse(allow, options.allow_update, error));
    options.updates = h;
    if (secondary) {
      secondary_source s;
      s.origin = dns::name::from_text("example.test.");
      REQUIRE(s.primary.add("192.0.2.53", error));
      options.secondaries.push_back(std::move(s));
    }
    return responder(std::move(options));
  }
};

}  // namespace

TEST_CASE("UPDATE: an admitted client's update goes to the handler, its rcode is the answer",
          "[unit]") {
  update_setup s({"127.0.0.1"});
  const auto set = example_set();
  const auto a = ask(s.r, *set, update_bytes("example.test."));
  CHECK(a.msg.rcode() == dns::rcode::noerror);
  CHECK(a.msg.hdr.op == dns::opcode::update);
  CHECK(a.msg.hdr.id == 0x1234);
  REQUIRE(a.msg.questions.size() == 1);  // the zone section echoed (§3.8)
  CHECK(a.msg.answer.empty());
  CHECK(a.msg.authority.empty());
  REQUIRE(s.handler->calls == 1);
  CHECK(s.handler->origin == dns::name::from_text("example.test."));
  REQUIRE(s.handler->prerequisites.size() == 1);
  CHECK(s.handler->prerequisites[0].klass == dns::rr_class::any);
  REQUIRE(s.handler->updates.size() == 1);
  CHECK(s.handler->updates[0].rdata == dns::rdata_bytes{192, 0, 2, 9});

  s.handler->answer = dns::rcode::yxrrset;
  CHECK(ask(s.r, *set, update_bytes("example.test.")).msg.rcode() == dns::rcode::yxrrset);
}

TEST_CASE("UPDATE: REFUSED outside allow-update, NOTAUTH below the apex, handler not asked",
          "[unit]") {
  update_setup s({"127.0.0.1"});
  const auto set = example_set();
  CHECK(ask(s.r, *set, update_bytes("example.test."), udp_from_outside()).msg.rcode() ==
        dns::rcode::refused);
  CHECK(ask(s.r, *set, update_bytes("www.example.test.")).msg.rcode() == dns::rcode::notauth);
  CHECK(ask(s.r, *set, update_bytes("other.test.")).msg.rcode() == dns::rcode::notauth);
  CHECK(s.handler->calls == 0);
}

TEST_CASE("UPDATE: a secondary zone is REFUSED, not forwarded, even to an admitted client",
          "[unit]") {
  update_setup s({"127.0.0.1"}, true);
  const auto set = example_set();
  CHECK(ask(s.r, *set, update_bytes("example.test.")).msg.rcode() == dns::rcode::refused);
  // Also when no copy is served (not transferred yet): REFUSED, not NOTAUTH.
  const auto empty = std::make_shared<const dnskit::zones::zone_set>();
  CHECK(ask(s.r, *empty, update_bytes("example.test.")).msg.rcode() == dns::rcode::refused);
  CHECK(s.handler->calls == 0);
}
