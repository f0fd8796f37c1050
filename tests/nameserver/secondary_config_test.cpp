// Secondary zones in the configuration: the --secondary argument (DESIGN.md §8), [[zone]] with
// `primary` and `key` in the TOML file, and what validate() refuses.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "dnskit/nameserver/config.hpp"

using namespace dnskit::nameserver;

TEST_CASE("secondary config: the --secondary argument", "[unit]") {
  zone_config z;
  std::string error;
  REQUIRE(parse_secondary_argument("example.test=/var/lib/x.zone,primary=192.0.2.1:53", z, error));
  CHECK(z.origin == "example.test.");
  CHECK(z.file == "/var/lib/x.zone");
  CHECK(z.primary == "192.0.2.1:53");
  CHECK(z.primary_key.empty());
  CHECK(z.is_secondary());
  REQUIRE(parse_secondary_argument("example.test.=a,b.zone,primary=[2001:db8::1]:5300,key:xfr", z,
                                   error));
  CHECK(z.file == "a,b.zone");
  CHECK(z.primary == "[2001:db8::1]:5300");
  CHECK(z.primary_key == "xfr");

  for (const char* bad : {"example.test", "example.test=x.zone", "=x.zone,primary=192.0.2.1:53",
                          "example.test=,primary=192.0.2.1:53",
                          "example.test=x.zone,primary=primary.example:53",
                          "example.test=x.zone,primary=192.0.2.1",
                          "example.test=x.zone,primary=192.0.2.1:53,key:",
                          "example.test=x.zone,primary=192.0.2.1:53,tsig:xfr",
                          "exa..mple=x.zone,primary=192.0.2.1:53"}) {
    INFO(bad);
    error.clear();
    CHECK_FALSE(parse_secondary_argument(bad, z, error));
    CHECK(error.find("--secondary") != std::string::npos);
  }
}

TEST_CASE("secondary config: a TOML zone with primary and key and its validation", "[unit]") {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("dnskit-secondary-config-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto file = dir / "ns.toml";
  const auto load = [&](const char* text, server_config& out, std::string& error) {
    std::ofstream(file) << text;
    out = {};
    return load_config_file(file, out, error);
  };
  server_config c;
  std::string error;
  REQUIRE(load("[[key]]\nname = \"xfr\"\nsecret = \"c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0\"\n"
               "[[zone]]\norigin = \"sec.test\"\nfile = \"sec.test.zone\"\n"
               "primary = \"192.0.2.1:53\"\nkey = \"xfr\"\n"
               "[[zone]]\norigin = \"pri.test\"\nfile = \"pri.test.zone\"\n",
               c, error));
  REQUIRE(c.zones.size() == 2);
  CHECK(c.zones[0].is_secondary());
  CHECK(c.zones[0].primary == "192.0.2.1:53");
  CHECK(c.zones[0].primary_key == "xfr");
  CHECK(c.zones[0].file == dir / "sec.test.zone");  // relative to the config file
  CHECK_FALSE(c.zones[1].is_secondary());
  CHECK(validate(c, error));

  // The key must be configured.
  c.tsig_keys.clear();
  CHECK_FALSE(validate(c, error));
  CHECK(error.find("key:xfr") != std::string::npos);

  // A bad primary, and a key without a primary, are errors with the place in the file.
  CHECK_FALSE(load("[[zone]]\norigin = \"sec.test\"\nfile = \"x\"\nprimary = \"host:53\"\n", c, error));
  CHECK(error.find("ns.toml:4:") != std::string::npos);
  CHECK_FALSE(load("[[zone]]\norigin = \"sec.test\"\nfile = \"x\"\nkey = \"xfr\"\n", c, error));
  CHECK(error.find("'primary'") != std::string::npos);

  // A secondary and a primary zone of the same name: given twice.
  server_config twice;
  zone_config a, b;
  REQUIRE(parse_zone_argument("sec.test=/tmp/a.zone", a, error));
  REQUIRE(parse_secondary_argument("sec.test=/tmp/b.zone,primary=127.0.0.1:53", b, error));
  twice.zones = {a, b};
  CHECK_FALSE(validate(twice, error));
  CHECK(error.find("given twice") != std::string::npos);
  std::filesystem::remove_all(dir);
}
