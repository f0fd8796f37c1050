// Resource bounds (issue 7, item 3): each limit is hit on purpose, and a legitimate client keeps
// getting answers over UDP and TCP meanwhile. TCP connections (--tcp-max-connections, over
// every thread, and the open-file limit raised to fit), answers buffered for a client that does
// not read (--tcp-max-buffer), input held for a frame that never completes (grows with the bytes
// received; the idle timeout closes it, a trickle does not keep it open), and zone transfers
// running at once (--axfr-max-concurrent).
#include "abuse_support.hpp"

using namespace nstest;
using dns::rcode;
using dns::rr_type;

TEST_CASE("limits: --tcp-max-connections holds over all threads while newcomers are served",
          "[integration]") {
  raise_fd_limit(4096);
  // A long idle timeout: connections are closed for the limit, not for being idle.
  auto server = start_example_server(
      {"--threads", "2", "--tcp-max-connections", "100", "--tcp-idle-timeout", "60000"});
  const auto at = address_of(*server);
  const pid_t pid = server->process().pid();
  const std::size_t base_fds = open_fds(pid);

  prober probe(at, "www.example.test.");
  // 600 at once against 100 (50 per thread): a new client's connection stays among the newest
  // long enough for its query to arrive, even in a slow sanitizer build.
  std::vector<test::tcp_client> idle(600);
  for (auto& c : idle) REQUIRE(c.connect(at));
  // Every connection is accepted, and the least recently active ones are closed.
  std::vector<bool> closed(idle.size());
  auto count_closed = [&] {
    std::size_t n = 0;
    for (std::size_t i = 0; i < idle.size(); ++i) {
      if (!closed[i]) closed[i] = idle[i].wait_closed(0ms);
      n += closed[i] ? 1 : 0;
    }
    return n;
  };
  CHECK(eventually([&] { return count_closed() >= 600 - 100; }, 2s));
  std::this_thread::sleep_for(300ms);
  const std::size_t fds = open_fds(pid);
  INFO("server descriptors: " << fds << ", before: " << base_fds);
  CHECK(fds <= base_fds + 100 + 2);  // two for the probe's connection in flight
  probe.report_and_check("600 idle connections, limit 100 over 2 threads");
}

TEST_CASE("limits: the open-file limit is raised to fit --tcp-max-connections", "[integration]") {
  rlimit saved{};
  ::getrlimit(RLIMIT_NOFILE, &saved);
  if (saved.rlim_max != RLIM_INFINITY && saved.rlim_max < 1200) {
    WARN("hard open-file limit below 1200: not checked");
    return;
  }
  raise_fd_limit(4096);
  // The server starts with a soft limit of 128 descriptors (inherited) and must raise it itself.
  rlimit low = saved;
  low.rlim_cur = 128;
  REQUIRE(::setrlimit(RLIMIT_NOFILE, &low) == 0);
  auto server = start_example_server({"--tcp-max-connections", "1000"});
  rlimit restore{};
  ::getrlimit(RLIMIT_NOFILE, &restore);
  restore.rlim_cur = std::min<rlim_t>(4096, restore.rlim_max);
  REQUIRE(::setrlimit(RLIMIT_NOFILE, &restore) == 0);
  const auto at = address_of(*server);

  prober probe(at, "www.example.test.");
  std::vector<test::tcp_client> idle(400);
  for (auto& c : idle) REQUIRE(c.connect(at));
  REQUIRE(eventually([&] { return open_fds(server->process().pid()) >= 400; }, 5s));
  probe.report_and_check("400 idle connections, soft open-file limit 128 at start");
  CHECK_FALSE(contains(server->stderr_text(), "tcp accept failed"));
}

TEST_CASE("limits: --tcp-max-buffer bounds what a client that never reads makes the server hold",
          "[integration]") {
  temp_dir dir;
  const auto file = dir / "big.test.zone";
  write_file(file, sized_zone_text("big.test.", 0, 0, 120));  // one ~31 KB TXT answer
  const measurable_memory asan_without_quarantine;
  auto server = start_server({"--zone", file.string(), "--tcp-max-buffer", "65536"});
  const auto at = address_of(*server);
  const pid_t pid = server->process().pid();
  // Warm up: one big answer read normally.
  REQUIRE(test::tcp_query(at, make_query("big.big.test.", rr_type::txt)).has_value());
  const long before = rss_kib(pid);

  prober probe(at, "www.big.test.");
  test::tcp_client hog;
  REQUIRE(hog.connect(at));
  shrink_receive_buffer(hog);
  // 600 queries at once (18 MB of answers), none of them read.
  const auto one = framed(make_query("big.big.test.", rr_type::txt));
  std::vector<std::uint8_t> many;
  for (int i = 0; i < 600; ++i) many.insert(many.end(), one.begin(), one.end());
  REQUIRE(hog.send_raw(many));
  std::this_thread::sleep_for(1500ms);
  const long after = rss_kib(pid);
  std::cout << "abuse: non-reading client, 600 x 31 KB answers: server RSS " << before << " -> "
            << after << " KiB\n";
  CHECK(after - before < 6 * 1024 * rss_growth_scale);
  probe.report_and_check("a client leaving 18 MB of answers unread");
  // The hog itself is still served once it reads.
  auto first = hog.receive_message(5s);
  REQUIRE(first.has_value());
}

