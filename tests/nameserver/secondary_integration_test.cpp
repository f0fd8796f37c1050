// `nameserver` as a secondary of another `nameserver` (secondary_scenario.hpp), as a primary
// for a further secondary, with TSIG (right and wrong key), refusing NOTIFY from a non-primary,
// and against a primary that misbehaves (garbage, an oversized or stalled transfer, a zone the
// checks refuse): one clear log line each, the old copy still served, no crash.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <functional>
#include <thread>

#include "dnskit/dns/rdata.hpp"
#include "dnskit/zones/loader.hpp"
#include "integration_support.hpp"
#include "peer_primary.hpp"
#include "secondary_scenario.hpp"

using namespace nstest;
using dns::rcode;
using dns::rr_type;

namespace {

// A TCP "primary" on 127.0.0.1 that answers each framed query with what `behaviour` returns
// (nothing: it never answers, and keeps the connection open). Stops by itself with the object.
class fake_primary {
 public:
  using behaviour = std::function<std::vector<test::bytes>(const dns::message& query)>;

  explicit fake_primary(behaviour b) : behaviour_(std::move(b)) {
    listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const int one = 1;
    ::setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    REQUIRE(::bind(listener_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);  // NOLINT
    REQUIRE(::listen(listener_, 8) == 0);
    socklen_t len = sizeof a;
    ::getsockname(listener_, reinterpret_cast<sockaddr*>(&a), &len);  // NOLINT
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { run(); });
  }
  ~fake_primary() {
    stop_ = true;
    thread_.join();
    ::close(listener_);
  }
  fake_primary(const fake_primary&) = delete;
  fake_primary& operator=(const fake_primary&) = delete;
  std::uint16_t port() const { return port_; }

 private:
  bool wait_readable(int fd) {
    while (!stop_) {
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, 100) > 0) return true;
    }
    return false;
  }
  bool read_exact(int fd, std::uint8_t* out, std::size_t n) {
    while (n > 0) {
      if (!wait_readable(fd)) return false;
      const ssize_t got = ::read(fd, out, n);
      if (got <= 0) return false;
      out += got;
      n -= static_cast<std::size_t>(got);
    }
    return true;
  }
  void serve(int fd) {
    for (;;) {
      std::uint8_t length[2];
      if (!read_exact(fd, length, 2)) return;
      test::bytes query(static_cast<std::size_t>((length[0] << 8) | length[1]));
      if (!read_exact(fd, query.data(), query.size())) return;
      dns::message q;
      if (dns::decode(query, q)) return;
      for (const auto& m : behaviour_(q)) {
        test::bytes frame = {static_cast<std::uint8_t>(m.size() >> 8),
                             static_cast<std::uint8_t>(m.size() & 0xff)};
        frame.insert(frame.end(), m.begin(), m.end());
        if (::send(fd, frame.data(), frame.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(frame.size())) {
          return;
        }
      }
    }
  }
  void run() {
    while (wait_readable(listener_)) {
      const int fd = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) continue;
      serve(fd);
      ::close(fd);
    }
  }

  behaviour behaviour_;
  int listener_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

dns::record rec(std::string_view owner, rr_type type, std::string_view rdata) {
  dns::record r;
  r.owner = dns::name::from_text(owner);
  r.type = type;
  r.ttl = 300;
  REQUIRE_FALSE(dns::rdata_from_text(type, rdata, dns::name::from_text("sec.test."), r.rdata));
  return r;
}

dns::record soa_record(std::uint32_t serial) {
  return rec("sec.test.", rr_type::soa,
             "ns1 hostmaster " + std::to_string(serial) + " 3600 600 86400 300");
}

test::bytes answer_to(const dns::message& q, std::vector<dns::record> records, bool question = true) {
  dns::message m;
  m.hdr.id = q.hdr.id;
  m.hdr.qr = true;
  m.hdr.aa = true;
  if (question && !q.questions.empty()) m.questions.push_back(q.questions.front());
  m.answer = std::move(records);
  return dns::encode(m);
}

// The zone's records (without the closing SOA) for serial `serial`, with `extra` records.
std::vector<dns::record> zone_of(std::uint32_t serial, std::vector<dns::record> extra = {}) {
  std::vector<dns::record> out = {soa_record(serial), rec("sec.test.", rr_type::ns, "ns1"),
                                  rec("ns1.sec.test.", rr_type::a, "192.0.2.1"),
                                  rec("www.sec.test.", rr_type::a, "192.0.2.80")};
  out.insert(out.end(), extra.begin(), extra.end());
  return out;
}

