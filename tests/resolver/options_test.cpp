#include <catch2/catch.hpp>

#include "dnskit/resolver/options.hpp"
#include "dnskit/resolver/resolver.hpp"
#include "query_op.hpp"

using namespace dnskit;
using resolver::errc;
using resolver::server_address;

TEST_CASE("server addresses parse in every accepted form", "[unit]") {
  resolver::error_code ec;
  auto a = server_address::parse("192.0.2.1", ec);
  CHECK(!ec);
  CHECK(a.address.to_string() == "192.0.2.1");
  CHECK(a.port == 53);
  a = server_address::parse("127.0.0.1:5300", ec);
  CHECK(!ec);
  CHECK(a.port == 5300);
  CHECK(a.to_string() == "127.0.0.1:5300");
  a = server_address::parse("2001:db8::1", ec);
  CHECK(!ec);
  CHECK(a.address.is_v6());
  CHECK(a.port == 53);
  a = server_address::parse("[::1]:5301", ec);
  CHECK(!ec);
  CHECK(a.address.to_string() == "::1");
  CHECK(a.port == 5301);
  CHECK(a.to_string() == "[::1]:5301");
  a = server_address::parse("[::1]", ec);
  CHECK(!ec);
  CHECK(a.port == 53);
}

TEST_CASE("bad server addresses are errors, never exceptions with the ec form", "[unit]") {
  for (const char* text : {"", "example.test", "127.0.0.1:", "127.0.0.1:0", "127.0.0.1:65536",
                           "127.0.0.1:53x", "[::1", "[::1]x", "[::1]:", "[127.0.0.1]:53", "1.2.3.4.5",
                           "[]:53", ":53"}) {
    INFO(text);
    resolver::error_code ec;
    (void)server_address::parse(text, ec);
    CHECK(ec == errc::bad_server);
  }
  CHECK_THROWS_AS(server_address::parse("nope"), boost::system::system_error);
}

TEST_CASE("options are range-checked", "[unit]") {
  resolver::options o;
  CHECK(!o.validate());
  o.timeout = std::chrono::milliseconds(0);
  CHECK(o.validate() == errc::bad_option);
  o.timeout = std::chrono::milliseconds(100);
  o.tries = 0;
  CHECK(o.validate() == errc::bad_option);
  o.tries = 3;
  o.ndots = 16;
  CHECK(o.validate() == errc::bad_option);
  o.ndots = 1;
  o.socket_receive_buffer = -1;
  CHECK(o.validate() == errc::bad_option);
  o.socket_receive_buffer = 1 << 20;
  CHECK(!o.validate());
  boost::asio::io_context io;
  o.tries = 0;
  CHECK_THROWS_AS(resolver::resolver(io, o), boost::system::system_error);
}

TEST_CASE("reverse names of IPv4 and IPv6 addresses", "[unit]") {
  CHECK(resolver::reverse_name(boost::asio::ip::make_address("192.0.2.7")).to_text() ==
        "7.2.0.192.in-addr.arpa.");
  CHECK(resolver::reverse_name(boost::asio::ip::make_address("2001:db8::1")).to_text() ==
        "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.");
}

TEST_CASE("the search list follows c-ares's order", "[unit]") {
  using resolver::detail::search_candidates;
  const std::vector<std::string> domains{"example.test", "test"};
  resolver::error_code ec;
  auto to_text = [](const resolver::detail::candidate_names& names) {
    std::vector<std::string> out;
    for (const auto& n : names) out.push_back(n.to_text());
    return out;
  };
  // Fewer dots than ndots: the search domains first, the name as is last.
  CHECK(to_text(search_candidates("www", true, domains, 1, ec)) ==
        std::vector<std::string>{"www.example.test.", "www.test.", "www."});
  // At least ndots dots: as is first.
  CHECK(to_text(search_candidates("www.example", true, domains, 1, ec)) ==
        std::vector<std::string>{"www.example.", "www.example.example.test.", "www.example.test."});
  // A trailing dot or search off: only the name.
  CHECK(to_text(search_candidates("www.", true, domains, 1, ec)) == std::vector<std::string>{"www."});
  CHECK(to_text(search_candidates("www", false, domains, 1, ec)) == std::vector<std::string>{"www."});
  // Escaped dots do not count.
  CHECK(to_text(search_candidates("a\\.b", true, domains, 1, ec)).front() == "a\\.b.example.test.");
  (void)search_candidates("bad..name", true, domains, 1, ec);
  CHECK(ec == errc::bad_name);
  (void)search_candidates("", false, domains, 1, ec);
  CHECK(ec == errc::bad_name);
}
