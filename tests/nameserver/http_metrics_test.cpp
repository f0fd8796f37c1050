// --http ADDR:PORT: GET /metrics in the Prometheus text format (read back after real queries, a
// reload and TCP connections; checked with promtool when it is installed), GET /status as
// JSON, and bad HTTP -- malformed requests, unknown paths and methods, a pile of idle
// connections -- answered or closed without disturbing DNS.
#include <nlohmann/json.hpp>

#include <fmt/core.h>

#include <set>
#include <regex>

#include "http_test_support.hpp"

using namespace nstest;
using dns::rr_type;


TEST_CASE("http: /metrics counts queries, connections and reloads; /status tells the zones",
          "[integration]") {
  auto server = start_example_server({"--http", "127.0.0.1:0", "--threads", "2"});
  const auto port = http_port(*server);
  const auto at = address_of(*server);
  for (int i = 0; i < 3; ++i) {
    CHECK(test::udp_query(at, make_query("www.example.test.", rr_type::a)).has_value());
  }
  CHECK(test::udp_query(at, make_query("nope.example.test.", rr_type::a)).has_value());
  CHECK(test::tcp_query(at, make_query("www.example.test.", rr_type::a)).has_value());
  CHECK(test::tcp_query(at, make_query("outside.invalid.", rr_type::a)).has_value());
  const auto lines = server->process().stderr_line_count();
  REQUIRE(server->process().signal(SIGHUP));
  REQUIRE(wait_log(*server, "serial 2024010101 unchanged", lines));

  const auto metrics = get(port, "/metrics");
  REQUIRE(metrics.status == 200);
  CHECK(contains(metrics.headers, "text/plain; version=0.0.4"));
  INFO(metrics.body);
  auto s = samples_of(metrics.body);
  CHECK(s[R"(dnskit_queries_total{transport="udp",rcode="NOERROR"})"] == 3);
  CHECK(s[R"(dnskit_queries_total{transport="udp",rcode="NXDOMAIN"})"] == 1);
  CHECK(s[R"(dnskit_queries_total{transport="tcp",rcode="NOERROR"})"] == 1);
  CHECK(s[R"(dnskit_queries_total{transport="tcp",rcode="REFUSED"})"] == 1);
  CHECK(s["dnskit_tcp_connections_accepted_total"] == 2);
  CHECK(s[R"(dnskit_reloads_total{result="ok"})"] == 1);
  CHECK(s[R"(dnskit_reloads_total{result="failed"})"] == 0);
  CHECK(s[R"(dnskit_zone_serial{zone="example.test."})"] == 2024010101);
  CHECK(s[R"(dnskit_zone_records{zone="example.test."})"] > 10);
  CHECK(s["process_resident_memory_bytes"] > 1e6);
  CHECK(s["process_open_fds"] > 3);
  const double now = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  CHECK(s["process_start_time_seconds"] > now - 120);
  CHECK(s["process_start_time_seconds"] <= now);

  // The exposition format: every family has HELP and TYPE before its samples, every sample is
  // NAME{LABELS} VALUE, counters end in _total.
  std::set<std::string> typed;
  std::istringstream in(metrics.body);
  const std::regex sample(R"(([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[a-z_]+="[^"]*"(,[a-z_]+="[^"]*")*\})? [0-9.e+-]+)");
  for (std::string line; std::getline(in, line);) {
    INFO(line);
    std::smatch m;
    if (line.starts_with("# TYPE ")) {
      std::istringstream words(line.substr(7));
      std::string name, type;
      words >> name >> type;
      typed.insert(name);
      if (type == "counter") CHECK(name.ends_with("_total"));
      continue;
    }
    if (line.starts_with("# HELP ")) continue;
    REQUIRE(std::regex_match(line, m, sample));
    CHECK(typed.count(m[1].str()) == 1);
  }
  if (have_program("promtool")) {
    temp_dir dir;
    write_file(dir / "metrics.txt", metrics.body);
    auto check = test::run_command({"sh", "-c", "promtool check metrics < \"$0\"", (dir / "metrics.txt").string()});
    INFO(check.out << check.err);
    CHECK(check.status == 0);
    CHECK(check.out.empty());
  } else {
    WARN("promtool not installed: the format was checked by this test only");
  }

  const auto status = get(port, "/status");
  REQUIRE(status.status == 200);
  const auto j = nlohmann::json::parse(status.body);
  CHECK(j["version"].is_string());
  CHECK(j["uptime_seconds"].get<int>() >= 0);
  REQUIRE(j["listeners"].size() == 1);
  CHECK(j["listeners"][0] == fmt::format("127.0.0.1:{}", at.port));
  REQUIRE(j["zones"].size() == 1);
  CHECK(j["zones"][0]["origin"] == "example.test.");
  CHECK(j["zones"][0]["serial"] == 2024010101u);
  CHECK(j["queries_answered"] == 6);
  CHECK(j["reloads"]["ok"] == 1);
  CHECK(server->stop() == 0);
}

TEST_CASE("http: bad requests get 400, 404 or 405 and DNS goes on", "[integration]") {
  auto server = start_example_server({"--http", "127.0.0.1:0"});
  const auto port = http_port(*server);
  const auto at = address_of(*server);

  CHECK(http_exchange(port, "GARBAGE\r\n\r\n").starts_with("HTTP/1.1 400 "));
  CHECK(http_exchange(port, "GET /metrics HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n").starts_with("HTTP/1.1 400 "));
  CHECK(http_exchange(port, "GET /metrics HTTP/1.1\r\nHost: x\r\nX: " + std::string(20000, 'a') + "\r\n\r\n")
            .starts_with("HTTP/1.1 400 "));
  CHECK(get(port, "/nothing-here").status == 404);
  CHECK(get(port, "/metrics", "POST").status == 405);
  CHECK(test::udp_query(at, make_query("www.example.test.", rr_type::a)).has_value());

  // Far more idle connections than the server keeps: the extra ones are closed at once, DNS
  // answers all along, and once they are gone /metrics answers again.
  std::vector<int> idle;
  for (int i = 0; i < 200; ++i) idle.push_back(connect_to(port));
  for (int i = 0; i < 20; ++i) {
    CHECK(test::udp_query(at, make_query("www.example.test.", rr_type::a)).has_value());
  }
  CHECK(test::tcp_query(at, make_query("www.example.test.", rr_type::a)).has_value());
  for (int fd : idle) ::close(fd);
  bool metrics_again = false;
  for (int i = 0; i < 50 && !metrics_again; ++i) {
    metrics_again = get(port, "/metrics").status == 200;
    if (!metrics_again) std::this_thread::sleep_for(100ms);
  }
  CHECK(metrics_again);
  CHECK(server->stop() == 0);
  CHECK_FALSE(contains(server->stderr_text(), "error"));
}

TEST_CASE("http: a bad --http address is one clear error", "[integration]") {
  auto bad = test::run_command({binary().string(), "--listen", "127.0.0.1:0", "--zone",
                                example_zone().string(), "--http", "localhost:8053"});
  CHECK(bad.status == 1);
  CHECK(contains(bad.err, "error: http 'localhost:8053'"));
  CHECK_FALSE(contains(bad.err, "ready"));
}

