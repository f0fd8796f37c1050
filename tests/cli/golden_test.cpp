// dnslookup against the real nameserver serving the bundled zones, compared line for line with
// golden files captured from BIND 9.18's nslookup against the same server; where nslookup is
// installed, it is also run on the same question and the two outputs are compared directly.
#include "cli_support.hpp"

#include <netinet/in.h>
#include <sys/socket.h>

using namespace clitest;

namespace {

struct golden_case {
  const char* file;
  std::vector<std::string> args;  // before "-port=P NAME 127.0.0.1"
  const char* name;
  int status;
};

// The common cases of nslookup's output, one per golden file.
const std::vector<golden_case>& cases() {
  static const std::vector<golden_case> list = {
      {"a.txt", {}, "example.test", 0},
      {"a_multi.txt", {}, "multi.example.test", 0},
      {"aaaa.txt", {"-type=AAAA"}, "v6only.example.test", 0},
      {"aaaa_only_default.txt", {}, "v6only.example.test", 0},
      {"cname_chain.txt", {}, "alias.example.test", 0},
      {"cname_longer_chain.txt", {}, "chain1.example.test", 0},
      {"cname_type.txt", {"-type=CNAME"}, "www.example.test", 0},
      {"mx.txt", {"-type=MX"}, "example.test", 0},
      {"mx_query_abbrev.txt", {"-q=mx"}, "example.test", 0},
      {"ns.txt", {"-type=NS"}, "example.test", 0},
      {"soa.txt", {"-type=SOA"}, "example.test", 0},
      {"txt.txt", {"-ty=txt"}, "example.test", 0},
      {"txt_wildcard.txt", {"-type=TXT"}, "x.wild.example.test", 0},
      {"txt_truncated_tcp.txt", {"-type=TXT"}, "big.example.test", 0},
      {"srv.txt", {"-type=SRV"}, "_sip._tcp.example.test", 0},
      {"ptr_v4.txt", {}, "192.0.2.1", 0},
      {"ptr_v6.txt", {}, "2001:db8::1", 0},
      {"ptr_explicit.txt", {"-type=PTR"}, "1.2.0.192.in-addr.arpa", 0},
      {"ptr_nxdomain.txt", {}, "192.0.2.222", 1},
      {"nxdomain.txt", {}, "nosuch.example.test", 1},
      {"nodata_explicit.txt", {"-type=AAAA"}, "mail.example.test", 0},
      {"nodata_default.txt", {}, "_sip._tcp.example.test", 0},
      {"refused.txt", {}, "www.example.org", 1},
      {"any.txt", {"-type=ANY"}, "example.test", 0},
      {"caa.txt", {"-type=CAA"}, "example.test", 0},
      {"hinfo.txt", {"-query=hinfo"}, "hinfo.example.test", 0},
      {"naptr.txt", {"-type=NAPTR"}, "naptr.example.test", 0},
      {"loc.txt", {"-type=LOC"}, "loc.example.test", 0},
      {"sshfp.txt", {"-type=SSHFP"}, "sshfp.example.test", 0},
      {"tlsa.txt", {"-type=TLSA"}, "tlsa._443._tcp.example.test", 0},
      {"unknown_type.txt", {"-type=TYPE65534"}, "unk.example.test", 0},
      {"dname.txt", {"-type=DNAME"}, "dname.example.test", 0},
      {"dname_synthesis.txt", {}, "foo.dname.example.test", 1},
      {"debug.txt", {"-debug"}, "example.test", 0},
      {"debug_mx.txt", {"-debug", "-type=MX"}, "example.test", 0},
      {"debug_nxdomain.txt", {"-debug"}, "nosuch.example.test", 1},
      {"debug_ptr.txt", {"-debug"}, "192.0.2.1", 0},
      {"vc.txt", {"-vc"}, "example.test", 0},
      {"norecurse.txt", {"-norecurse"}, "www.example.test", 0},
      {"norecurse_debug.txt", {"-norecurse", "-debug"}, "www.example.test", 0},
      {"referral_ns.txt", {"-type=NS"}, "sub.example.test", 0},
      {"referral_a.txt", {}, "host.sub.example.test", 0},
      {"domain_search.txt", {"-domain=example.test"}, "www", 0},
      {"domain_nosearch.txt", {"-nosearch", "-domain=example.test"}, "www", 0},
      {"bogus_type.txt", {"-type=bogus"}, "example.test", 0},
      {"bogus_option.txt", {"-bogusoption"}, "example.test", 0},
      {"axfr.txt", {"-type=AXFR"}, "example.test", 0},
  };
  return list;
}

std::vector<std::string> full_args(const golden_case& c) {
  std::vector<std::string> args = c.args;
  args.push_back("-port=" + port_text());
  args.push_back(c.name);
  args.push_back("127.0.0.1");
  return args;
}

// A UDP socket on loopback that never answers, for the timeout cases.
class silent_udp {
 public:
  silent_udp() {
    fd_ = ::socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
  }
  ~silent_udp() { ::close(fd_); }
  silent_udp(const silent_udp&) = delete;
  silent_udp& operator=(const silent_udp&) = delete;
  std::uint16_t port() const { return port_; }

