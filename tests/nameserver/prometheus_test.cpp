// /metrics against Prometheus's own tools: `promtool check metrics` finds nothing to say about
// what the server exposes after queries of every kind, and a real `prometheus` (its own config,
// data directory and loopback port, scraping every second) reads back through its HTTP API the
// count of the queries sent.
//
// Hidden from the default runs ([.]): CTest runs them through tests/nameserver/needs_program.sh,
// which skips (77) only when promtool or prometheus is not installed.
#include <csignal>

#include <nlohmann/json.hpp>

#include "dnskit_test/process.hpp"
#include "http_test_support.hpp"

using namespace nstest;
using dns::rr_type;

namespace {

// A loopback port free at the time of asking (Prometheus takes no port 0).
std::uint16_t free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(fd >= 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0);
  ::close(fd);
  return ntohs(a.sin_port);
}

// The JSON object in an HTTP body (whatever the transfer coding around it).
nlohmann::json json_in(const std::string& body) {
  const auto first = body.find('{');
  const auto last = body.rfind('}');
  if (first == std::string::npos || last == std::string::npos) return nullptr;
  return nlohmann::json::parse(body.substr(first, last - first + 1), nullptr, false);
}

// Queries of several types and transports, one outside every zone, a TCP connection closed.
void send_traffic(const test::server_process& server, int udp_a) {
  const auto at = address_of(server);
  for (int i = 0; i < udp_a; ++i) REQUIRE(test::udp_query(at, make_query("example.test.", rr_type::a)));
  REQUIRE(test::udp_query(at, make_query("example.test.", rr_type::caa)));
  REQUIRE(test::udp_query(at, make_query("nope.example.test.", rr_type::txt)));
  REQUIRE(test::udp_query(at, make_query("outside.invalid.", rr_type::a)));
  REQUIRE(test::tcp_query(at, make_query("www.example.test.", rr_type::aaaa)));
}

}  // namespace

TEST_CASE("prometheus: promtool check metrics finds no problem in /metrics", "[.][prometheus][promtool]") {
  auto server = start_example_server({"--http", "127.0.0.1:0"});
  const auto port = http_port(*server);
  send_traffic(*server, 5);
  const auto metrics = get(port, "/metrics");
  REQUIRE(metrics.status == 200);
  temp_dir dir;
  write_file(dir / "metrics.txt", metrics.body);
  // Every family this build exposes is in the text checked (HELP and TYPE even when zero).
  for (const char* family : {"dnskit_queries_total", "dnskit_queries_by_qtype_total",
                             "dnskit_queries_by_zone_total", "dnskit_query_duration_seconds",
                             "dnskit_rate_limited_total", "dnskit_tcp_connections_closed_total",
                             "dnskit_notify_sent_total", "dnskit_notifies_total",
                             "dnskit_zone_loads_total", "dnskit_zone_last_load_success_timestamp_seconds"}) {
    CHECK(contains(metrics.body, fmt::format("# TYPE {} ", family)));
  }
  const auto check = test::run_command(
      {"sh", "-c", "promtool check metrics < \"$0\"", (dir / "metrics.txt").string()}, 30s);
  INFO(metrics.body);
  INFO(check.out << check.err);
  CHECK(check.status == 0);
  CHECK(check.out.empty());
  CHECK(check.err.empty());
  CHECK(server->stop() == 0);
}

TEST_CASE("prometheus: a real Prometheus scrapes /metrics and its API tells the queries sent",
          "[.][prometheus][scrape]") {
  constexpr int sent = 7;
  auto server = start_example_server({"--http", "127.0.0.1:0"});
  const auto http = http_port(*server);
  send_traffic(*server, sent);

  temp_dir dir;
  const std::uint16_t web = free_port();
  write_file(dir / "prometheus.yml",
             fmt::format("global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n"
                         "  evaluation_interval: 1s\n"
                         "scrape_configs:\n  - job_name: dnskit\n    static_configs:\n"
                         "      - targets: ['127.0.0.1:{}']\n", http));
  const auto program = test::find_program("prometheus");
  REQUIRE(program.has_value());
  std::string error;
  auto prometheus = test::child_process::start(
      *program,
      {"--config.file=" + (dir / "prometheus.yml").string(),
       "--storage.tsdb.path=" + (dir / "data").string(),
       fmt::format("--web.listen-address=127.0.0.1:{}", web), "--log.level=warn"},
      error);
  INFO(error);
  REQUIRE(prometheus != nullptr);

  // The A queries, as Prometheus stored them from a scrape. URL-encoded:
  // dnskit_queries_by_qtype_total{qtype="A"}
  const std::string path = "/api/v1/query?query=dnskit_queries_by_qtype_total%7Bqtype%3D%22A%22%7D";
  nlohmann::json answer;
  std::string value;
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (value.empty() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(500ms);
    if (!prometheus->running()) break;
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(web);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const bool up = ::connect(fd, reinterpret_cast<const sockaddr*>(&a), sizeof a) == 0;
    ::close(fd);
    if (!up) continue;  // still starting
    answer = json_in(get(web, path).body);
    if (answer.is_object() && answer["status"] == "success" && !answer["data"]["result"].empty()) {
      value = answer["data"]["result"][0]["value"][1].get<std::string>();
    }
  }
  INFO(answer.dump());
  INFO(prometheus->stderr_text());
  CHECK(value == std::to_string(sent + 1));  // and the one A query outside every zone
  // The scrape target is up, and labelled as configured.
  if (!value.empty()) {
    const auto up = json_in(get(web, "/api/v1/query?query=up%7Bjob%3D%22dnskit%22%7D").body);
    REQUIRE(up.is_object());
    REQUIRE_FALSE(up["data"]["result"].empty());
    CHECK(up["data"]["result"][0]["value"][1] == "1");
    CHECK(up["data"]["result"][0]["metric"]["instance"] == fmt::format("127.0.0.1:{}", http));
  }
  REQUIRE(prometheus->signal(SIGTERM));
  CHECK(prometheus->wait_exit(15s).has_value());
  CHECK(server->stop() == 0);
}
