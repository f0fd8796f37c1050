// SIGHUP reloads (a clean zone replaces the old one, a broken one keeps the old one serving and
// the error is logged as file:line:column), NOTIFY to a secondary when the serial changes, and
// SIGTERM/SIGINT stopping with exit status 0.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <regex>

#include "integration_support.hpp"

using namespace nstest;
using dns::rcode;
using dns::rr_type;

namespace {

std::string zone_text(std::uint32_t serial, std::string_view extra = "") {
  return small_zone_text("reload.test.", serial, extra);
}

std::uint32_t serial_of(const test::server_address& at) {
  auto a = test::udp_query(at, make_query("reload.test.", rr_type::soa));
  REQUIRE(a.has_value());
  REQUIRE(a->answer.size() == 1);
  const auto& rd = a->answer[0].rdata;
  // SOA rdata: two names, then serial (the names are uncompressed in canonical rdata).
  std::size_t at_byte = 0;
  for (int names = 0; names < 2; ++names) {
    while (at_byte < rd.size() && rd[at_byte] != 0) at_byte += rd[at_byte] + 1u;
    ++at_byte;
  }
  REQUIRE(at_byte + 4 <= rd.size());
  return (std::uint32_t{rd[at_byte]} << 24) | (std::uint32_t{rd[at_byte + 1]} << 16) |
         (std::uint32_t{rd[at_byte + 2]} << 8) | rd[at_byte + 3];
}

// A UDP socket on 127.0.0.1 standing in for a secondary.
class fake_secondary {
 public:
  fake_secondary() {
    fd_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
  }
  ~fake_secondary() { ::close(fd_); }
  std::uint16_t port() const { return port_; }

  // The next NOTIFY (decoded), answered when `reply` is set.
  std::optional<dns::message> receive(std::chrono::milliseconds timeout, bool reply) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return std::nullopt;
    std::uint8_t buffer[4096];
    sockaddr_storage from{};
    socklen_t len = sizeof from;
    const ssize_t n = ::recvfrom(fd_, buffer, sizeof buffer, 0, reinterpret_cast<sockaddr*>(&from), &len);
    if (n <= 0) return std::nullopt;
    dns::message m;
    if (dns::decode(std::span(buffer, static_cast<std::size_t>(n)), m)) return std::nullopt;
    if (reply) {
      dns::message r = m;
      r.hdr.qr = true;
      auto wire = dns::encode(r);
      ::sendto(fd_, wire.data(), wire.size(), 0, reinterpret_cast<sockaddr*>(&from), len);
    }
    return m;
  }

 private:
  int fd_ = -1;
  std::uint16_t port_ = 0;
};

}  // namespace

TEST_CASE("reload: SIGHUP picks up a new serial and new records", "[integration]") {
  temp_dir dir;
  const auto file = dir / "reload.test.zone";
  write_file(file, zone_text(1));
  auto server = start_server({"--zone", file.string()});
  const auto at = address_of(*server);
  CHECK(serial_of(at) == 1);
  CHECK(test::udp_query(at, make_query("new.reload.test.", rr_type::a))->rcode() == rcode::nxdomain);

  write_file(file, zone_text(2, "new IN A 192.0.2.99\n"));
  const auto lines = server->process().stderr_line_count();
  REQUIRE(server->process().signal(SIGHUP));
  REQUIRE(wait_log(*server, "serial 1 -> 2", lines));
  CHECK(serial_of(at) == 2);
  auto fresh = test::udp_query(at, make_query("new.reload.test.", rr_type::a));
  REQUIRE(fresh.has_value());
  CHECK(fresh->rcode() == rcode::noerror);
  CHECK(fresh->answer.size() == 1);
  CHECK(server->stop() == 0);
}

TEST_CASE("reload: a broken zone file keeps the old zone serving", "[integration]") {
  temp_dir dir;
  const auto file = dir / "reload.test.zone";
  write_file(file, zone_text(7));
  auto server = start_server({"--zone", file.string(), "--threads", "2"});
  const auto at = address_of(*server);
  CHECK(serial_of(at) == 7);

  write_file(file, zone_text(8, "bad IN AAAA not-an-address\n"));
  const auto lines = server->process().stderr_line_count();
  REQUIRE(server->process().signal(SIGHUP));
  // Generous under sanitizers on a loaded machine; on failure the server's own words say why.
  if (!wait_log(*server, "still serving serial 7", lines, 30s)) FAIL(server->stderr_text());
  // The error names the file, line and column.
  const std::regex place(file.string() + ":7:13: error");
  CHECK(std::regex_search(server->stderr_text(), place));
  for (int i = 0; i < 10; ++i) CHECK(serial_of(at) == 7);
  CHECK(test::tcp_query(at, make_query("www.reload.test.", rr_type::a))->answer.size() == 1);

  // Fixed again: the next reload takes it.
  write_file(file, zone_text(9));
  const auto lines2 = server->process().stderr_line_count();
  REQUIRE(server->process().signal(SIGHUP));
  REQUIRE(wait_log(*server, "serial 7 -> 9", lines2));
  CHECK(serial_of(at) == 9);
}

