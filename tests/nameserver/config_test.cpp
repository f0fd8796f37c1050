// Unit tests of the configuration: endpoints, zone arguments, the TOML file, validation.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "dnskit/nameserver/config.hpp"
#include "dnskit/zones/loader.hpp"

using namespace dnskit::nameserver;

TEST_CASE("config: endpoints", "[unit]") {
  endpoint_spec ep;
  std::string error;
  REQUIRE(parse_endpoint("127.0.0.1:53", ep, error));
  CHECK(ep.address == "127.0.0.1");
  CHECK(ep.port == 53);
  CHECK_FALSE(ep.ipv6);
  REQUIRE(parse_endpoint("[::1]:0", ep, error));
  CHECK(ep.address == "::1");
  CHECK(ep.port == 0);
  CHECK(ep.ipv6);
  CHECK(ep.to_string() == "[::1]:0");
  REQUIRE(parse_endpoint("[2001:db8::1]:5300", ep, error));
  CHECK(ep.to_string() == "[2001:db8::1]:5300");

  for (const char* bad : {"", "127.0.0.1", "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:-1",
                          "localhost:53", "::1:53", "[::1]", "[::1]53", "[127.0.0.1]:53",
                          "1.2.3:53", "127.0.0.1:5x"}) {
    INFO(bad);
    CHECK_FALSE(parse_endpoint(bad, ep, error));
    CHECK_FALSE(error.empty());
  }
  CHECK(parse_endpoint("::1:53", ep, error) == false);
  CHECK(error.find("brackets") != std::string::npos);
}

TEST_CASE("config: zone arguments and origins from file names", "[unit]") {
  const auto origin_of = [](const char* file) {
    const auto origin = dnskit::zones::origin_from_file_name(file);
    return origin ? origin->to_text() : std::string();
  };
  CHECK(origin_of("zones/example.test.zone") == "example.test.");
  CHECK(origin_of("2.0.192.in-addr.arpa.zone") == "2.0.192.in-addr.arpa.");
  CHECK(origin_of("example.test") == "example.test.");
  CHECK(origin_of(".zone").empty());

  zone_config z;
  std::string error;
  REQUIRE(parse_zone_argument("example.test=/tmp/x.db", z, error));
  CHECK(z.origin == "example.test.");
  CHECK(z.file == "/tmp/x.db");
  REQUIRE(parse_zone_argument("/srv/zones/example.org.zone", z, error));
  CHECK(z.origin == "example.org.");
  CHECK_FALSE(parse_zone_argument("example.test=", z, error));
  CHECK_FALSE(parse_zone_argument("/srv/.zone", z, error));
  CHECK(error.find("ORIGIN=FILE") != std::string::npos);
  // The name server reads --zone as every other tool does: ".db" is a zone-file suffix too.
  REQUIRE(parse_zone_argument("/srv/zones/example.test.db", z, error));
  CHECK(z.origin == "example.test.");
  CHECK(z.file == "/srv/zones/example.test.db");
}

