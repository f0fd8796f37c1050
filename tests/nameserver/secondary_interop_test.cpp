// `nameserver` as a secondary of Knot DNS and of BIND (secondary_scenario.hpp): the first
// transfer, a NOTIFY-driven update, a restart from FILE, SERVFAIL after EXPIRE. Skipped when
// knotd or named is not installed.
#include "integration_support.hpp"
#include "peer_primary.hpp"
#include "secondary_scenario.hpp"

using namespace nstest;

TEST_CASE("interop: nameserver as a secondary of Knot DNS", "[interop]") {
  const auto knotd = test::find_program("knotd");
  if (!knotd || !test::find_program("knotc")) {
    WARN("knotd or knotc not installed; skipped");
    return;
  }
  temp_dir dir;
  const std::uint16_t secondary_port = free_port();
  REQUIRE(secondary_port != 0);
  knot_primary primary(*knotd, dir / "knot", "sec.test.", secondary_port);
  secondary_scenario(primary, dir.path(), secondary_port);
  // Knot logged our acknowledgement of its NOTIFY.
  CHECK(contains(primary.log(), "notify, outgoing, remote 127.0.0.1@" + std::to_string(secondary_port)));
}

TEST_CASE("interop: nameserver as a secondary of BIND", "[interop]") {
  const auto named = test::find_program("named");
  if (!named) {
    WARN("named not installed; skipped");
    return;
  }
  temp_dir dir;
  const std::uint16_t secondary_port = free_port();
  REQUIRE(secondary_port != 0);
  bind_primary primary(*named, dir / "bind", "sec.test.", secondary_port);
  secondary_scenario(primary, dir.path(), secondary_port);
}
