// --http ADDR:PORT: GET /metrics in the Prometheus text format (read back after real queries, a
// reload and TCP connections; checked with promtool when it is installed), GET /status as
// JSON, and bad HTTP -- malformed requests, unknown paths and methods, a pile of idle
// connections -- answered or closed without disturbing DNS.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <nlohmann/json.hpp>

#include <fmt/core.h>

#include <map>
#include <set>
#include <regex>

#include "integration_support.hpp"

using namespace nstest;
using dns::rr_type;

namespace {

int connect_to(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(fd >= 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::connect(fd, reinterpret_cast<const sockaddr*>(&a), sizeof a) == 0);
  return fd;
}

// Sends `request` as is and reads until the server closes (at most 10 s).
std::string http_exchange(std::uint16_t port, std::string_view request) {
  const int fd = connect_to(port);
  REQUIRE(::send(fd, request.data(), request.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(request.size()));
  std::string reply;
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 1000) <= 0) continue;
    char buffer[16384];
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) break;
    reply.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return reply;
}

struct http_reply {
  int status = 0;
  std::string headers;
  std::string body;
};

http_reply get(std::uint16_t port, std::string_view path, std::string_view method = "GET") {
  const std::string raw = http_exchange(port, fmt::format("{} {} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                                     "Connection: close\r\n\r\n", method, path));
  http_reply r;
  const auto end = raw.find("\r\n\r\n");
  if (!raw.starts_with("HTTP/1.1 ") || end == std::string::npos) return r;
  r.status = std::stoi(raw.substr(9, 3));
  r.headers = raw.substr(0, end);
  r.body = raw.substr(end + 4);
  return r;
}

std::uint16_t http_port(test::server_process& server) {
  const auto line = server.process().wait_for_line("http: GET /metrics and /status on 127.0.0.1:", 10s);
  REQUIRE(line.has_value());
  return static_cast<std::uint16_t>(std::stoi(line->substr(line->rfind(':') + 1)));
}

// Sample lines as name{labels} -> value.
std::map<std::string, double> samples_of(const std::string& text) {
  std::map<std::string, double> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line.starts_with('#')) continue;
    const auto space = line.rfind(' ');
    out[line.substr(0, space)] = std::stod(line.substr(space + 1));
  }
  return out;
}

}  // namespace

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
