// resolv.conf's options as the library reads them: `timeout:`, `attempts:`, `ndots:`, `rotate`,
// `edns0`, `use-vc`, `search` and `domain`, told by effective_options() and applied to queries.
// Options given by the caller win over the file.
#include <unistd.h>

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

#include "dnskit/resolver/resolv_conf.hpp"
#include "dnskit/resolver/search.hpp"
#include "test_server.hpp"
#include "test_util.hpp"

using namespace dnskit;
using namespace std::chrono_literals;
using resolver::errc;
using namespace dnskit::resolver::test;

namespace {

// A resolv.conf in the temporary directory, removed at the end.
class temp_resolv_conf {
 public:
  explicit temp_resolv_conf(const std::string& text)
      : path_(std::filesystem::temp_directory_path() /
              ("dnskit-resolv-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++) + ".conf")) {
    std::ofstream(path_) << text;
  }
  ~temp_resolv_conf() { std::filesystem::remove(path_); }
  temp_resolv_conf(const temp_resolv_conf&) = delete;
  temp_resolv_conf& operator=(const temp_resolv_conf&) = delete;
  std::string path() const { return path_.string(); }

 private:
  static inline std::atomic<int> counter_{0};
  std::filesystem::path path_;
};

// Options with the test server and the file, nothing else set.
resolver::options with_file(const test_server& server, const temp_resolv_conf& file) {
  resolver::options o;
  o.servers = {server.address()};
  o.resolv_conf = file.path();
  o.hosts_file = false;
  return o;
}

}  // namespace

TEST_CASE("resolv.conf: every option is read and told by effective_options()", "[integration]") {
  test_server server(zone_script({}));
  temp_resolv_conf file(
      "# a comment\n"
      "search first.test second.test\n"
      "options timeout:2 attempts:3 ndots:4 rotate edns0 use-vc\n");
  boost::asio::io_context io;
  resolver::resolver r(io, with_file(server, file));
  const auto e = r.effective_options();
  CHECK(e.timeout == std::chrono::milliseconds(2000));
  CHECK(e.tries == 3);
  CHECK(e.ndots == 4);
  CHECK(e.rotate == true);
  CHECK(e.edns_payload_size == 1232);
  CHECK(e.tcp_only);
  CHECK(e.search_domains == std::vector<std::string>{"first.test", "second.test"});
}

TEST_CASE("resolv.conf: `domain` and capped values", "[integration]") {
  test_server server(zone_script({}));
  temp_resolv_conf file("domain only.test\noptions timeout:99 attempts:0 ndots:40\n");
  boost::asio::io_context io;
  resolver::resolver r(io, with_file(server, file));
  const auto e = r.effective_options();
  CHECK(e.timeout == std::chrono::milliseconds(30000));  // glibc's caps
  CHECK(e.tries == 1);
  CHECK(e.ndots == 15);
  CHECK(e.search_domains == std::vector<std::string>{"only.test"});
  CHECK(e.edns_payload_size == 0);
  CHECK(!e.tcp_only);
}

TEST_CASE("resolv.conf: the caller's options win", "[integration]") {
  test_server server(zone_script({}));
  temp_resolv_conf file("search file.test\noptions timeout:2 attempts:3 ndots:4\n");
  auto o = with_file(server, file);
  o.timeout = 700ms;
  o.tries = 1;
  o.ndots = 1;
  o.search_domains = std::vector<std::string>{"mine.test"};
  boost::asio::io_context io;
  resolver::resolver r(io, o);
  const auto e = r.effective_options();
  CHECK(e.timeout == 700ms);
  CHECK(e.tries == 1);
  CHECK(e.ndots == 1);
  CHECK(e.search_domains == std::vector<std::string>{"mine.test"});
}

TEST_CASE("resolv.conf: the options change what goes on the wire", "[integration]") {
  std::atomic<int> with_opt{0};
  test_server server([&](const dns::message& q, bool) {
    if (q.opt) ++with_opt;
    dns::message r = response_to(q);
    r.answer.push_back(make_record(q.questions.at(0).qname.to_text(), dns::rr_type::a, "192.0.2.1"));
    return reply::answer(r);
  });
  SECTION("edns0 and use-vc") {
    temp_resolv_conf file("options edns0 use-vc\n");
    auto out = query_once(with_file(server, file), "www.example.test", dns::rr_type::a);
    CHECK(!out.ec);
    CHECK(with_opt == 1);
    CHECK(server.tcp_queries() == 1);
    CHECK(server.udp_queries() == 0);
  }
  SECTION("search and ndots") {
    temp_resolv_conf file("search example.test\noptions ndots:2\n");
    resolver::query_options q;
    q.search = true;
    auto out = query_once(with_file(server, file), "www.sub", dns::rr_type::a, q);
    REQUIRE(!out.ec);
    // One dot, fewer than ndots:2: the search domain first.
    CHECK(out.msg.questions.at(0).qname.to_text() == "www.sub.example.test.");
  }
}

TEST_CASE("resolv.conf: timeout and attempts bound a query to a silent server", "[integration]") {
  test_server server([](const dns::message&, bool) { return reply::silence(); });
  temp_resolv_conf file("options timeout:1 attempts:1\n");
  const auto start = std::chrono::steady_clock::now();
  auto out = query_once(with_file(server, file), "www.example.test", dns::rr_type::a);
  const auto took = std::chrono::steady_clock::now() - start;
  CHECK(out.ec == errc::timeout);
  CHECK(took >= 900ms);
  CHECK(took < 3s);  // c-ares's default would be 5 s + 10 s + 20 s + 40 s
}

TEST_CASE("read_resolv_conf: servers, the last search line and capped options, as programs see them", "[unit]") {
  temp_resolv_conf file(
      "# comment\n"
      "nameserver 127.0.0.2\n"
      "nameserver ::1 ; trailing comment\n"
      "nameserver not-an-address\n"
      "nameserver 127.0.0.3\n"
      "nameserver 127.0.0.4\n"  // a fourth: beyond MAXNS
      "search one.test. two.test\n"
      "domain only.test\n"
      "options ndots:40 timeout:0 attempts:9 rotate use-vc\n");
  const resolver::resolv_conf conf = resolver::read_resolv_conf(file.path());
  REQUIRE(conf.nameservers.size() == 3);
  CHECK(conf.nameservers[0] == boost::asio::ip::make_address("127.0.0.2"));
  CHECK(conf.nameservers[1] == boost::asio::ip::make_address("::1"));
  CHECK(conf.nameservers[2] == boost::asio::ip::make_address("127.0.0.3"));
  REQUIRE(conf.search);
  CHECK(*conf.search == std::vector<std::string>{"only.test"});
  CHECK(conf.ndots == 15);
  CHECK(conf.timeout == std::chrono::milliseconds(1000));
  CHECK(conf.attempts == 5);
  CHECK(conf.rotate);
  CHECK(conf.use_vc);
  CHECK_FALSE(conf.edns0);

  const resolver::resolv_conf missing = resolver::read_resolv_conf("/nonexistent/resolv.conf");
  CHECK(missing.nameservers.empty());
  CHECK_FALSE(missing.search);
}

TEST_CASE("search_names: res_search's order, the same as async_query's", "[unit]") {
  resolver::error_code ec;
  const std::vector<std::string> domains{"a.test", "b.test"};
  auto names = resolver::search_names("host", domains, 1, ec);
  REQUIRE_FALSE(ec);
  REQUIRE(names.size() == 3);
  CHECK(names[0] == dns::name::from_text("host.a.test."));
  CHECK(names[1] == dns::name::from_text("host.b.test."));
  CHECK(names[2] == dns::name::from_text("host."));
  names = resolver::search_names("www.host", domains, 1, ec);
  REQUIRE(names.size() == 3);
  CHECK(names[0] == dns::name::from_text("www.host."));
  CHECK(resolver::search_names("host.", domains, 1, ec).size() == 1);
  CHECK(resolver::search_names("", domains, 1, ec).empty());
  CHECK(ec == errc::bad_name);
}
