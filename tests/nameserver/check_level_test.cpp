// Zone-check severities from the command line and the config file (DESIGN.md §8
// `--check-level`, zones/checks.hpp): a zone delegating to a sibling name without an address
// loads and is served at the default level, as with BIND, NSD and Knot, and is refused only
// under `strict`.
#include <fstream>

#include "dnskit/nameserver/config.hpp"
#include "integration_support.hpp"

using namespace nstest;
using dnskit::nameserver::load_config_file;
using dnskit::nameserver::parse_check_level;
using dnskit::nameserver::server_config;
using dnskit::zones::check_level;

namespace {

// sub is delegated to ns.sibling.test., a name of the zone without an address record.
constexpr std::string_view sibling_zone =
    "$ORIGIN sibling.test.\n$TTL 300\n"
    "@ IN SOA ns1 hostmaster 2024020201 7200 3600 1209600 300\n"
    "@ IN NS ns1\nns1 IN A 192.0.2.1\n"
    "sub IN NS ns\nns IN TXT \"no address here\"\n";

test::command_result run(std::vector<std::string> args) {
  args.insert(args.begin(), binary().string());
  return test::run_command(args, 20s);
}

}  // namespace

TEST_CASE("check level: bind or strict, from [server] and per zone", "[unit]") {
  check_level level = check_level::strict;
  CHECK(parse_check_level("bind", level));
  CHECK(level == check_level::bind);
  CHECK(parse_check_level("strict", level));
  CHECK(level == check_level::strict);
  CHECK_FALSE(parse_check_level("Strict", level));
  CHECK_FALSE(parse_check_level("", level));

  temp_dir dir;
  write_file(dir / "levels.toml",
             "[server]\ncheck-level = \"strict\"\n\n"
             "[[zone]]\norigin = \"a.test.\"\nfile = \"a.zone\"\n\n"
             "[[zone]]\norigin = \"b.test.\"\nfile = \"b.zone\"\ncheck-level = \"bind\"\n");
  server_config c;
  std::string error;
  REQUIRE(load_config_file(dir / "levels.toml", c, error));
  CHECK(c.check_level == check_level::strict);
  REQUIRE(c.zones.size() == 2);
  CHECK(c.zones[0].check_level == check_level::strict);  // the [server] level
  CHECK(c.zones[1].check_level == check_level::bind);

  server_config d;
  CHECK(load_config_file(dir / "levels.toml", d, error));
  write_file(dir / "bad.toml", "[server]\ncheck-level = \"paranoid\"\n");
  CHECK_FALSE(load_config_file(dir / "bad.toml", d, error));
  CHECK(contains(error, "bad.toml:2:"));
  CHECK(contains(error, "'check-level' must be \"bind\" or \"strict\""));
  write_file(dir / "badzone.toml", "[[zone]]\nfile = \"a.test.zone\"\ncheck-level = 1\n");
  CHECK_FALSE(load_config_file(dir / "badzone.toml", d, error));
  CHECK(contains(error, "badzone.toml:3:"));
}

TEST_CASE("check level: --check passes a glueless sibling delegation, --check-level strict not",
          "[integration]") {
  temp_dir dir;
  const auto zone = dir / "sibling.test.zone";
  write_file(zone, sibling_zone);
  const std::string finding = ":6:1: warning: sub.sibling.test/NS 'ns.sibling.test' has no "
                              "address records (A or AAAA)";

  auto bind = run({"--check", "--zone", zone.string()});
  CHECK(bind.status == 0);
  CHECK(contains(bind.out, zone.string() + finding));
  CHECK(contains(bind.out, "zone sibling.test/IN: loaded serial 2024020201"));

  auto strict = run({"--check", "--check-level", "strict", "--zone", zone.string()});
  CHECK(strict.status == 1);
  CHECK(contains(strict.out, zone.string() + ":6:1: error: sub.sibling.test/NS"));
  CHECK(contains(strict.out, "not loaded due to errors"));

  // The config file's level per zone; the flag overrides it.
  write_file(dir / "strict.toml", "[[zone]]\nfile = \"sibling.test.zone\"\ncheck-level = \"strict\"\n");
  CHECK(run({"--check", "--config", (dir / "strict.toml").string()}).status == 1);
  CHECK(run({"--check", "--check-level", "bind", "--config", (dir / "strict.toml").string()}).status == 0);

  auto usage = run({"--check", "--check-level", "lenient", "--zone", zone.string()});
  CHECK(usage.status == 1);
  CHECK(contains(usage.err, "--check-level"));
}

TEST_CASE("check level: a zone with a glueless sibling delegation is served", "[integration]") {
  temp_dir dir;
  const auto zone = dir / "sibling.test.zone";
  write_file(zone, sibling_zone);
  auto server = start_server({"--zone", zone.string()});
  const auto at = address_of(*server);

  auto soa = test::udp_query(at, make_query("sibling.test.", dns::rr_type::soa));
  REQUIRE(soa.has_value());
  CHECK(soa->rcode() == dns::rcode::noerror);
  CHECK(soa->hdr.aa);
  REQUIRE(soa->answer.size() == 1);

  // Below the cut: a referral naming the sibling target, with no glue to give.
  auto referral = test::udp_query(at, make_query("www.sub.sibling.test.", dns::rr_type::a));
  REQUIRE(referral.has_value());
  CHECK(referral->rcode() == dns::rcode::noerror);
  CHECK_FALSE(referral->hdr.aa);
  CHECK(referral->answer.empty());
  REQUIRE(referral->authority.size() == 1);
  CHECK(referral->authority[0].to_text() == "sub.sibling.test. 300 IN NS ns.sibling.test.");
  CHECK(referral->additional.empty());

  // The sibling name itself is authoritative data of the zone.
  auto txt = test::udp_query(at, make_query("ns.sibling.test.", dns::rr_type::txt));
  REQUIRE(txt.has_value());
  CHECK(txt->hdr.aa);
  REQUIRE(txt->answer.size() == 1);
  CHECK(txt->answer[0].to_text() == "ns.sibling.test. 300 IN TXT \"no address here\"");

  // Under --check-level strict the same zone stops the start, naming the place.
  auto strict = run({"--listen", "127.0.0.1:0", "--check-level", "strict", "--zone", zone.string()});
  CHECK(strict.status == 1);
  CHECK(contains(strict.err, zone.string() + ":6:1: error: sub.sibling.test/NS"));
}
