// The query log: its two line formats (query_log_format.hpp), the writer that takes records
// from the query threads (server_query_log.hpp), and --query-log [FILE] / --query-log-format on
// the real server: the log stream, stdout, a file reopened on SIGHUP, json lines.
#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>

#include <map>
#include <regex>
#include <thread>

#include "integration_support.hpp"
#include "log_test_support.hpp"
#include "query_log_format.hpp"
#include "server_query_log.hpp"

using namespace nstest;
namespace ns = dnskit::nameserver;
using dns::rr_type;
using std::chrono::system_clock;

namespace {

std::vector<std::uint8_t> query_bytes(std::string_view qname, rr_type type) {
  return dns::encode(make_query(qname, type));
}

ns::outcome reply(dns::rcode rcode, std::size_t size, bool truncated = false) {
  ns::outcome o;
  o.what = ns::outcome::action::reply;
  o.rcode = rcode;
  o.size = size;
  o.truncated = truncated;
  o.has_question = true;
  o.qtype = rr_type::aaaa;
  o.qclass = dns::rr_class::in;
  return o;
}

}  // namespace

TEST_CASE("query log: text lines have ten fields", "[unit]") {
  const auto q = query_bytes("www.example.test.", rr_type::aaaa);
  const auto client = ns::request_info::v4(ns::transport::udp, {192, 0, 2, 7}, 5353);
  const auto r = ns::make_query_record(q, client, reply(dns::rcode::nxdomain, 97, true),
                                       example_time(), std::chrono::microseconds(42));
  std::string line;
  ns::append_query_line(line, r, ns::query_log_format::text);
  CHECK(line == "2026-12-07T10:27:18.123Z 192.0.2.7:5353 udp www.example.test. IN AAAA NXDOMAIN TC 97 42\n");

  std::array<std::uint8_t, 16> v6{};
  v6[15] = 1;
  ns::outcome dropped;  // not even a header: no question
  line.clear();
  ns::append_query_line(line,
                        ns::make_query_record(std::span(q).first(5), ns::request_info::v6(ns::transport::tcp, v6, 853),
                                              dropped, example_time(), std::chrono::microseconds(3)),
                        ns::query_log_format::text);
  CHECK(line == "2026-12-07T10:27:18.123Z [::1]:853 tcp - - - DROP - 0 3\n");
}

TEST_CASE("query log: names keep their presentation escapes, so a field never has a space", "[unit]") {
  const auto q = query_bytes("a\\032b\\\"c.example.test.", rr_type::txt);
  const auto client = ns::request_info::v4(ns::transport::udp, {127, 0, 0, 1}, 1);
  const auto r = ns::make_query_record(q, client, reply(dns::rcode::noerror, 50), example_time(), {});
  std::string text;
  ns::append_query_fields(text, r);
  CHECK(text == "127.0.0.1:1 udp a\\032b\\\"c.example.test. IN AAAA NOERROR - 50 0");
  std::string json;
  ns::append_query_line(json, r, ns::query_log_format::json);
  const auto j = nlohmann::json::parse(json);
  CHECK(j["qname"] == "a\\032b\\\"c.example.test.");
}

TEST_CASE("query log: json lines", "[unit]") {
  const auto q = query_bytes("www.example.test.", rr_type::aaaa);
  const auto client = ns::request_info::v4(ns::transport::tcp, {10, 0, 0, 1}, 40000);
  std::string line;
  ns::append_query_line(line,
                        ns::make_query_record(q, client, reply(dns::rcode::noerror, 120), example_time(),
                                              std::chrono::microseconds(9)),
                        ns::query_log_format::json);
  REQUIRE(line.ends_with("}\n"));
  CHECK(std::count(line.begin(), line.end(), '\n') == 1);
  const auto j = nlohmann::json::parse(line);
  CHECK(j == nlohmann::json{{"time", "2026-12-07T10:27:18.123Z"}, {"client", "10.0.0.1"},
                            {"port", 40000}, {"transport", "tcp"}, {"qname", "www.example.test."},
                            {"qclass", "IN"}, {"qtype", "AAAA"}, {"result", "NOERROR"},
                            {"tc", false}, {"size", 120}, {"microseconds", 9}});
  line.clear();
  ns::append_query_line(line,
                        ns::make_query_record({}, client, ns::outcome{}, example_time(), {}),
                        ns::query_log_format::json);
  const auto none = nlohmann::json::parse(line);
  CHECK(none["qname"].is_null());
  CHECK(none["qtype"].is_null());
  CHECK(none["result"] == "DROP");
}