 private:
  int fd_ = -1;
  std::uint16_t port_ = 0;
};

}  // namespace

TEST_CASE("golden: dnslookup prints what BIND 9.18's nslookup prints", "[golden]") {
  const auto port = example_server().port();
  const auto nslookup = test::find_program("nslookup");
  for (const golden_case& c : cases()) {
    SECTION(c.file) {
      const auto args = full_args(c);
      auto ours = run_dnslookup(args);
      INFO("dnslookup stderr: " << ours.err);
      CHECK_FALSE(ours.timed_out);
      CHECK(ours.status == c.status);
      const std::string masked = mask_port(ours.out, port);
      check_golden(c.file, masked);
      if (nslookup) {
        auto theirs = run_with_input(nslookup->string(), args);
        INFO("nslookup's output:\n" << theirs.out);
        CHECK(masked == mask_port(theirs.out, port));
        CHECK(ours.status == theirs.status);
      }
    }
  }
}

TEST_CASE("golden: a server that does not answer: bounded by -timeout and -retry", "[golden]") {
  silent_udp silent;
  const std::vector<std::string> args = {"-timeout=1", "-retry=1", "-port=" + std::to_string(silent.port()),
                                         "example.test", "127.0.0.1"};
  const auto start = std::chrono::steady_clock::now();
  auto ours = run_dnslookup(args);
  const auto took = std::chrono::steady_clock::now() - start;
  CHECK(ours.status == 1);
  CHECK(took < 4s);
  const std::string masked = mask_port(ours.out, silent.port());
  check_golden("timeout.txt", masked);
  if (auto nslookup = test::find_program("nslookup")) {
    auto theirs = run_with_input(nslookup->string(), args);
    CHECK(masked == mask_port(theirs.out, silent.port()));
    CHECK(theirs.status == ours.status);
  }

  SECTION("two tries: one line each") {
    auto two = run_dnslookup({"-timeout=1", "-retry=2", "-port=" + std::to_string(silent.port()), "example.test",
                              "127.0.0.1"});
    CHECK(two.status == 1);
    CHECK(mask_port(two.out, silent.port()) ==
          ";; communications error to 127.0.0.1#PORT: timed out\n"
          ";; communications error to 127.0.0.1#PORT: timed out\n"
          ";; no servers could be reached\n\n");
  }
  SECTION("over TCP the port is closed: connection refused, once") {
    auto vc = run_dnslookup({"-vc", "-timeout=1", "-retry=1", "-port=" + std::to_string(silent.port()),
                             "example.test", "127.0.0.1"});
    CHECK(vc.status == 1);
    CHECK(mask_port(vc.out, silent.port()) ==
          ";; Connection to 127.0.0.1#PORT(127.0.0.1) for example.test failed: connection refused.\n"
          ";; no servers could be reached\n\n");
  }
}

TEST_CASE("golden: interactive mode through piped stdin", "[golden]") {
  const auto port = example_server().port();
  const std::vector<std::string> args = {"-port=" + port_text(), "-", "127.0.0.1"};
  const std::string input =
      "set all\n"
      "server 127.0.0.1\n"
      "set type=mx\n"
      "example.test\n"
      "set type=a\n"
      "set debug\n"
      "www.example.test\n"
      "set nodebug\n"
      "set norecurse\n"
      "192.0.2.25\n"
      "set q=txt\n"
      "example.test\n"
      "set foo\n"
      "set type=bogus\n"
      "nosuch.example.test\n"
      "exit\n";
  auto ours = run_dnslookup(args, input);
  CHECK(ours.status == 1);  // the last lookup failed
  const std::string masked = mask_port(ours.out, port);
  check_golden("interactive.txt", masked);
  if (auto nslookup = test::find_program("nslookup")) {
    auto theirs = run_with_input(nslookup->string(), args, input);
    CHECK(masked == mask_port(theirs.out, port));
    CHECK(theirs.status == ours.status);
  }
}

TEST_CASE("golden: end of input ends interactive mode, status of the lookups", "[golden]") {
  auto ok = run_dnslookup({"-port=" + port_text(), "-", "127.0.0.1"}, "example.test\n");
  CHECK(ok.status == 0);
  CHECK(ok.out.rfind("Server:\t\t127.0.0.1\n", 0) == 0);
  const std::string tail = "Address: 2001:db8::1\n\n";  // the last answer, then nslookup's blank line
  REQUIRE(ok.out.size() >= tail.size());
  CHECK(ok.out.substr(ok.out.size() - tail.size()) == tail);
}