TEST_CASE("config: TOML file", "[unit]") {
  const auto dir = std::filesystem::temp_directory_path() / ("dnskit-config-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto write = [&](const char* name, const char* text) {
    std::ofstream(dir / name) << text;
    return dir / name;
  };
  server_config c;
  std::string error;
  const auto good = write("good.toml",
                          "[server]\nlisten = [\"127.0.0.1:5300\", \"[::1]:5300\"]\nthreads = 3\n"
                          "allow-transfer = \"192.0.2.0/24\"\nnotify = [\"127.0.0.1:5301\"]\n"
                          "query-log = true\nedns-udp-size = 1400\ntcp-idle-timeout-ms = 5000\n"
                          "tcp-max-connections = 50\ntcp-max-buffer = 65536\n"
                          "axfr-max-concurrent = 3\n\n"
                          "[[zone]]\nfile = \"example.test.zone\"\n\n"
                          "[[zone]]\norigin = \"other.test\"\nfile = \"/abs/other.zone\"\n"
                          "notify = []\n");
  REQUIRE(load_config_file(good, c, error));
  CHECK(c.listen == std::vector<std::string>{"127.0.0.1:5300", "[::1]:5300"});
  CHECK(c.threads == 3);
  CHECK(c.allow_transfer == std::vector<std::string>{"192.0.2.0/24"});
  CHECK(c.query_log);
  CHECK(c.edns_udp_size == 1400);
  CHECK(c.tcp_idle_timeout == std::chrono::milliseconds(5000));
  CHECK(c.tcp_max_connections == 50);
  CHECK(c.tcp_max_buffer == 65536);
  CHECK(c.axfr_max_concurrent == 3);
  REQUIRE(c.zones.size() == 2);
  CHECK(c.zones[0].origin == "example.test.");
  CHECK(c.zones[0].file == dir / "example.test.zone");  // relative to the config file
  CHECK(c.zones[1].origin == "other.test.");
  CHECK(c.zones[1].file == "/abs/other.zone");
  REQUIRE(c.zones[1].notify.has_value());
  CHECK(c.zones[1].notify->empty());
  CHECK_FALSE(c.zones[0].notify.has_value());
  CHECK(validate(c, error));

  server_config d;
  CHECK_FALSE(load_config_file(write("type.toml", "[server]\nthreads = \"two\"\n"), d, error));
  CHECK(error.find("type.toml:2:") != std::string::npos);
  CHECK_FALSE(load_config_file(write("section.toml", "[servers]\n"), d, error));
  CHECK(error.find("unknown section") != std::string::npos);
  CHECK_FALSE(load_config_file(write("syntax.toml", "[server\n"), d, error));
  CHECK(error.find("syntax.toml:1:") != std::string::npos);
  CHECK_FALSE(load_config_file(write("nofile.toml", "[[zone]]\norigin = \"a.\"\n"), d, error));
  CHECK_FALSE(load_config_file(dir / "missing.toml", d, error));
  CHECK_FALSE(load_config_file(write("buffer.toml", "[server]\ntcp-max-buffer = 10\n"), d, error));
  CHECK(error.find("tcp-max-buffer") != std::string::npos);
  CHECK_FALSE(load_config_file(write("axfr.toml", "[server]\naxfr-max-concurrent = 0\n"), d, error));

  server_config cookies;
  REQUIRE(load_config_file(write("cookie.toml",
                                 "[server]\ncookie-secret = \"e5e973e5a6b2a43f48e7dc849e37bfcf\"\n"
                                 "cookie-secret-previous = \"445536BCD2513298075A5D379663C962\"\n"),
                           cookies, error));
  CHECK(cookies.cookie_secret == "e5e973e5a6b2a43f48e7dc849e37bfcf");
  CHECK(cookies.cookie_secret_previous == "445536BCD2513298075A5D379663C962");
  CHECK_FALSE(load_config_file(write("badcookie.toml", "[server]\n\ncookie-secret = \"abc\"\n"), d,
                               error));
  CHECK(error.find("badcookie.toml:3:") != std::string::npos);
  CHECK(error.find("cookie-secret") != std::string::npos);

  server_config twice;
  zone_config a, b;
  a.origin = "a.test.";
  a.file = "a.zone";
  b.origin = "A.TEST.";
  b.file = "b.zone";
  twice.zones = {a, b};
  CHECK_FALSE(validate(twice, error));
  CHECK(error.find("twice") != std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST_CASE("config: zonefile-sync in [server] and per [[zone]]", "[unit]") {
  const auto dir =
      std::filesystem::temp_directory_path() / ("dnskit-config-sync-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto write = [&](const char* name, const char* text) {
    std::ofstream(dir / name) << text;
    return dir / name;
  };
  std::string error;
  server_config defaults;
  CHECK(defaults.zonefile_sync == 60);
  server_config c;
  REQUIRE(load_config_file(write("sync.toml", "[server]\nzonefile-sync = 5\n\n"
                                              "[[zone]]\nfile = \"a.test.zone\"\nzonefile-sync = -1\n\n"
                                              "[[zone]]\nfile = \"b.test.zone\"\n"),
                           c, error));
  CHECK(c.zonefile_sync == 5);
  REQUIRE(c.zones.size() == 2);
  CHECK(c.zones[0].zonefile_sync == -1);
  CHECK_FALSE(c.zones[1].zonefile_sync.has_value());
  server_config d;
  CHECK_FALSE(load_config_file(write("bad-sync.toml", "[server]\nzonefile-sync = -2\n"), d, error));
  CHECK(error.find("bad-sync.toml:2:") != std::string::npos);
  CHECK(error.find("zonefile-sync") != std::string::npos);
  std::filesystem::remove_all(dir);
}
