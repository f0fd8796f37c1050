// The server's log lines: ISO 8601 timestamps with milliseconds when stderr is a file, a pipe or
// a terminal; syslog priority prefixes and no timestamp when JOURNAL_STREAM says stderr is the
// journal (systemd.exec(5)); the `ready` line scripts wait for in both.
#include <regex>

#include "integration_support.hpp"
#include "log_test_support.hpp"
#include "log.hpp"

using namespace nstest;
namespace nslog = dnskit::nameserver::log;
using std::chrono::system_clock;

namespace {

const std::regex timestamped_line(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z nameserver: .*)");

}  // namespace

TEST_CASE("log: ISO 8601 timestamps in UTC with milliseconds", "[unit]") {
  std::string out;
  nslog::append_timestamp(out, example_time());
  CHECK(out == "2026-12-07T10:27:18.123Z");
  out.clear();
  nslog::append_timestamp(out, system_clock::time_point{} + std::chrono::milliseconds(7));
  CHECK(out == "1970-01-01T00:00:00.007Z");
}

TEST_CASE("log: a line in each style", "[unit]") {
  std::string out;
  nslog::append_line(out, nslog::style::timestamped, nslog::priority_warning, "warning", "zone x: odd",
                   example_time());
  CHECK(out == "2026-12-07T10:27:18.123Z nameserver: warning: zone x: odd\n");
  out.clear();
  nslog::append_line(out, nslog::style::journal, nslog::priority_warning, "warning", "zone x: odd",
                   example_time());
  CHECK(out == "<4>warning: zone x: odd\n");
  out.clear();
  nslog::append_line(out, nslog::style::journal, nslog::priority_notice, "", "ready 127.0.0.1:53",
                   example_time());
  CHECK(out == "<5>ready 127.0.0.1:53\n");
}

TEST_CASE("log: levels map to syslog priorities 3 to 7", "[unit]") {
  CHECK(nslog::priority_of(nslog::level::error) == 3);
  CHECK(nslog::priority_of(nslog::level::warning) == 4);
  CHECK(nslog::priority_of(nslog::level::info) == 6);
  CHECK(nslog::priority_of(nslog::level::debug) == 7);
  CHECK(nslog::priority_notice == 5);
}

TEST_CASE("log: JOURNAL_STREAM must name stderr's own device and inode", "[unit]") {
  CHECK(nslog::is_journal_stream("65024:10985542", 65024, 10985542));
  CHECK_FALSE(nslog::is_journal_stream(nullptr, 65024, 10985542));
  CHECK_FALSE(nslog::is_journal_stream("65024:10985543", 65024, 10985542));  // redirected
  CHECK_FALSE(nslog::is_journal_stream("65025:10985542", 65024, 10985542));
  CHECK_FALSE(nslog::is_journal_stream("65024", 65024, 10985542));
  CHECK_FALSE(nslog::is_journal_stream("65024:", 65024, 10985542));
  CHECK_FALSE(nslog::is_journal_stream(":10985542", 65024, 10985542));
  CHECK_FALSE(nslog::is_journal_stream("65024:10985542x", 65024, 10985542));
  CHECK_FALSE(nslog::is_journal_stream("-1:10985542", 65024, 10985542));
}

TEST_CASE("log: two writers on one pipe never tear each other's lines", "[unit]") {
  // Each write(2) of at most PIPE_BUF bytes to a pipe is atomic (POSIX): write_lines cuts long
  // output at line ends within that size, so lines from another writer cannot land inside.
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  auto text_of = [](char c) {
    std::string text;
    for (int i = 0; i < 2000; ++i) text += fmt::format("{} {:04} {}\n", c, i, std::string(90, c));
    return text;
  };
  const std::string a = text_of('a');
  const std::string b = text_of('b');
  std::string read_back;
  std::thread reader([&] {
    char buffer[8192];
    for (;;) {
      const ssize_t n = ::read(fds[0], buffer, sizeof buffer);
      if (n <= 0) break;
      read_back.append(buffer, static_cast<std::size_t>(n));
      std::this_thread::sleep_for(std::chrono::microseconds(200));  // let the pipe fill up
    }
  });
  bool ok_a = false;
  bool ok_b = false;
  std::thread writer_b([&] { ok_b = nslog::write_lines(fds[1], b); });
  ok_a = nslog::write_lines(fds[1], a);
  writer_b.join();
  ::close(fds[1]);
  reader.join();
  ::close(fds[0]);
  CHECK(ok_a);
  CHECK(ok_b);
  CHECK(read_back.size() == a.size() + b.size());
  std::size_t lines = 0;
  std::size_t torn = 0;
  for (const auto& line : lines_of(read_back)) {
    ++lines;
    const bool whole = line.size() == 97 && line.find_first_not_of(line[0], 7) == std::string::npos;
    torn += whole ? 0 : 1;
  }
  CHECK(lines == 4000);
  CHECK(torn == 0);
}