// A primary with serial 2 whose AXFR answer is `axfr` (empty: it never answers the AXFR).
fake_primary::behaviour serial_2_then(std::vector<std::vector<dns::record>> axfr_messages,
                                      std::function<std::vector<test::bytes>(const dns::message&)> raw = {}) {
  return [axfr_messages, raw](const dns::message& q) -> std::vector<test::bytes> {
    if (q.questions.size() != 1) return {};
    if (q.questions[0].qtype == rr_type::soa) return {answer_to(q, {soa_record(2)})};
    if (raw) return raw(q);
    std::vector<test::bytes> out;
    for (std::size_t i = 0; i < axfr_messages.size(); ++i) out.push_back(answer_to(q, axfr_messages[i], i == 0));
    return out;
  };
}

std::uint32_t serial_now(const test::server_address& at) {
  const auto a = soa_of(at);
  REQUIRE(a.has_value());
  REQUIRE(a->rcode() == rcode::noerror);
  REQUIRE(a->answer.size() == 1);
  const auto soa = dns::soa(a->answer[0].rdata);
  REQUIRE(soa.has_value());
  return soa->serial;
}

// A NOTIFY for `zone` sent from `source` (a 127.0.0.x address) to `to`; the answer's rcode.
std::optional<rcode> send_notify(const char* source, const test::server_address& to,
                                 std::string_view zone) {
  const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  sockaddr_in from{};
  from.sin_family = AF_INET;
  ::inet_pton(AF_INET, source, &from.sin_addr);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&from), sizeof from) == 0);  // NOLINT
  sockaddr_in dest{};
  dest.sin_family = AF_INET;
  dest.sin_port = htons(to.port);
  ::inet_pton(AF_INET, to.address.c_str(), &dest.sin_addr);
  dns::message m;
  m.hdr.id = 777;
  m.hdr.op = dns::opcode::notify;
  m.hdr.aa = true;
  m.questions.push_back({dns::name::from_text(zone), rr_type::soa, dns::rr_class::in});
  const auto wire = dns::encode(m);
  ::sendto(fd, wire.data(), wire.size(), 0, reinterpret_cast<sockaddr*>(&dest), sizeof dest);  // NOLINT
  std::optional<rcode> out;
  pollfd p{fd, POLLIN, 0};
  if (::poll(&p, 1, 2000) == 1) {
    std::uint8_t buffer[512];
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    dns::message reply;
    if (n > 0 && !dns::decode(std::span(buffer, static_cast<std::size_t>(n)), reply) &&
        reply.hdr.id == 777 && reply.hdr.op == dns::opcode::notify) {
      out = reply.rcode();
    }
  }
  ::close(fd);
  return out;
}

}  // namespace

TEST_CASE("secondary: nameserver as a secondary of nameserver", "[integration]") {
  temp_dir dir;
  const std::uint16_t secondary_port = free_port();
  REQUIRE(secondary_port != 0);
  nameserver_primary primary(dir / "primary", "sec.test.", secondary_port);
  secondary_scenario(primary, dir.path(), secondary_port);
  CHECK(contains(primary.log(), "notify sec.test. serial 2 to 127.0.0.1:" +
                                    std::to_string(secondary_port) + ": acknowledged"));
}

TEST_CASE("secondary: a secondary is a primary for its own secondaries by AXFR out and NOTIFY on",
          "[integration]") {
  temp_dir dir;
  const std::uint16_t middle_port = free_port(), last_port = free_port();
  REQUIRE((middle_port != 0 && last_port != 0 && middle_port != last_port));
  nameserver_primary primary(dir / "primary", "sec.test.", middle_port);
  write_file(primary.zone_file(), secondary_zone_text(1, long_timers));
  primary.start();
  auto middle = start_server(
      {"--listen", "127.0.0.1:" + std::to_string(middle_port), "--secondary",
       "sec.test.=" + (dir / "middle.zone").string() + ",primary=127.0.0.1:" + std::to_string(primary.port()),
       "--notify", "127.0.0.1:" + std::to_string(last_port)});
  auto last = start_server(
      {"--listen", "127.0.0.1:" + std::to_string(last_port), "--secondary",
       "sec.test.=" + (dir / "last.zone").string() + ",primary=127.0.0.1:" + std::to_string(middle_port)});
  const test::server_address last_at{"127.0.0.1", last_port};
  if (!time_until_serial(last_at, 1, 30s)) FAIL(middle->stderr_text() << last->stderr_text());

  write_file(primary.zone_file(), secondary_zone_text(2, long_timers));
  primary.reload();
  const auto took = time_until_serial(last_at, 2, 20s);
  if (!took) FAIL(middle->stderr_text() << last->stderr_text());
  CHECK(*took < 5s);  // two NOTIFYs and two transfers; REFRESH is an hour
  CHECK(wait_log(*middle, "notify sec.test. serial 2 to 127.0.0.1:" + std::to_string(last_port) +
                              ": acknowledged"));
  CHECK(wait_log(*last, "zone sec.test.: NOTIFY from 127.0.0.1"));
  CHECK(middle->stop() == 0);
  CHECK(last->stop() == 0);
  primary.stop();
}

