// Every list in the configuration has one meaning wherever it is written: a list that is given,
// even empty, is the whole list; only a key left out inherits (zone <- server <- default). Each
// key is tried absent, empty and set, in [server] and in [[zone]] where it may appear.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "config_lists.hpp"
#include "dnskit/nameserver/config.hpp"

using namespace dnskit::nameserver;

namespace {

using strings = std::vector<std::string>;

class config_files {
 public:
  config_files()
      : dir_(std::filesystem::temp_directory_path() / ("dnskit-config-lists-" + std::to_string(::getpid()))) {
    std::filesystem::create_directories(dir_);
  }
  ~config_files() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  config_files(const config_files&) = delete;
  config_files& operator=(const config_files&) = delete;

  // Loads `text`; REQUIREs success.
  server_config load(const std::string& text) {
    server_config c;
    std::string error;
    INFO(text);
    REQUIRE(load_config_file(write(text), c, error));
    REQUIRE(validate(c, error));
    return c;
  }
  // Loads `text`, expecting an error; returns it.
  std::string fail(const std::string& text) {
    server_config c;
    std::string error;
    INFO(text);
    CHECK_FALSE(load_config_file(write(text), c, error));
    return error;
  }

 private:
  std::filesystem::path write(const std::string& text) {
    const auto path = dir_ / "ns.toml";
    std::ofstream(path) << text;
    return path;
  }
  std::filesystem::path dir_;
};

const std::string zone_table = "[[zone]]\norigin = \"example.test.\"\nfile = \"example.test.zone\"\n";

}  // namespace

TEST_CASE("config lists: allow-transfer absent, empty and set, in [server] and [[zone]]", "[unit]") {
  config_files files;
  const strings loopback = {"127.0.0.0/8", "::1"};

  SECTION("absent everywhere: loopback, the default") {
    const auto c = files.load(zone_table);
    CHECK_FALSE(c.allow_transfer.has_value());
    const auto list = zone_allow_transfer(c, c.zones.at(0));
    CHECK(list.entries == loopback);
    CHECK(list.source == list_source::default_value);
    CHECK(server_allow_transfer(c).entries == loopback);
    CHECK(describe_zone_lists(c, c.zones.at(0)) ==
          "allow-transfer 127.0.0.0/8, ::1 (default); notify none (default)");
  }
  SECTION("empty in [server]: nobody, for every zone without its own list") {
    const auto c = files.load("[server]\nallow-transfer = []\n" + zone_table);
    REQUIRE(c.allow_transfer.has_value());
    CHECK(c.allow_transfer->empty());
    const auto list = zone_allow_transfer(c, c.zones.at(0));
    CHECK(list.entries.empty());
    CHECK(list.source == list_source::server);
    CHECK(server_allow_transfer(c).entries.empty());
    CHECK(describe_zone_lists(c, c.zones.at(0)) ==
          "allow-transfer none (server-wide); notify none (default)");
  }
  SECTION("set in [server]: that list") {
    const auto c = files.load("[server]\nallow-transfer = [\"192.0.2.0/24\", \"2001:db8::/32\"]\n" +
                              zone_table);
    CHECK(zone_allow_transfer(c, c.zones.at(0)).entries == strings{"192.0.2.0/24", "2001:db8::/32"});
    CHECK(zone_allow_transfer(c, c.zones.at(0)).source == list_source::server);
  }
  SECTION("a single string in [server] is a list of one") {
    const auto c = files.load("[server]\nallow-transfer = \"192.0.2.1\"\n" + zone_table);
    CHECK(zone_allow_transfer(c, c.zones.at(0)).entries == strings{"192.0.2.1"});
  }
  SECTION("empty in [[zone]]: nobody, whatever [server] says") {
    const auto c = files.load("[server]\nallow-transfer = [\"127.0.0.0/8\"]\n" + zone_table +
                              "allow-transfer = []\n");
    const auto list = zone_allow_transfer(c, c.zones.at(0));
    CHECK(list.entries.empty());
    CHECK(list.source == list_source::zone);
    CHECK(describe_zone_lists(c, c.zones.at(0)) ==
          "allow-transfer none (this zone); notify none (default)");
  }
  SECTION("empty in [[zone]] with [server] absent: still nobody") {
    const auto c = files.load(zone_table + "allow-transfer = []\n");
    CHECK(zone_allow_transfer(c, c.zones.at(0)).entries.empty());
  }
  SECTION("set in [[zone]]: the zone's list replaces the server's") {
    const auto c = files.load("[server]\nallow-transfer = []\n" + zone_table +
                              "allow-transfer = [\"10.0.0.0/8\"]\n");
    CHECK(zone_allow_transfer(c, c.zones.at(0)).entries == strings{"10.0.0.0/8"});
    CHECK(zone_allow_transfer(c, c.zones.at(0)).source == list_source::zone);
    CHECK(server_allow_transfer(c).entries.empty());
  }
  SECTION("zones each keep their own meaning") {
    const auto c = files.load("[server]\nallow-transfer = [\"192.0.2.0/24\"]\n" + zone_table +
                              "[[zone]]\norigin = \"a.test.\"\nfile = \"a.zone\"\nallow-transfer = []\n"
                              "[[zone]]\norigin = \"b.test.\"\nfile = \"b.zone\"\n");
    REQUIRE(c.zones.size() == 3);
    CHECK(zone_allow_transfer(c, c.zones[0]).entries == strings{"192.0.2.0/24"});
    CHECK(zone_allow_transfer(c, c.zones[1]).entries.empty());
    CHECK(zone_allow_transfer(c, c.zones[2]).entries == strings{"192.0.2.0/24"});
  }
  SECTION("not a list of strings: an error with its place") {
    CHECK(files.fail("[server]\nallow-transfer = [1]\n").find("ns.toml:2:") != std::string::npos);
    CHECK(files.fail(zone_table + "allow-transfer = true\n").find("allow-transfer") !=
          std::string::npos);
  }
}

