// POST /reload on the --http endpoint: the same reload as SIGHUP (configuration re-read, zones
// added and removed), answered when it has finished with its result as JSON; a broken
// configuration is refused (500, file:line:column); other methods get 405; only the addresses
// of allow-reload (loopback by default) may ask.
#include <nlohmann/json.hpp>

#include "http_test_support.hpp"

using namespace nstest;
using dns::rcode;
using dns::rr_type;

namespace {

std::string zone_table(std::string_view origin) {
  return fmt::format("\n[[zone]]\norigin = \"{}\"\nfile = \"{}zone\"\n", origin, origin);
}

std::filesystem::path write_config(const temp_dir& dir, std::string_view server, std::string_view zones) {
  write_file(dir / "ns.toml", fmt::format("[server]\nlisten = [\"127.0.0.1:0\"]\nthreads = 1\n{}\n"
                                          "[http]\nlisten = \"127.0.0.1:0\"\n{}", server, zones));
  return dir / "ns.toml";
}

rcode rcode_of(const test::server_process& server, std::string_view name) {
  auto answer = test::udp_query(address_of(server), make_query(name, rr_type::soa));
  REQUIRE(answer.has_value());
  return answer->rcode();
}

}  // namespace

TEST_CASE("http: POST /reload re-reads the configuration and answers with the result",
          "[integration]") {
  temp_dir dir;
  write_file(dir / "one.test.zone", small_zone_text("one.test.", 1));
  write_file(dir / "two.test.zone", small_zone_text("two.test.", 5));
  const auto config = write_config(dir, "", zone_table("one.test."));
  auto server = start_server({"--config", config.string()});
  const auto port = http_port(*server);

  const auto wrong_method = get(port, "/reload");
  CHECK(wrong_method.status == 405);
  CHECK(contains(wrong_method.headers, "Allow: POST"));
  CHECK(get(port, "/reload?zone=one.test.", "POST").status == 400);
  CHECK(rcode_of(*server, "two.test.") == rcode::refused);

  write_config(dir, "", zone_table("two.test."));
  auto reply = get(port, "/reload", "POST");
  INFO(reply.body);
  REQUIRE(reply.status == 200);
  CHECK(contains(reply.headers, "application/json"));
  auto j = nlohmann::json::parse(reply.body);
  CHECK(j["result"] == "ok");
  CHECK(j["configuration"] == "re-read");
  REQUIRE(j["zones"].size() == 1);
  CHECK(j["zones"][0]["origin"] == "two.test.");
  CHECK(j["zones"][0]["result"] == "loaded");
  CHECK(j["zones"][0]["serial"] == 5);
  CHECK(j["removed"] == nlohmann::json::array({"one.test."}));
  // Answered after the reload: the new zones are already served.
  CHECK(rcode_of(*server, "two.test.") == rcode::noerror);
  CHECK(rcode_of(*server, "one.test.") == rcode::refused);

  // A broken configuration: 500, the error with its place, and nothing changes.
  write_config(dir, "threads = \"two\"", zone_table("one.test."));
  reply = get(port, "/reload", "POST");
  REQUIRE(reply.status == 500);
  j = nlohmann::json::parse(reply.body);
  CHECK(j["result"] == "failed");
  CHECK(j["configuration"] == "refused");
  CHECK(contains(j["error"].get<std::string>(), config.string() + ":4:"));
  CHECK(rcode_of(*server, "two.test.") == rcode::noerror);
  CHECK(rcode_of(*server, "one.test.") == rcode::refused);

  // A zone that does not load: 500 with that zone failed, the others served.
  write_file(dir / "one.test.zone", "this is not a zone\n");
  write_config(dir, "", zone_table("one.test.") + zone_table("two.test."));
  reply = get(port, "/reload", "POST");
  CHECK(reply.status == 500);
  j = nlohmann::json::parse(reply.body);
  CHECK(j["configuration"] == "re-read");
  REQUIRE(j["zones"].size() == 2);
  CHECK(j["zones"][0]["result"] == "failed");
  CHECK(j["zones"][0]["serial"].is_null());
  CHECK(j["zones"][1]["result"] == "unchanged");
  CHECK(server->stop() == 0);
}

TEST_CASE("http: POST /reload only from allow-reload addresses", "[integration]") {
  SECTION("none: nobody") {
    auto server = start_example_server({"--http", "127.0.0.1:0", "--http-allow-reload", "none"});
    const auto port = http_port(*server);
    const auto reply = get(port, "/reload", "POST");
    CHECK(reply.status == 403);
    CHECK(get(port, "/metrics").status == 200);  // read-only pages stay open
    CHECK_FALSE(contains(server->process().stderr_text(), "reloading"));
  }
  SECTION("another address than the client's") {
    auto server = start_example_server({"--http", "127.0.0.1:0", "--http-allow-reload", "127.0.0.2/32"});
    CHECK(get(http_port(*server), "/reload", "POST").status == 403);
  }
  SECTION("default loopback, without --config: the zones are reloaded") {
    auto server = start_example_server({"--http", "127.0.0.1:0"});
    const auto reply = get(http_port(*server), "/reload", "POST");
    INFO(reply.body);
    REQUIRE(reply.status == 200);
    const auto j = nlohmann::json::parse(reply.body);
    CHECK(j["configuration"] == "not re-read");
    CHECK(j["zones"][0]["result"] == "unchanged");
  }
  SECTION("key:NAME is refused at start (HTTP requests carry no TSIG)") {
    auto bad = test::run_command({binary().string(), "--listen", "127.0.0.1:0", "--zone",
                                  example_zone().string(), "--http", "127.0.0.1:0",
                                  "--http-allow-reload", "key:xfr"});
    CHECK(bad.status == 1);
    CHECK(contains(bad.err, "allow-reload: address prefixes only"));
  }
}
