#pragma once
// Shared by the [integration] tests: start the real `nameserver` binary on 127.0.0.1 port 0,
// build queries, run dig/kdig against it. Every wait is bounded.
#include <catch2/catch.hpp>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "dnskit/dns/message.hpp"
#include "dnskit/dns/name.hpp"
#include "dnskit_test/command.hpp"
#include "dnskit_test/exchange.hpp"
#include "dnskit_test/server_process.hpp"

namespace nstest {

using namespace std::chrono_literals;
namespace dns = dnskit::dns;
namespace test = dnskit::test;

inline std::filesystem::path source_dir() { return DNSKIT_SOURCE_DIR; }
inline std::filesystem::path example_zone() {
  return source_dir() / "zones" / "examples" / "example.test.zone";
}
inline std::filesystem::path binary() { return DNSKIT_NAMESERVER_BINARY; }

// A fresh directory under the temp dir, removed with everything in it.
class temp_dir {
 public:
  temp_dir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "dnskit-ns-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  const std::filesystem::path& path() const noexcept { return path_; }
  std::filesystem::path operator/(std::string_view name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

inline void write_file(const std::filesystem::path& path, std::string_view text) {
  // Write then rename, so a server reloading at that moment never sees half a file.
  const auto tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
  }
  std::filesystem::rename(tmp, path);
}

// A small zone (SOA, NS, ns1 and www addresses, then `extra`) whose serial a test changes to
// watch reloads.
inline std::string small_zone_text(std::string_view origin, std::uint32_t serial,
                                   std::string_view extra = "") {
  return "$ORIGIN " + std::string(origin) + "\n$TTL 300\n" +
         "@ IN SOA ns1 hostmaster " + std::to_string(serial) + " 7200 3600 1209600 300\n" +
         "@ IN NS ns1\nns1 IN A 192.0.2.1\nwww IN A 192.0.2.80\n" + std::string(extra);
}

inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Starts the server; adds --listen 127.0.0.1:0 and --threads 1 unless the test gives them.
inline std::unique_ptr<test::server_process> start_server(std::vector<std::string> args) {
  auto has = [&](std::string_view flag) {
    for (const auto& a : args) if (a == flag) return true;
    return false;
  };
  if (!has("--listen") && !has("--config")) args.insert(args.begin(), {"--listen", "127.0.0.1:0"});
  if (!has("--threads") && !has("--config")) args.insert(args.begin(), {"--threads", "1"});
  std::string error;
  auto server = test::server_process::start(binary(), args, error);
  INFO(error);
  REQUIRE(server != nullptr);
  return server;
}

inline std::unique_ptr<test::server_process> start_example_server(std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {"--zone", example_zone().string()};
  args.insert(args.end(), extra.begin(), extra.end());
  return start_server(args);
}

inline test::server_address address_of(const test::server_process& s) {
  return {"127.0.0.1", s.port()};
}

inline dns::message make_query(std::string_view qname, dns::rr_type type, bool edns = true,
                               std::uint16_t id = 0x5a5a) {
  std::optional<dns::edns> opt;
  if (edns) opt = dns::edns{};
  return dns::make_query(id, dns::name::from_text(qname), type, dns::rr_class::in, true, opt);
}

inline bool have_program(std::string_view name) { return test::find_program(name).has_value(); }

// dig/kdig against the server: always @127.0.0.1 -p PORT, one try, 2 s.
inline test::command_result dig(std::uint16_t port, std::vector<std::string> args,
                                std::string_view program = "dig") {
  const bool knot = program == "kdig";  // kdig spells them +retry / +timeout
  std::vector<std::string> argv = {std::string(program), "@127.0.0.1", "-p", std::to_string(port),
                                   knot ? "+retry=0" : "+tries=1", knot ? "+timeout=2" : "+time=2"};
  argv.insert(argv.end(), args.begin(), args.end());
  return test::run_command(argv, 20s);
}

inline bool contains(std::string_view text, std::string_view what) {
  return text.find(what) != std::string_view::npos;
}

inline std::size_t count_of(std::string_view text, std::string_view what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string_view::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// Waits (bounded) until the server's stderr has a line with `needle` after line `from_line`.
inline bool wait_log(test::server_process& s, std::string_view needle, std::size_t from_line = 0,
                     std::chrono::milliseconds timeout = 10s) {
  return s.process().wait_for_line(needle, timeout, from_line).has_value();
}

}  // namespace nstest