TEST_CASE("config lists: notify absent, empty and set, in [server] and [[zone]]", "[unit]") {
  config_files files;
  SECTION("absent everywhere: nobody") {
    const auto c = files.load(zone_table);
    const auto list = zone_notify(c, c.zones.at(0));
    CHECK(list.entries.empty());
    CHECK(list.source == list_source::default_value);
  }
  SECTION("empty in [server]: nobody") {
    const auto c = files.load("[server]\nnotify = []\n" + zone_table);
    CHECK(zone_notify(c, c.zones.at(0)).entries.empty());
  }
  SECTION("set in [server]: every zone without its own list") {
    const auto c = files.load("[server]\nnotify = [\"127.0.0.1:5301\"]\n" + zone_table);
    const auto list = zone_notify(c, c.zones.at(0));
    CHECK(list.entries == strings{"127.0.0.1:5301"});
    CHECK(list.source == list_source::server);
    CHECK(describe_zone_lists(c, c.zones.at(0)) ==
          "allow-transfer 127.0.0.0/8, ::1 (default); notify 127.0.0.1:5301 (server-wide)");
  }
  SECTION("empty in [[zone]]: nobody, whatever [server] says") {
    const auto c = files.load("[server]\nnotify = [\"127.0.0.1:5301\"]\n" + zone_table + "notify = []\n");
    const auto list = zone_notify(c, c.zones.at(0));
    CHECK(list.entries.empty());
    CHECK(list.source == list_source::zone);
  }
  SECTION("set in [[zone]]: the zone's list replaces the server's") {
    const auto c = files.load("[server]\nnotify = [\"127.0.0.1:5301\"]\n" + zone_table +
                              "notify = [\"[::1]:5302\"]\n");
    CHECK(zone_notify(c, c.zones.at(0)).entries == strings{"[::1]:5302"});
  }
  SECTION("a bad target is an error, in [server] and in [[zone]]") {
    server_config c;
    std::string error;
    c.notify = {"localhost:53"};
    CHECK_FALSE(validate(c, error));
    c.notify.clear();
    zone_config z;
    z.origin = "example.test.";
    z.file = "example.test.zone";
    z.notify = strings{"192.0.2.1"};
    c.zones.push_back(z);
    CHECK_FALSE(validate(c, error));
    CHECK(error.find("example.test.") != std::string::npos);
  }
}

TEST_CASE("config lists: listen absent, empty and set", "[unit]") {
  config_files files;
  // Absent: nothing here; the server then listens on 127.0.0.1:53 and [::1]:53.
  CHECK(files.load("[server]\nthreads = 1\n").listen.empty());
  CHECK(default_listen() == strings{"127.0.0.1:53", "[::1]:53"});
  CHECK(files.load("[server]\nlisten = [\"127.0.0.1:5300\"]\n").listen == strings{"127.0.0.1:5300"});
  CHECK(files.load("[server]\nlisten = \"[::1]:5300\"\n").listen == strings{"[::1]:5300"});
  // Empty: listening nowhere is never meant, and falling back to the defaults would open ports
  // the operator did not write down.
  const std::string error = files.fail("[server]\nlisten = []\n");
  CHECK(error.find("ns.toml:2:") != std::string::npos);
  CHECK(error.find("'listen' is empty") != std::string::npos);
}

TEST_CASE("config lists: zones absent, empty and set", "[unit]") {
  config_files files;
  CHECK(files.load("[server]\nthreads = 1\n").zones.empty());
  CHECK(files.load("zone = []\n").zones.empty());
  CHECK(files.load(zone_table).zones.size() == 1);
}

TEST_CASE("config lists: a list flag's 'none' is the empty list", "[unit]") {
  strings out = {"left over"};
  std::string error;
  REQUIRE(list_from_flag("--allow-transfer", {"none"}, out, error));
  CHECK(out.empty());
  REQUIRE(list_from_flag("--allow-transfer", {"10.0.0.0/8", "::1"}, out, error));
  CHECK(out == strings{"10.0.0.0/8", "::1"});
  CHECK_FALSE(list_from_flag("--notify", {"none", "127.0.0.1:53"}, out, error));
  CHECK(error.find("--notify") != std::string::npos);
}

TEST_CASE("config lists: axfr-max-time-ms absent, set and out of range", "[unit]") {
  config_files files;
  CHECK(files.load("[server]\nthreads = 1\n").axfr_max_time == std::chrono::hours(1));
  CHECK(files.load("[server]\naxfr-max-time-ms = 5000\n").axfr_max_time ==
        std::chrono::milliseconds(5000));
  CHECK(files.fail("[server]\naxfr-max-time-ms = 999\n").find("axfr-max-time-ms") !=
        std::string::npos);
  CHECK(files.fail("[server]\naxfr-max-time-ms = 86400001\n").find("ns.toml:2:") !=
        std::string::npos);
}
