// POST /reload on the --http endpoint: the same reload as SIGHUP (configuration re-read, zones
// added and removed), answered when it has finished with its result as JSON; a broken
// configuration is refused (500, file:line:column); other methods get 405; only the addresses
// of allow-reload (loopback by default) may ask.
#include <nlohmann/json.hpp>

#include <atomic>
#include <ctime>
#include <sstream>

#include "abuse_support.hpp"
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

// POST PATH on a connection of its own, without Catch's macros (they are for the test's own
// thread): whether the answer is 200.
bool post_ok(std::uint16_t port, const std::string& path) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const std::string request = "POST " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  std::string reply;
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&a), sizeof a) == 0 &&
      ::send(fd, request.data(), request.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(request.size())) {
    const auto deadline = std::chrono::steady_clock::now() + 30s;
    while (std::chrono::steady_clock::now() < deadline) {
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, 1000) <= 0) continue;
      char buffer[4096];
      const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
      if (n <= 0) break;
      reply.append(buffer, static_cast<std::size_t>(n));
    }
  }
  ::close(fd);
  return reply.starts_with("HTTP/1.1 200 ");
}

// The serial in the SOA the server answers for `zone` now.
std::uint32_t serial_of(const test::server_process& server, std::string_view zone) {
  auto answer = test::udp_query(address_of(server), make_query(zone, rr_type::soa));
  REQUIRE(answer.has_value());
  REQUIRE(answer->answer.size() == 1);
  std::istringstream words(answer->answer[0].to_text());  // OWNER TTL CLASS SOA MNAME RNAME SERIAL
  std::string word;
  for (int i = 0; i < 6; ++i) words >> word;
  std::uint32_t serial = 0;
  words >> serial;
  return serial;
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
  CHECK(get(port, "/reload?zone=", "POST").status == 400);
  CHECK(get(port, "/reload?origin=one.test.", "POST").status == 400);
  CHECK(get(port, "/reload?zone=one.test.&zone=two.test.", "POST").status == 400);
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

TEST_CASE("http: POST /reload?zone=NAME re-reads that zone alone", "[integration]") {
  temp_dir dir;
  write_file(dir / "one.test.zone", small_zone_text("one.test.", 1));
  write_file(dir / "two.test.zone", small_zone_text("two.test.", 5));
  const auto config = write_config(dir, "", zone_table("one.test.") + zone_table("two.test."));
  auto server = start_server({"--config", config.string()});
  const auto port = http_port(*server);

  // Both files change; only the zone named is read again.
  write_file(dir / "one.test.zone", small_zone_text("one.test.", 2));
  write_file(dir / "two.test.zone", small_zone_text("two.test.", 6));
  auto reply = get(port, "/reload?zone=one.test.", "POST");
  INFO(reply.body);
  REQUIRE(reply.status == 200);
  auto j = nlohmann::json::parse(reply.body);
  CHECK(j["result"] == "ok");
  CHECK(j["configuration"] == "not re-read");
  REQUIRE(j["zones"].size() == 1);
  CHECK(j["zones"][0]["origin"] == "one.test.");
  CHECK(j["zones"][0]["result"] == "loaded");
  CHECK(j["zones"][0]["serial"] == 2);
  CHECK(serial_of(*server, "one.test.") == 2);
  CHECK(serial_of(*server, "two.test.") == 5);
  CHECK(wait_log(*server, "zone one.test.: reloaded, serial 1 -> 2"));
  CHECK_FALSE(contains(server->stderr_text(), "zone two.test.: reloaded"));

  // Without the final dot, and percent-encoded, the name is the same zone.
  reply = get(port, "/reload?zone=two%2Etest", "POST");
  INFO(reply.body);
  REQUIRE(reply.status == 200);
  j = nlohmann::json::parse(reply.body);
  CHECK(j["zones"][0]["origin"] == "two.test.");
  CHECK(j["zones"][0]["serial"] == 6);
  CHECK(serial_of(*server, "two.test.") == 6);
  CHECK(serial_of(*server, "one.test.") == 2);

  // A zone the server does not have: 404 and why.
  reply = get(port, "/reload?zone=three.test.", "POST");
  CHECK(reply.status == 404);
  j = nlohmann::json::parse(reply.body);
  CHECK(j["result"] == "failed");
  CHECK(j["error"] == "zone three.test.: not a zone of this server");
  CHECK(get(port, "/reload?zone=bad..name", "POST").status == 400);

  // A broken file: 500 with the error and its place; the old version goes on being served.
  write_file(dir / "one.test.zone", small_zone_text("one.test.", 3, "www IN A 192.0.2.300\n"));
  reply = get(port, "/reload?zone=one.test.", "POST");
  INFO(reply.body);
  CHECK(reply.status == 500);
  j = nlohmann::json::parse(reply.body);
  CHECK(j["result"] == "failed");
  REQUIRE(j["zones"].size() == 1);
  CHECK(j["zones"][0]["result"] == "failed");
  CHECK(j["zones"][0]["serial"] == 2);
  CHECK(contains(j["zones"][0]["error"].get<std::string>(),
                 (dir / "one.test.zone").string() + ":7:"));
  CHECK(serial_of(*server, "one.test.") == 2);
  CHECK(serial_of(*server, "two.test.") == 6);
  // /status tells the same.
  const auto status = nlohmann::json::parse(get(port, "/status").body);
  INFO(status.dump(2));
  REQUIRE(status["zones"].size() == 2);
  CHECK(status["zones"][0]["origin"] == "one.test.");
  CHECK(status["zones"][0]["serial"] == 2);
  CHECK(status["zones"][0]["last_load"]["result"] == "failed");
  CHECK(contains(status["zones"][0]["last_load"]["error"].get<std::string>(), "one.test.zone:7:"));
  CHECK(status["zones"][1]["last_load"]["result"] == "ok");
  CHECK(status["zones"][1]["last_load"]["error"].is_null());

  // Fixed: served again; a whole reload afterwards still sees both zones.
  write_file(dir / "one.test.zone", small_zone_text("one.test.", 4));
  CHECK(get(port, "/reload?zone=one.test.", "POST").status == 200);
  CHECK(serial_of(*server, "one.test.") == 4);
  reply = get(port, "/reload", "POST");
  REQUIRE(reply.status == 200);
  j = nlohmann::json::parse(reply.body);
  REQUIRE(j["zones"].size() == 2);
  CHECK(j["zones"][0]["result"] == "unchanged");
  CHECK(j["zones"][1]["result"] == "unchanged");

  // Many at once, with SIGHUPs between: each is answered, all end up served.
  write_file(dir / "one.test.zone", small_zone_text("one.test.", 7));
  write_file(dir / "two.test.zone", small_zone_text("two.test.", 8));
  std::vector<std::thread> clients;
  std::atomic<int> ok{0};
  for (int i = 0; i < 6; ++i) {
    clients.emplace_back([&, i] {
      if (post_ok(port, i % 2 == 0 ? "/reload?zone=one.test." : "/reload?zone=two.test.")) ++ok;
    });
    if (i == 2) server->process().signal(SIGHUP);
  }
  for (auto& c : clients) c.join();
  CHECK(ok.load() == 6);
  CHECK(serial_of(*server, "one.test.") == 7);
  CHECK(serial_of(*server, "two.test.") == 8);
  CHECK(server->stop() == 0);
}

TEST_CASE("http: POST /reload?zone= of a secondary zone asks its primary at once, and /status "
          "tells each zone's state", "[integration]") {
  temp_dir dir;
  write_file(dir / "sec.test.zone", small_zone_text("sec.test.", 10));
  auto primary = start_server({"--zone", (dir / "sec.test.zone").string()});
  write_file(dir / "one.test.zone", small_zone_text("one.test.", 1));
  const auto copy = dir / "copy" / "sec.test.zone";
  std::filesystem::create_directories(copy.parent_path());
  const auto before = std::chrono::system_clock::now() - 1s;
  auto server = start_server({"--zone", (dir / "one.test.zone").string(), "--http", "127.0.0.1:0",
                              "--secondary", fmt::format("sec.test.={},primary=127.0.0.1:{}",
                                                         copy.string(), primary->port())});
  const auto port = http_port(*server);
  REQUIRE(wait_log(*server, "zone sec.test.: transferred serial 10", 0, 20s));

  // Timestamps are ISO 8601 UTC with milliseconds, after the start.
  const auto is_time_after_start = [&](const nlohmann::json& value) {
    if (!value.is_string()) return false;
    const std::string text = value.get<std::string>();
    std::tm tm{};
    if (text.size() != 24 || text.back() != 'Z' ||
        ::strptime(text.c_str(), "%Y-%m-%dT%H:%M:%S", &tm) == nullptr) {
      return false;
    }
    return std::chrono::system_clock::from_time_t(::timegm(&tm)) >= before - 1s;
  };
  nlohmann::json status;
  // The refresh's result reaches /status right after the transfer is logged.
  REQUIRE(eventually([&] {
    status = nlohmann::json::parse(get(port, "/status").body);
    return status["zones"].size() == 2 && status["zones"][1]["last_refresh_result"] == "transferred";
  }, 10s));
  INFO(status.dump(2));
  const auto& one = status["zones"][0];
  CHECK(one["origin"] == "one.test.");
  CHECK(one["type"] == "primary");
  CHECK(one["file"] == (dir / "one.test.zone").string());
  CHECK(one["serial"] == 1);
  CHECK(one["records"] == 4);
  CHECK(is_time_after_start(one["loaded_at"]));
  CHECK(one["last_load"]["result"] == "ok");
  CHECK(one["loads"]["ok"] == 1);
  const auto& sec = status["zones"][1];
  CHECK(sec["origin"] == "sec.test.");
  CHECK(sec["type"] == "secondary");
  CHECK(sec["file"] == copy.string());
  CHECK(sec["primary"] == fmt::format("127.0.0.1:{}", primary->port()));
  CHECK(sec["serial"] == 10);
  CHECK(sec["state"] == "serving");
  CHECK(is_time_after_start(sec["last_refresh"]));
  // EXPIRE is 1209600 s (two weeks) in small_zone_text's SOA.
  CHECK(is_time_after_start(sec["expires_at"]));
  CHECK(sec["expires_at"].get<std::string>() > sec["last_refresh"].get<std::string>());

  // The primary's new version, without NOTIFY (it does not know this secondary): the zone
  // reload asks at once instead of after REFRESH (7200 s).
  write_file(dir / "sec.test.zone", small_zone_text("sec.test.", 11));
  REQUIRE(primary->process().signal(SIGHUP));
  REQUIRE(wait_log(*primary, "zone sec.test.: reloaded, serial 10 -> 11"));
  auto reply = get(port, "/reload?zone=sec.test.", "POST");
  INFO(reply.body);
  CHECK(reply.status == 202);
  auto j = nlohmann::json::parse(reply.body);
  CHECK(j["zones"][0]["result"] == "refresh started");
  CHECK(wait_log(*server, "zone sec.test.: transferred serial 11", 0, 20s));
  // Logged just before it is published: polled.
  CHECK(eventually([&] { return serial_of(*server, "sec.test.") == 11; }, 10s));

  // The primary gone: the refresh fails, /status says so, the copy is still served.
  CHECK(primary->stop() == 0);
  CHECK(get(port, "/reload?zone=sec.test.", "POST").status == 202);
  CHECK(eventually([&] {
    status = nlohmann::json::parse(get(port, "/status").body);
    return status["zones"][1]["last_refresh_result"].get<std::string>().starts_with("failed: ");
  }, 30s));
  CHECK(status["zones"][1]["state"] == "serving");
  CHECK(status["zones"][1]["serial"] == 11);
  CHECK(server->stop() == 0);
}