TEST_CASE("log: the server's lines carry timestamps when stderr is not the journal", "[integration]") {
  auto server = start_example_server();
  CHECK(server->stop() == 0);
  server->process().join_output();
  const auto lines = lines_of(server->stderr_text());
  REQUIRE(lines.size() >= 3);
  bool saw_ready = false;
  for (const auto& line : lines) {
    INFO(line);
    CHECK(std::regex_match(line, timestamped_line));
    saw_ready = saw_ready || contains(line, " nameserver: ready 127.0.0.1:");
  }
  CHECK(saw_ready);
}

TEST_CASE("log: a JOURNAL_STREAM that is not stderr keeps the timestamps", "[integration]") {
  std::string error;
  auto server = test::server_process::start(
      "/usr/bin/env", {"JOURNAL_STREAM=1:1", binary().string(), "--listen", "127.0.0.1:0",
                       "--threads", "1", "--zone", example_zone().string()},
      error);
  INFO(error);
  REQUIRE(server != nullptr);
  CHECK(server->stop() == 0);
  server->process().join_output();
  for (const auto& line : lines_of(server->stderr_text())) {
    INFO(line);
    CHECK(std::regex_match(line, timestamped_line));
  }
}

TEST_CASE("log: priority prefixes and no timestamps when stderr is the journal", "[integration]") {
  // As systemd does: JOURNAL_STREAM holds stderr's device:inode. The shell finds out what its
  // stderr (the test's pipe) is and execs the server with it, keeping the PID.
  const std::string script =
      "JOURNAL_STREAM=$(stat -L -c %d:%i /proc/self/fd/2) exec \"$0\" \"$@\"";
  std::string error;
  auto server = test::server_process::start(
      "/bin/sh", {"-c", script, binary().string(), "--listen", "127.0.0.1:0", "--threads", "1",
                  "--zone", example_zone().string(), "--zone", "missing.test=/nonexistent.zone"},
      error);
  // The missing zone makes the start fail: an error line, then exit status 1.
  CHECK(server == nullptr);
  INFO(error);
  CHECK(contains(error, "\n<3>error: "));

  auto ok = test::server_process::start(
      "/bin/sh", {"-c", script, binary().string(), "--listen", "127.0.0.1:0", "--threads", "1",
                  "--zone", example_zone().string(), "--query-log"},
      error);
  INFO(error);
  REQUIRE(ok != nullptr);
  const auto answer = test::udp_query(address_of(*ok), make_query("www.example.test.", dns::rr_type::a));
  CHECK(answer.has_value());
  REQUIRE(wait_log(*ok, "query "));
  CHECK(ok->stop() == 0);
  ok->process().join_output();
  const auto lines = lines_of(ok->stderr_text());
  const std::regex journal_line(R"(<[3-7]>[^ ].*)");
  std::size_t ready = 0, queries = 0;
  for (const auto& line : lines) {
    INFO(line);
    CHECK(std::regex_match(line, journal_line));
    if (line.starts_with("<5>ready 127.0.0.1:")) ++ready;
    if (line.starts_with("<6>query 127.0.0.1:") && contains(line, " udp www.example.test. IN A NOERROR "))
      ++queries;
  }
  CHECK(ready == 1);
  CHECK(queries == 1);
}