TEST_CASE("secondary: TSIG-signed transfers and NOTIFY and a wrong key in one clear line",
          "[integration][tsig]") {
  const std::string secret = "c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0";
  const std::string wrong = "b3RoZXJvdGhlcm90aGVyb3RoZXJvdGhlcg==";
  temp_dir dir;
  const std::uint16_t secondary_port = free_port();
  write_file(dir / "primary.zone", secondary_zone_text(1, long_timers));
  auto primary = start_server({"--zone", "sec.test.=" + (dir / "primary.zone").string(),
                               "--tsig-key", "xfr:" + secret, "--allow-transfer", "key:xfr",
                               "--notify", "127.0.0.1:" + std::to_string(secondary_port) + ",key:xfr"});
  const std::string source = "sec.test.=" + (dir / "copy.zone").string() +
                             ",primary=127.0.0.1:" + std::to_string(primary->port()) + ",key:xfr";
  const test::server_address at{"127.0.0.1", secondary_port};

  SECTION("the right key") {
    auto secondary = start_server({"--listen", "127.0.0.1:" + std::to_string(secondary_port),
                                   "--tsig-key", "xfr:" + secret, "--secondary", source});
    if (!time_until_serial(at, 1, 20s)) FAIL(secondary->stderr_text());
    write_file(dir / "primary.zone", secondary_zone_text(2, long_timers));
    const auto lines = secondary->process().stderr_line_count();
    REQUIRE(primary->process().signal(SIGHUP));
    if (!time_until_serial(at, 2, 20s)) FAIL(secondary->stderr_text());
    CHECK(wait_log(*secondary, "NOTIFY from 127.0.0.1", lines));
    // The IXFR was signed and its answer verified as the AXFR's are (RFC 8945 §5.3.1).
    CHECK(wait_log(*secondary, "by IXFR, serial 1 -> 2: 1 change(s)", lines));
    CHECK(contains(secondary->stderr_text(), "key xfr."));
    CHECK(wait_log(*primary, "serial 2 to 127.0.0.1:" + std::to_string(secondary_port) +
                                 ": acknowledged (key xfr.)"));
    // An unsigned NOTIFY from the primary's address is not enough for a zone with a key.
    CHECK(send_notify("127.0.0.1", at, "sec.test.") == rcode::refused);
  }
  SECTION("a wrong secret") {
    auto secondary = start_server({"--listen", "127.0.0.1:" + std::to_string(secondary_port),
                                   "--tsig-key", "xfr:" + wrong, "--secondary", source});
    CHECK(wait_log(*secondary, "zone sec.test.: refresh from 127.0.0.1:" +
                                   std::to_string(primary->port()) +
                                   " failed: SOA query: TSIG BADSIG"));
    CHECK(contains(secondary->stderr_text(), "not served yet"));
    const auto a = soa_of(at);
    REQUIRE(a.has_value());
    CHECK(a->rcode() == rcode::servfail);
    CHECK_FALSE(std::filesystem::exists(dir / "copy.zone"));
  }
  SECTION("no key where the primary wants one") {
    auto secondary = start_server(
        {"--listen", "127.0.0.1:" + std::to_string(secondary_port), "--secondary",
         "sec.test.=" + (dir / "copy.zone").string() + ",primary=127.0.0.1:" + std::to_string(primary->port())});
    CHECK(wait_log(*secondary, "failed: AXFR: the primary answered REFUSED"));
  }
}

TEST_CASE("secondary: NOTIFY from anyone but the primary is REFUSED and logged", "[integration]") {
  temp_dir dir;
  // The primary is 127.0.0.2 (nothing answers there: refreshes fail, which is fine here).
  write_file(dir / "copy.zone", secondary_zone_text(1, long_timers));
  auto secondary = start_server(
      {"--secondary", "sec.test.=" + (dir / "copy.zone").string() + ",primary=127.0.0.2:9"});
  const auto at = address_of(*secondary);
  CHECK(serial_now(at) == 1);  // served from FILE
  CHECK(send_notify("127.0.0.1", at, "sec.test.") == rcode::refused);
  CHECK(wait_log(*secondary, "NOTIFY for sec.test. from 127.0.0.1:"));
  CHECK(contains(secondary->stderr_text(), "refused: not the primary"));
  CHECK(send_notify("127.0.0.2", at, "other.test.") == rcode::refused);
  const auto lines = secondary->process().stderr_line_count();
  CHECK(send_notify("127.0.0.2", at, "sec.test.") == rcode::noerror);
  CHECK(wait_log(*secondary, "zone sec.test.: NOTIFY from 127.0.0.2:", lines));
  CHECK(serial_now(at) == 1);
}

