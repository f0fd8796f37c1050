// The configuration of response rate limiting and of the user to run as: TOML keys, their
// ranges, and the --help text that names the flags.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "dnskit/nameserver/config.hpp"
#include "dnskit_test/command.hpp"

using namespace dnskit::nameserver;

TEST_CASE("config: rate-limit, rate-limit-slip and user in TOML", "[unit]") {
  const auto dir = std::filesystem::temp_directory_path() / ("dnskit-config-rrl-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto write = [&](const char* name, const char* text) {
    std::ofstream(dir / name) << text;
    return dir / name;
  };
  server_config defaults;
  CHECK(defaults.rate_limit == 0);  // off unless asked for
  CHECK(defaults.rate_limit_slip == 2);
  CHECK(defaults.user.empty());

  server_config c;
  std::string error;
  REQUIRE(load_config_file(write("rrl.toml", "[server]\nrate-limit = 50\nrate-limit-slip = 0\n"
                                             "user = \"nobody\"\n"), c, error));
  CHECK(c.rate_limit == 50);
  CHECK(c.rate_limit_slip == 0);
  CHECK(c.user == "nobody");
  CHECK(validate(c, error));

  for (const char* bad : {"[server]\nrate-limit = -1\n", "[server]\nrate-limit = 1000001\n",
                          "[server]\nrate-limit-slip = 11\n", "[server]\nuser = 0\n"}) {
    INFO(bad);
    server_config d;
    CHECK_FALSE(load_config_file(write("bad.toml", bad), d, error));
    CHECK(error.find("bad.toml:2:") != std::string::npos);
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("cli: --help names --rate-limit, --rate-limit-slip and --user", "[integration]") {
  auto help = dnskit::test::run_command({DNSKIT_NAMESERVER_BINARY, "--help"});
  CHECK(help.status == 0);
  for (const char* flag : {"--rate-limit ", "--rate-limit-slip", "--user"}) {
    INFO(flag);
    CHECK(help.out.find(flag) != std::string::npos);
  }
  auto bad = dnskit::test::run_command({DNSKIT_NAMESERVER_BINARY, "--rate-limit-slip", "11"});
  CHECK(bad.status == 1);
  CHECK(bad.err.find("nameserver: error: ") == 0);
}
