#pragma once
// Shared by the dnslookup tests: the real `nameserver` serving the bundled zones on
// 127.0.0.1:<port>, the real `dnslookup` (and BIND's nslookup when installed) run against it
// with a time limit, output masking and golden files.
#include <catch2/catch.hpp>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "dnskit_test/command.hpp"
#include "dnskit_test/server_process.hpp"

namespace clitest {

using namespace std::chrono_literals;
namespace test = dnskit::test;

inline std::filesystem::path source_dir() { return DNSKIT_SOURCE_DIR; }
inline std::filesystem::path golden_dir() { return source_dir() / "tests" / "cli" / "golden"; }
inline std::filesystem::path data_dir() { return source_dir() / "tests" / "cli" / "data"; }
inline std::filesystem::path dnslookup() { return DNSKIT_DNSLOOKUP_BINARY; }
inline std::filesystem::path nameserver() { return DNSKIT_NAMESERVER_BINARY; }

inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline void write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

// The example zone and both reverse zones, served on 127.0.0.1 by one server for the whole
// test program (started on first use, stopped at exit by its destructor).
inline test::server_process& example_server() {
  static std::unique_ptr<test::server_process> server = [] {
    const auto zones = source_dir() / "zones" / "examples";
    std::string error;
    auto s = test::server_process::start(
        nameserver(), {"--listen", "127.0.0.1:0", "--threads", "1",
                       "--zone", (zones / "example.test.zone").string(),
                       "--zone", (zones / "2.0.192.in-addr.arpa.zone").string(),
                       "--zone", (zones / "8.b.d.0.1.0.0.2.ip6.arpa.zone").string(),
                       "--zone", (data_dir() / "idn.test.zone").string()},
        error);
    if (!s) FAIL("nameserver did not start: " << error);
    return s;
  }();
  return *server;
}

inline std::string port_text() { return std::to_string(example_server().port()); }

// A UDP socket on loopback that never answers: a server that times out.
class silent_socket {
 public:
  silent_socket() {
    fd_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    socklen_t len = sizeof a;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
  }
  ~silent_socket() { ::close(fd_); }
  silent_socket(const silent_socket&) = delete;
  silent_socket& operator=(const silent_socket&) = delete;
  std::string port() const { return std::to_string(port_); }

 private:
  int fd_ = -1;
  std::uint16_t port_ = 0;
};

// Runs a shell command line (for stdin redirection) with a time limit.
inline test::command_result run_shell(const std::string& line, std::chrono::milliseconds timeout = 20s) {
  return test::run_command({"/bin/sh", "-c", line}, timeout);
}

inline std::string quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += "'\\''";
    else out += c;
  }
  return out + "'";
}

// `program args...` with `input` on stdin (nothing when empty: stdin is /dev/null).
inline test::command_result run_with_input(const std::string& program, const std::vector<std::string>& args,
                                           const std::string& input = {},
                                           std::chrono::milliseconds timeout = 20s) {
  std::string line = "exec " + quote(program);
  for (const auto& a : args) line += " " + quote(a);
  if (input.empty()) {
    line += " </dev/null";
  } else {
    line = "printf '%s' " + quote(input) + " | " + line.substr(5);
  }
  return run_shell(line, timeout);
}

inline test::command_result run_dnslookup(const std::vector<std::string>& args, const std::string& input = {},
                                          std::chrono::milliseconds timeout = 20s) {
  return run_with_input(dnslookup().string(), args, input, timeout);
}

// Replaces the server's port where it appears ("#40213", "-port=40213") with PORT.
inline std::string mask_port(std::string text, std::uint16_t port) {
  const std::string p = std::to_string(port);
  for (const std::string& from : std::initializer_list<std::string>{"#" + p, ":" + p, "port = " + p, "port=" + p}) {
    std::string to = from.substr(0, from.size() - p.size()) + "PORT";
    for (std::size_t pos = 0; (pos = text.find(from, pos)) != std::string::npos;) {
      const std::size_t end = pos + from.size();
      if (end < text.size() && std::isdigit(static_cast<unsigned char>(text[end]))) {
        pos = end;
        continue;
      }
      text.replace(pos, from.size(), to);
      pos += to.size();
    }
  }
  return text;
}

inline bool update_golden() {
  const char* v = std::getenv("DNSKIT_UPDATE_GOLDEN");
  return v != nullptr && std::string(v) == "1";
}

// Compares `actual` with golden/<name> (or rewrites it on request). Line by line, so a failure
// names the first differing line.
inline void check_golden(const std::string& name, const std::string& actual) {
  const auto path = golden_dir() / name;
  if (update_golden()) {
    write_file(path, actual);
    return;
  }
  INFO("golden file " << path.string());
  REQUIRE(std::filesystem::exists(path));
  const std::string expected = read_file(path);
  std::istringstream e(expected), a(actual);
  std::string el, al;
  for (int line = 1;; ++line) {
    const bool more_e = static_cast<bool>(std::getline(e, el));
    const bool more_a = static_cast<bool>(std::getline(a, al));
    if (!more_e && !more_a) break;
    INFO("line " << line);
    CHECK(al == el);
    if (al != el) break;
  }
  CHECK(actual == expected);
}

}  // namespace clitest