TEST_CASE("secondary: a misbehaving primary costs one log line and the old copy stays served",
          "[integration]") {
  temp_dir dir;
  const auto copy = dir / "copy.zone";
  write_file(copy, secondary_zone_text(1, long_timers));
  const std::string before = read_file(copy);
  std::vector<std::string> extra_args;
  std::string expected;
  fake_primary::behaviour behaviour;

  SECTION("garbage") {
    behaviour = serial_2_then({}, [](const dns::message&) {
      return std::vector<test::bytes>{test::bytes(40, 0xA5)};
    });
    expected = "failed: AXFR: message 1 does not decode";
  }
  SECTION("a transfer larger than --max-zone-file-size") {
    std::string many;
    for (int i = 0; i < 300; ++i) many += "h" + std::to_string(i) + " A 192.0.2.7\n";
    const auto loaded = dnskit::zones::load_zone_text(
        dns::name::from_text("sec.test."), secondary_zone_text(2, long_timers, many), "big.zone");
    REQUIRE(loaded.ok());
    behaviour = serial_2_then({loaded.zone->to_records(), {soa_record(2)}});
    extra_args = {"--max-zone-file-size", "4000"};
    expected = "failed: AXFR: the transfer is larger than 4000 bytes";
  }
  SECTION("a transfer that stalls") {
    behaviour = serial_2_then({}, [](const dns::message&) { return std::vector<test::bytes>{}; });
    extra_args = {"--tcp-idle-timeout", "500"};
    expected = "failed: AXFR: no progress for 500 ms";
  }
  SECTION("a transfer that ends in the middle") {
    behaviour = serial_2_then({zone_of(2)});  // no closing SOA, then the primary goes quiet
    extra_args = {"--tcp-idle-timeout", "500"};
    expected = "failed: AXFR: no progress for 500 ms";
  }
  SECTION("a zone the checks refuse") {
    behaviour = serial_2_then({zone_of(2, {rec("www.sec.test.", rr_type::cname, "ns1")}), {soa_record(2)}});
    expected = "AXFR from 127.0.0.1:";
  }
  fake_primary primary(behaviour);
  std::vector<std::string> args = {"--secondary", "sec.test.=" + copy.string() +
                                                      ",primary=127.0.0.1:" + std::to_string(primary.port())};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  auto secondary = start_server(args);
  const auto at = address_of(*secondary);
  INFO(secondary->stderr_text());
  REQUIRE(wait_log(*secondary, expected));
  const auto line = secondary->process().wait_for_line(expected, 1s);
  REQUIRE(line.has_value());
  CHECK(contains(*line, "still serving serial 1"));
  CHECK(serial_now(at) == 1);
  CHECK(read_file(copy) == before);
  // And it goes on serving; a stop is clean.
  CHECK(test::udp_query(at, make_query("www.sec.test.", rr_type::a))->answer.size() == 1);
  CHECK(secondary->stop() == 0);
}

namespace {

// A primary at serial 3 whose IXFR answer is `ixfr` (records, split into messages of two, or
// `ixfr_raw` when given) and whose AXFR answer is the whole zone of serial 3 with `extra`, or
// nothing when `axfr_answers` is false (it stalls).
fake_primary::behaviour ixfr_then_axfr(std::vector<dns::record> ixfr,
                                       std::function<std::vector<test::bytes>(const dns::message&)> ixfr_raw,
                                       std::vector<dns::record> extra, bool axfr_answers) {
  return [=](const dns::message& q) -> std::vector<test::bytes> {
    if (q.questions.size() != 1) return {};
    const rr_type type = q.questions[0].qtype;
    if (type == rr_type::soa) return {answer_to(q, {soa_record(3)})};
    if (type == rr_type::ixfr) {
      if (ixfr_raw) return ixfr_raw(q);
      std::vector<test::bytes> out;
      for (std::size_t i = 0; i < ixfr.size(); i += 2) {
        out.push_back(answer_to(q, {ixfr.begin() + static_cast<std::ptrdiff_t>(i),
                                    ixfr.begin() + static_cast<std::ptrdiff_t>(std::min(i + 2, ixfr.size()))},
                                i == 0));
      }
      return out;
    }
    if (type != rr_type::axfr || !axfr_answers) return {};
    return {answer_to(q, zone_of(3, extra)), answer_to(q, {soa_record(3)}, false)};
  };
}

}  // namespace