TEST_CASE("query log: the writer puts every worker's records in one file in time order", "[unit]") {
  temp_dir dir;
  ns::query_log_settings settings;
  settings.to = ns::query_log_settings::destination::file;
  settings.file = dir / "queries.log";
  settings.records_per_worker = 4096;
  std::string error;
  auto logger = ns::query_log::open(settings, 3, error);
  INFO(error);
  REQUIRE(logger != nullptr);
  const auto q = query_bytes("www.example.test.", rr_type::aaaa);
  constexpr int per_worker = 1000;
  std::vector<std::thread> workers;
  for (unsigned w = 0; w < 3; ++w) {
    workers.emplace_back([&, w] {
      const auto client = ns::request_info::v4(ns::transport::udp, {127, 0, 0, 1},
                                               static_cast<std::uint16_t>(1000 + w));
      for (int i = 0; i < per_worker; ++i) {
        logger->record(w, q, client, reply(dns::rcode::noerror, static_cast<std::size_t>(i)), {});
      }
    });
  }
  for (auto& t : workers) t.join();
  logger->flush();
  const auto lines = lines_of(read_file(settings.file));
  REQUIRE(lines.size() == 3 * per_worker);
  std::map<std::string, int> next_size;  // per client: sizes come in the order recorded
  for (const auto& line : lines) {
    std::istringstream fields(line);
    std::string time, client, via, qname, qclass, qtype, result, flags;
    int size = -1;
    fields >> time >> client >> via >> qname >> qclass >> qtype >> result >> flags >> size;
    INFO(line);
    REQUIRE(qname == "www.example.test.");
    CHECK(size == next_size[client]++);
  }
  CHECK(next_size.size() == 3);
  // Time order over all workers (ISO 8601 sorts as text).
  CHECK(std::is_sorted(lines.begin(), lines.end(),
                       [](const std::string& a, const std::string& b) { return a.substr(0, 24) < b.substr(0, 24); }));
}

TEST_CASE("query log: reopen() starts a new file after rotation", "[unit]") {
  temp_dir dir;
  ns::query_log_settings settings;
  settings.to = ns::query_log_settings::destination::file;
  settings.file = dir / "queries.log";
  std::string error;
  auto logger = ns::query_log::open(settings, 1, error);
  REQUIRE(logger != nullptr);
  const auto q = query_bytes("one.example.test.", rr_type::aaaa);
  const auto q2 = query_bytes("two.example.test.", rr_type::aaaa);
  const auto client = ns::request_info::v4(ns::transport::udp, {127, 0, 0, 1}, 1);
  logger->record(0, q, client, reply(dns::rcode::noerror, 1), {});
  logger->flush();
  std::filesystem::rename(settings.file, dir / "queries.log.1");
  logger->reopen();
  logger->record(0, q2, client, reply(dns::rcode::noerror, 1), {});
  logger->flush();
  const auto old_lines = lines_of(read_file(dir / "queries.log.1"));
  const auto new_lines = lines_of(read_file(settings.file));
  REQUIRE(old_lines.size() == 1);
  REQUIRE(new_lines.size() == 1);
  CHECK(contains(old_lines[0], " one.example.test. "));
  CHECK(contains(new_lines[0], " two.example.test. "));
}