TEST_CASE("limits: a frame that never completes holds little and is closed by the idle timeout",
          "[integration]") {
  raise_fd_limit(4096);
  const measurable_memory asan_without_quarantine;
  auto server = start_example_server({"--tcp-idle-timeout", "1000"});
  const auto at = address_of(*server);
  const pid_t pid = server->process().pid();
  const long before = rss_kib(pid);

  prober probe(at, "www.example.test.");
  // 300 connections announce 65535 bytes and send 10.
  std::vector<test::tcp_client> liars(300);
  const std::vector<std::uint8_t> lie = {0xff, 0xff, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  for (auto& c : liars) {
    REQUIRE(c.connect(at));
    REQUIRE(c.send_raw(lie));
  }
  // One more trickles a 200-byte query, a byte every 100 ms: bytes keep coming, a query never.
  test::tcp_client trickle;
  REQUIRE(trickle.connect(at));
  const auto start = std::chrono::steady_clock::now();
  std::thread dripper([&] {
    const std::uint8_t prefix[] = {0x00, 200};
    trickle.send_raw(prefix);
    for (int i = 0; i < 40 && !trickle.wait_closed(100ms); ++i) {
      const std::uint8_t byte = 0;
      trickle.send_raw(std::span(&byte, 1));
    }
  });
  std::this_thread::sleep_for(500ms);
  const long during = rss_kib(pid);
  std::cout << "abuse: 300 connections announcing 65535 bytes and sending 10: server RSS "
            << before << " -> " << during << " KiB\n";
  CHECK(during - before < 6 * 1024 * rss_growth_scale);  // 64 KiB each would be 19 MiB

  for (auto& c : liars) CHECK(c.wait_closed(3s));
  dripper.join();
  const auto trickle_lived = std::chrono::steady_clock::now() - start;
  CHECK(trickle_lived < 3s);  // closed by the idle timeout, not kept open by the trickle
  probe.report_and_check("300 x (65535-byte length, 10 bytes) and a trickled query");
}

TEST_CASE("limits: --axfr-max-concurrent answers further transfers SERVFAIL at once",
          "[integration]") {
  temp_dir dir;
  const auto file = dir / "xfr.test.zone";
  // A transfer of about 10 MB: more than the server's socket send buffer can take (at most
  // 4 MiB, net.core.wmem_max) plus what the stalled client's socket holds, so a transfer to a
  // client that stops reading stays unfinished and keeps its slot.
  constexpr std::size_t records = 80000;
  write_file(file, sized_zone_text("xfr.test.", records));
  auto server = start_server({"--zone", file.string(), "--axfr-max-concurrent", "2"});
  const auto at = address_of(*server);
  prober probe(at, "www.xfr.test.");

  auto start_transfer = [&](test::tcp_client& c, std::uint16_t id) {
    REQUIRE(c.connect(at));
    shrink_receive_buffer(c);
    REQUIRE(c.send_message(dns::encode(make_query("xfr.test.", rr_type::axfr, false, id))));
    auto first = c.receive_message(5s);
    REQUIRE(first.has_value());
    dns::message m;
    REQUIRE_FALSE(dns::decode(*first, m));
    return m;
  };
  // Two transfers to clients that stop reading after the first message: both slots taken.
  test::tcp_client slow1, slow2;
  CHECK(start_transfer(slow1, 1).rcode() == rcode::noerror);
  CHECK(start_transfer(slow2, 2).rcode() == rcode::noerror);

  test::tcp_client third;
  const auto asked = std::chrono::steady_clock::now();
  const dns::message refused = start_transfer(third, 3);
  CHECK(std::chrono::steady_clock::now() - asked < 1s);
  CHECK(refused.rcode() == rcode::servfail);
  CHECK(refused.hdr.id == 3);
  CHECK(refused.answer.empty());
  CHECK(wait_log(*server, "zone transfer not started"));
  // Queries on that connection still work.
  REQUIRE(third.send_message(dns::encode(make_query("www.xfr.test.", rr_type::a, true, 4))));
  auto plain = third.receive_message(2s);
  CHECK(plain.has_value());

  // A slot comes back when a transfer's client goes away; then a whole transfer runs.
  slow1.close();
  std::this_thread::sleep_for(200ms);
  test::tcp_client full;
  REQUIRE(full.connect(at));
  REQUIRE(full.send_message(dns::encode(make_query("xfr.test.", rr_type::axfr, false, 5))));
  std::size_t soa = 0, received = 0;
  while (soa < 2) {
    auto raw = full.receive_message(10s);
    REQUIRE(raw.has_value());
    dns::message m;
    REQUIRE_FALSE(dns::decode(*raw, m));
    REQUIRE(m.rcode() == rcode::noerror);
    for (const auto& r : m.answer) {
      ++received;
      soa += r.type == rr_type::soa ? 1 : 0;
    }
  }
  CHECK(received == records + 5);  // SOA, NS, ns1 A, www A, the TXT records, SOA again
  probe.report_and_check("two stalled transfers at --axfr-max-concurrent 2");
}
