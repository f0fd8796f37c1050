// -y / --tsig-key: ls and -type=AXFR signed with TSIG against the real nameserver on loopback,
// which transfers the zone to the key only.
#include <catch2/catch.hpp>

#include "cli_support.hpp"

using namespace clitest;

namespace {

constexpr const char* secret = "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA==";

dnskit::test::server_process& keyed_server() {
  static std::unique_ptr<dnskit::test::server_process> server = [] {
    std::string error;
    auto s = dnskit::test::server_process::start(
        nameserver(), {"--listen", "127.0.0.1:0", "--threads", "1", "--tsig-key",
                       std::string("hmac-sha256:xfr.key:") + secret, "--allow-transfer", "key:xfr.key", "--zone",
                       (source_dir() / "zones" / "examples" / "example.test.zone").string()},
        error);
    if (!s) FAIL("nameserver did not start: " << error);
    return s;
  }();
  return *server;
}

}  // namespace

TEST_CASE("tsig: dnslookup -y signs -type=AXFR and ls, and without the key the server refuses", "[integration]") {
  const std::string port = "-port=" + std::to_string(keyed_server().port());
  const std::string key = std::string("hmac-sha256:xfr.key:") + secret;

  auto signed_axfr = run_dnslookup({"-y", key, port, "-type=AXFR", "example.test", "127.0.0.1"});
  CHECK(signed_axfr.status == 0);
  CHECK(signed_axfr.out.find("Transfer failed") == std::string::npos);
  CHECK(signed_axfr.out.find("mail addr = hostmaster.example.test") != std::string::npos);

  auto signed_ls = run_dnslookup({"--tsig-key=" + key, port, "-", "127.0.0.1"}, "ls example.test\n");
  CHECK(signed_ls.out.find(" ns1                            A      192.0.2.53\n") != std::string::npos);
  CHECK(signed_ls.out.find("Can't list") == std::string::npos);

  auto unsigned_ls = run_dnslookup({port, "-", "127.0.0.1"}, "ls example.test\n");
  CHECK(unsigned_ls.out.find("*** Can't list domain example.test: REFUSED\n") != std::string::npos);

  auto wrong = run_dnslookup({"-y", "hmac-sha256:xfr.key:b3RoZXItc2VjcmV0", port, "-type=AXFR", "example.test",
                              "127.0.0.1"});
  CHECK(wrong.status == 1);
  CHECK(wrong.out.find("; Transfer failed: NOTAUTH\n") != std::string::npos);
}

TEST_CASE("tsig: dnslookup -y with a bad key is a usage error naming it", "[integration]") {
  auto r = run_dnslookup({"-y", "hmac-md4:k:c2VjcmV0", "-type=AXFR", "example.test", "127.0.0.1"});
  CHECK(r.status == 1);
  CHECK(r.err.find("-y: ") != std::string::npos);
  CHECK(r.err.find("'hmac-md4:k:c2VjcmV0'") != std::string::npos);
  CHECK(r.out.empty());
}