TEST_CASE("secondary: an IXFR that does not apply is dropped whole and the zone comes by AXFR",
          "[integration]") {
  temp_dir dir;
  const auto copy = dir / "copy.zone";
  write_file(copy, secondary_zone_text(1, long_timers));
  const std::string before = read_file(copy);
  const dns::record added_by_first = rec("first.sec.test.", rr_type::a, "192.0.2.11");
  // 1 -> 2 applies (it adds first.sec.test.); 2 -> 3 deletes a record the zone does not have.
  const std::vector<dns::record> broken_second = {
      soa_record(3), soa_record(1), soa_record(2), added_by_first,
      soa_record(2), rec("gone.sec.test.", rr_type::a, "192.0.2.99"), soa_record(3), soa_record(3)};
  std::vector<dns::record> ixfr;
  std::function<std::vector<test::bytes>(const dns::message&)> raw;
  std::string why;
  bool axfr_answers = true;

  SECTION("a delete of a record that is not there, in the second of two changes") {
    ixfr = broken_second;
    why = "IXFR: the change from serial 2 to 3 does not apply: deletes a record that is not in "
          "the zone: gone.sec.test.";
  }
  SECTION("a sequence that does not start at our serial") {
    ixfr = {soa_record(3), soa_record(2), soa_record(3), added_by_first, soa_record(3)};
    why = "IXFR: a change starts at serial 2, but the changes so far lead to 1";
  }
  SECTION("NOTIMP") {
    raw = [](const dns::message& q) {
      dns::message m;
      m.hdr.id = q.hdr.id;
      m.hdr.qr = true;
      m.questions.push_back(q.questions.front());
      m.set_rcode(rcode::notimp);
      return std::vector<test::bytes>{dns::encode(m)};
    };
    why = "IXFR: the primary answered NOTIMP";
  }
  SECTION("no answer to the IXFR") {
    raw = [](const dns::message&) { return std::vector<test::bytes>{}; };
    why = "IXFR: no progress for 700 ms (tcp-idle-timeout)";
  }
  SECTION("the broken change, and no AXFR either: still serial 1, nothing of 1 -> 2 served") {
    ixfr = broken_second;
    axfr_answers = false;
  }
  fake_primary primary(ixfr_then_axfr(ixfr, raw, {rec("axfr.sec.test.", rr_type::a, "192.0.2.33")},
                                      axfr_answers));
  auto secondary = start_server({"--secondary", "sec.test.=" + copy.string() + ",primary=127.0.0.1:" +
                                                    std::to_string(primary.port()),
                                 "--tcp-idle-timeout", "700"});
  const auto at = address_of(*secondary);
  INFO(secondary->stderr_text());
  if (axfr_answers) {
    const std::string line = "zone sec.test.: transferred serial 3 from 127.0.0.1:" +
                             std::to_string(primary.port()) + " by AXFR (was 1; " + why;
    if (!wait_log(*secondary, line)) FAIL(secondary->stderr_text());
    REQUIRE(time_until_serial(at, 3, 10s));  // the line comes just before it is served
    // The AXFR's version, not ours with part of the differences.
    const auto axfr = test::udp_query(at, make_query("axfr.sec.test.", rr_type::a));
    REQUIRE(axfr.has_value());
    CHECK(axfr->answer.size() == 1);
    const auto gone = test::udp_query(at, make_query("first.sec.test.", rr_type::a));
    REQUIRE(gone.has_value());
    CHECK(gone->rcode() == rcode::nxdomain);
  } else {
    if (!wait_log(*secondary, "failed: AXFR: no progress for 700 ms (tcp-idle-timeout) (after "
                              "IXFR: the change from serial 2 to 3 does not apply")) {
      FAIL(secondary->stderr_text());
    }
    const auto line = secondary->process().wait_for_line("(after IXFR:", 1s);
    REQUIRE(line.has_value());
    CHECK(contains(*line, "still serving serial 1"));
    CHECK(serial_now(at) == 1);
    // Never half a transfer: the first change, which did apply, is not served.
    const auto none = test::udp_query(at, make_query("first.sec.test.", rr_type::a));
    REQUIRE(none.has_value());
    CHECK(none->rcode() == rcode::nxdomain);
    CHECK(read_file(copy) == before);
    CHECK_FALSE(std::filesystem::exists(dir / "copy.zone.jnl"));
  }
  CHECK(secondary->stop() == 0);
}
