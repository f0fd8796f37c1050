#pragma once
// The life of a secondary zone, played against any primary (peer_primary.hpp): the first
// transfer, a NOTIFY-driven update after the primary's reload, a restart that serves the copy
// in FILE at once, and SERVFAIL once EXPIRE has passed with the primary stopped.
#include <chrono>
#include <string>

#include "integration_support.hpp"
#include "peer_primary.hpp"
#include "peer_secondary.hpp"

namespace nstest {

// The test zone; `timers` is the SOA's "REFRESH RETRY EXPIRE MINIMUM".
inline std::string secondary_zone_text(std::uint32_t serial, std::string_view timers,
                                       std::string_view extra = "") {
  return "$ORIGIN sec.test.\n$TTL 300\n@ IN SOA ns1 hostmaster " + std::to_string(serial) + " " +
         std::string(timers) + "\n@ IN NS ns1\nns1 IN A 192.0.2.1\nwww IN A 192.0.2.80\n"
         "mail IN MX 10 www\nalias IN CNAME www\n*.wild IN TXT \"wild\"\n" + std::string(extra);
}

// Long timers: only a NOTIFY explains a quick update. Short ones: the copy expires 4 s after
// the primary stops answering.
inline constexpr std::string_view long_timers = "3600 600 86400 300";
inline constexpr std::string_view short_timers = "1 1 4 300";

// SOA rcode and serial as the secondary answers them now.
inline std::optional<dns::message> soa_of(const test::server_address& at) {
  return test::udp_query(at, make_query("sec.test.", dns::rr_type::soa), 1s);
}

inline bool wait_rcode(const test::server_address& at, dns::rcode rcode, std::chrono::seconds limit) {
  const auto until = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < until) {
    const auto a = soa_of(at);
    if (a && a->rcode() == rcode) return true;
    std::this_thread::sleep_for(100ms);
  }
  return false;
}

// Waits (polling every 20 ms, at most `limit`) for `serial` in the secondary's SOA; the time
// it took, or std::nullopt.
inline std::optional<std::chrono::milliseconds> time_until_serial(const test::server_address& at,
                                                                  std::uint32_t serial,
                                                                  std::chrono::seconds limit) {
  const auto start = std::chrono::steady_clock::now();
  const std::string text = " " + std::to_string(serial) + " ";
  while (std::chrono::steady_clock::now() - start < limit) {
    const auto a = soa_of(at);
    if (a && a->rcode() == dns::rcode::noerror && a->hdr.aa && a->answer.size() == 1 &&
        contains(a->answer[0].to_text(), text)) {
      return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
    }
    std::this_thread::sleep_for(20ms);
  }
  return std::nullopt;
}

inline void secondary_scenario(primary_peer& primary, const std::filesystem::path& dir,
                               std::uint16_t secondary_port) {
  write_file(primary.zone_file(), secondary_zone_text(1, long_timers));
  primary.start();
  const auto copy = dir / "secondary" / "sec.test.zone";
  std::filesystem::create_directories(copy.parent_path());
  const std::vector<std::string> args = {
      "--listen", "127.0.0.1:" + std::to_string(secondary_port), "--secondary",
      "sec.test.=" + copy.string() + ",primary=127.0.0.1:" + std::to_string(primary.port())};
  auto secondary = start_server(args);
  const test::server_address at{"127.0.0.1", secondary_port};
  // Both logs, as they are when a check fails.
  const auto logs = [&] {
    return "primary's log:\n" + primary.log() + "\nsecondary's log:\n" + secondary->stderr_text();
  };

  // 1. The first transfer; then the same answers as the primary.
  if (!time_until_serial(at, 1, 20s)) FAIL("no first transfer\n" << logs());
  check_secondary_answers_as_primary(
      primary.address(), at,
      {{"sec.test.", dns::rr_type::ns}, {"www.sec.test.", dns::rr_type::a},
       {"mail.sec.test.", dns::rr_type::mx}, {"alias.sec.test.", dns::rr_type::a},
       {"x.wild.sec.test.", dns::rr_type::txt}, {"nope.sec.test.", dns::rr_type::a}},
      true);
  // Written just after it is served: give the write a moment.
  bool written = false;
  for (int i = 0; i < 50 && !written; ++i) {
    written = contains(read_file(copy), "www.sec.test. 300 IN A 192.0.2.80");
    if (!written) std::this_thread::sleep_for(100ms);
  }
  CHECK(written);

  // 2. The primary reloads a new serial: its NOTIFY brings it here at once (REFRESH is an hour).
  write_file(primary.zone_file(), secondary_zone_text(2, long_timers, "notified IN A 192.0.2.2\n"));
  auto lines = secondary->process().stderr_line_count();
  primary.reload();
  const auto took = time_until_serial(at, 2, 20s);
  if (!took) FAIL("serial 2 never came\n" << logs());
  WARN("NOTIFY-driven update seen " << took->count() << " ms after the primary's reload");
  CHECK(*took < 3s);  // about 1 s when idle; generous for a loaded machine
  CHECK(wait_log(*secondary, "zone sec.test.: NOTIFY from 127.0.0.1", lines));
  auto fresh = test::udp_query(at, make_query("notified.sec.test.", dns::rr_type::a));
  REQUIRE(fresh.has_value());
  CHECK(fresh->answer.size() == 1);

  // 3. A restart serves the copy in FILE at once, before the primary is asked.
  CHECK(secondary->stop() == 0);
  secondary = start_server(args);
  const auto first = soa_of(at);
  REQUIRE(first.has_value());
  REQUIRE(first->answer.size() == 1);
  CHECK(contains(first->answer[0].to_text(), " 2 3600 600 86400 300"));
  CHECK(contains(secondary->stderr_text(), "serving serial 2 from " + copy.string()));

  // 4. Short timers from serial 3 on; with the primary gone, SERVFAIL after EXPIRE (4 s).
  write_file(primary.zone_file(), secondary_zone_text(3, short_timers));
  primary.reload();
  if (!time_until_serial(at, 3, 20s)) FAIL("serial 3 never came\n" << logs());
  primary.stop();
  const auto stopped = std::chrono::steady_clock::now();
  if (!wait_rcode(at, dns::rcode::servfail, 30s)) FAIL("no SERVFAIL after EXPIRE\n" << logs());
  CHECK(std::chrono::steady_clock::now() - stopped >= 2s);  // not before EXPIRE (4 s, less the last refresh's age)
  CHECK(wait_log(*secondary, "zone sec.test.: expired"));
  const auto www = test::udp_query(at, make_query("www.sec.test.", dns::rr_type::a));
  REQUIRE(www.has_value());
  CHECK(www->rcode() == dns::rcode::servfail);
  CHECK(secondary->stop() == 0);
}

}  // namespace nstest