TEST_CASE("query log: a full buffer drops records instead of waiting", "[unit]") {
  // A FIFO nobody reads for the first seconds: the writer blocks in write() once it is full,
  // and recording must go on at full speed meanwhile (dropping what does not fit).
  temp_dir dir;
  const auto fifo = dir / "queries.fifo";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  const int reader = ::open(fifo.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  REQUIRE(reader >= 0);
  ns::query_log_settings settings;
  settings.to = ns::query_log_settings::destination::file;
  settings.file = fifo;
  settings.records_per_worker = 64;
  std::string error;
  auto logger = ns::query_log::open(settings, 1, error);
  INFO(error);
  REQUIRE(logger != nullptr);

  constexpr int records = 50'000;  // about 4 MB of lines: far more than a pipe holds
  std::size_t lines_read = 0;
  std::thread drain([&] {
    // Starts late, so that an implementation that waits for the writer would still be waiting
    // (and the time check below would catch it) instead of hanging the test.
    std::this_thread::sleep_for(std::chrono::seconds(5));
    char buffer[65536];
    for (;;) {
      pollfd p{reader, POLLIN, 0};
      if (::poll(&p, 1, 2000) <= 0) break;
      const ssize_t n = ::read(reader, buffer, sizeof buffer);
      if (n <= 0) break;
      lines_read += static_cast<std::size_t>(std::count(buffer, buffer + n, '\n'));
    }
  });
  const auto q = query_bytes("www.example.test.", rr_type::aaaa);
  const auto client = ns::request_info::v4(ns::transport::udp, {127, 0, 0, 1}, 1);
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < records; ++i) logger->record(0, q, client, reply(dns::rcode::noerror, 1), {});
  const auto spent = std::chrono::steady_clock::now() - start;
  CHECK(spent < std::chrono::seconds(4));  // milliseconds normally; generous for a loaded machine
  logger.reset();  // the writer finishes once the drain has made room
  drain.join();
  ::close(reader);
  CHECK(lines_read > 0);
  CHECK(lines_read < static_cast<std::size_t>(records));
}

TEST_CASE("query log: the TOML keys query-log and query-log-format", "[unit]") {
  temp_dir dir;
  auto load = [&](std::string_view text, ns::server_config& c, std::string& error) {
    write_file(dir / "ns.toml", text);
    return ns::load_config_file(dir / "ns.toml", c, error);
  };
  std::string error;
  ns::server_config c;
  REQUIRE(load("[server]\nquery-log = \"queries.log\"\nquery-log-format = \"json\"\n", c, error));
  CHECK(c.query_log);
  CHECK(c.query_log_file == (dir / "queries.log").string());  // relative to the config file
  CHECK(c.query_log_format == "json");
  CHECK(ns::make_query_log_settings(c).to == ns::query_log_settings::destination::file);

  ns::server_config out;
  REQUIRE(load("[server]\nquery-log = \"-\"\n", out, error));
  CHECK(out.query_log_file == "-");
  CHECK(ns::make_query_log_settings(out).to == ns::query_log_settings::destination::standard_output);
  ns::server_config stream;
  REQUIRE(load("[server]\nquery-log = true\n", stream, error));
  CHECK(stream.query_log);
  CHECK(ns::make_query_log_settings(stream).to == ns::query_log_settings::destination::log_stream);
  CHECK(ns::make_query_log_settings(stream).format == ns::query_log_format::text);

  ns::server_config bad;
  CHECK_FALSE(load("[server]\n\nquery-log-format = \"xml\"\n", bad, error));
  CHECK(contains(error, "ns.toml:3:"));
  CHECK(contains(error, "query-log-format"));
  CHECK_FALSE(load("[server]\nquery-log = 3\n", bad, error));
  CHECK(contains(error, "ns.toml:2:"));
  CHECK_FALSE(load("[server]\nquery-log = \"\"\n", bad, error));
  CHECK(contains(error, "ns.toml:2:"));
}

// --- the server ---

TEST_CASE("query log: --query-log without FILE writes to the log stream", "[integration]") {
  auto server = start_example_server({"--query-log"});
  const auto at = address_of(*server);
  CHECK(test::udp_query(at, make_query("www.example.test.", rr_type::a)).has_value());
  CHECK(test::tcp_query(at, make_query("nope.example.test.", rr_type::aaaa)).has_value());
  REQUIRE(wait_log(*server, " tcp nope.example.test. IN AAAA NXDOMAIN - "));
  CHECK(server->stop() == 0);
  const std::regex line(
      R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z nameserver: query 127\.0\.0\.1:\d+ udp www\.example\.test\. IN A NOERROR - \d+ \d+)");
  std::size_t matched = 0;
  for (const auto& l : lines_of(server->stderr_text())) matched += std::regex_match(l, line) ? 1 : 0;
  CHECK(matched == 1);
}