TEST_CASE("reload: queries during repeated reloads always see a whole zone", "[integration]") {
  temp_dir dir;
  const auto file = dir / "reload.test.zone";
  write_file(file, zone_text(1, "v IN TXT \"1\"\n"));
  auto server = start_server({"--zone", file.string(), "--threads", "2"});
  const auto at = address_of(*server);
  for (std::uint32_t serial = 2; serial <= 11; ++serial) {
    write_file(file, zone_text(serial, "v IN TXT \"" + std::to_string(serial) + "\"\n"));
    const auto lines = server->process().stderr_line_count();
    REQUIRE(server->process().signal(SIGHUP));
    // Queries race the reload: each sees the old or the new zone, whole.
    for (int i = 0; i < 20; ++i) {
      auto a = test::udp_query(at, make_query("v.reload.test.", rr_type::txt));
      REQUIRE(a.has_value());
      REQUIRE(a->answer.size() == 1);
      CHECK(a->rcode() == rcode::noerror);
    }
    // Signals sent faster than they are handled may merge into one: wait for each reload.
    REQUIRE(wait_log(*server, " -> " + std::to_string(serial), lines));
  }
  CHECK(serial_of(at) == 11);
}

TEST_CASE("notify: secondaries get NOTIFY at start and when the serial changes", "[integration]") {
  temp_dir dir;
  const auto file = dir / "reload.test.zone";
  write_file(file, zone_text(41));
  fake_secondary secondary;
  auto server = start_server(
      {"--zone", file.string(), "--notify", "127.0.0.1:" + std::to_string(secondary.port())});

  auto first = secondary.receive(5s, true);
  REQUIRE(first.has_value());
  CHECK(first->hdr.op == dns::opcode::notify);
  CHECK(first->hdr.aa);
  REQUIRE(first->questions.size() == 1);
  CHECK(first->questions[0].qname == dns::name::from_text("reload.test."));
  CHECK(first->questions[0].qtype == rr_type::soa);
  // RFC 1996 §3.7: the zone's SOA in the answer section carries the new serial.
  REQUIRE(first->answer.size() == 1);
  CHECK(first->answer[0].type == rr_type::soa);
  CHECK(first->answer[0].owner == dns::name::from_text("reload.test."));
  CHECK(contains(first->answer[0].to_text(), " 41 7200 3600 1209600 300"));
  CHECK(wait_log(*server, "serial 41 to 127.0.0.1"));

  // Unchanged serial: no NOTIFY; a new serial: NOTIFY, repeated while unanswered (RFC 1996 §3.6).
  REQUIRE(server->process().signal(SIGHUP));
  CHECK_FALSE(secondary.receive(700ms, false).has_value());
  write_file(file, zone_text(42));
  REQUIRE(server->process().signal(SIGHUP));
  auto unanswered = secondary.receive(5s, false);
  REQUIRE(unanswered.has_value());
  auto retry = secondary.receive(3s, true);
  REQUIRE(retry.has_value());
  CHECK(retry->hdr.id == unanswered->hdr.id);
  CHECK(wait_log(*server, "notify reload.test. serial 42 to 127.0.0.1:" +
                              std::to_string(secondary.port()) + ": acknowledged"));
}

TEST_CASE("signals: SIGTERM and SIGINT stop the server with status 0", "[integration]") {
  for (int sig : {SIGTERM, SIGINT}) {
    auto server = start_example_server({"--threads", "2"});
    // A connection with a query answered and one left open: the stop must not wait for it.
    test::tcp_client idle;
    REQUIRE(idle.connect(address_of(*server)));
    REQUIRE(idle.send_message(dns::encode(make_query("example.test.", rr_type::soa))));
    REQUIRE(idle.receive_message().has_value());
    const auto start = std::chrono::steady_clock::now();
    CHECK(server->stop(sig) == 0);
    CHECK(std::chrono::steady_clock::now() - start < 3s);
    CHECK(idle.wait_closed(1s));
  }
}