TEST_CASE("query log: --query-log - writes text lines to stdout, not stderr", "[integration]") {
  auto server = start_example_server({"--query-log", "-"});
  const auto at = address_of(*server);
  CHECK(test::udp_query(at, make_query("www.example.test.", rr_type::a)).has_value());
  CHECK(server->stop() == 0);
  server->process().join_output();
  const auto out = lines_of(server->process().stdout_text());
  REQUIRE(out.size() == 1);
  CHECK(std::regex_match(out[0], std::regex(R"(\S+Z 127\.0\.0\.1:\d+ udp www\.example\.test\. IN A NOERROR - \d+ \d+)")));
  CHECK_FALSE(contains(server->stderr_text(), "query "));
  CHECK(contains(server->stderr_text(), "ready 127.0.0.1:"));
}

TEST_CASE("query log: json to a file, reopened on SIGHUP", "[integration]") {
  temp_dir dir;
  const auto file = dir / "queries.jsonl";
  auto server = start_example_server({"--query-log", file.string(), "--query-log-format", "json"});
  const auto at = address_of(*server);
  CHECK(test::udp_query(at, make_query("www.example.test.", rr_type::a)).has_value());
  CHECK(test::tcp_query(at, make_query("www.example.test.", rr_type::aaaa)).has_value());
  // Rotation as logrotate does it: rename, then SIGHUP.
  auto wait_lines = [](const std::filesystem::path& p, std::size_t n) {
    for (int i = 0; i < 100; ++i) {
      if (lines_of(read_file(p)).size() >= n) return true;
      std::this_thread::sleep_for(50ms);
    }
    return false;
  };
  REQUIRE(wait_lines(file, 2));
  std::filesystem::rename(file, dir / "queries.jsonl.1");
  const auto lines_before = server->process().stderr_line_count();
  REQUIRE(server->process().signal(SIGHUP));
  REQUIRE(wait_log(*server, "reload", lines_before));
  // The writer reopens on its next pass: a query after the reload lands in the new file.
  bool in_new_file = false;
  for (int i = 0; i < 50 && !in_new_file; ++i) {
    CHECK(test::udp_query(at, make_query("after.example.test.", rr_type::a)).has_value());
    in_new_file = wait_lines(file, 1);
  }
  CHECK(in_new_file);
  CHECK(server->stop() == 0);

  // The two queries before the rotation in the old file (and, in a rare race, an "after" one
  // recorded before the reopen); every line after the reopen in the new one.
  const auto old_lines = lines_of(read_file(dir / "queries.jsonl.1"));
  REQUIRE(old_lines.size() >= 2);
  const auto first = nlohmann::json::parse(old_lines[0]);
  const auto second = nlohmann::json::parse(old_lines[1]);
  CHECK(first["transport"] == "udp");
  CHECK(first["qtype"] == "A");
  CHECK(first["result"] == "NOERROR");
  CHECK(first["client"] == "127.0.0.1");
  CHECK(first["size"].get<int>() > 12);
  CHECK(second["transport"] == "tcp");
  CHECK(second["qtype"] == "AAAA");
  for (const auto& l : lines_of(read_file(file))) {
    INFO(l);
    CHECK(nlohmann::json::parse(l)["qname"] == "after.example.test.");
  }
}

TEST_CASE("query log: bad --query-log arguments are one clear error", "[integration]") {
  auto bad_format = test::run_command({binary().string(), "--query-log-format", "xml"});
  CHECK(bad_format.status == 1);
  CHECK(contains(bad_format.err, "--query-log-format"));
  auto bad_file = test::run_command({binary().string(), "--listen", "127.0.0.1:0", "--zone",
                                     example_zone().string(), "--query-log", "/nonexistent/dir/q.log"});
  CHECK(bad_file.status == 1);
  CHECK(contains(bad_file.err, "error: query log /nonexistent/dir/q.log: No such file or directory"));
  CHECK_FALSE(contains(bad_file.err, "ready"));
}
