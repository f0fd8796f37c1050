// Reload under load (issue 7, item 4): SIGHUP again and again while clients keep asking over UDP
// (a window of queries always in flight) and TCP, the zone file alternating between a new valid
// version, a broken file (a syntax error) and a half-written one (the first half written, SIGHUP,
// then the rest). No query may go unanswered, and every answer must come from one whole zone
// version: `v TXT` holds "a-N" and "b-N" (written far apart in the file) and its additional
// section the address of ns1, 10.0.N/256.N%256; all three must name the same N, a version that
// was loaded. The short form sends 20 SIGHUPs; the [long] form 100. Both run two server threads.
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <map>
#include <random>
#include <set>

#include "abuse_support.hpp"

using namespace nstest;
using dns::rr_type;

namespace {

// Version `n` of zone load.test.; the SOA comes last and b-N near the end, so the first half of
// the file has no SOA (it cannot load) and holds a-N without b-N.
std::string versioned_zone(unsigned n) {
  std::string text = "$ORIGIN load.test.\n$TTL 300\n@ IN NS ns1\n";
  text += "ns1 IN A 10.0." + std::to_string(n / 256) + "." + std::to_string(n % 256) + "\n";
  text += "v IN TXT \"a-" + std::to_string(n) + "\"\nwww IN A 192.0.2.80\n";
  for (int i = 0; i < 60; ++i) text += "pad" + std::to_string(i) + " IN TXT \"padding line\"\n";
  text += "v IN TXT \"b-" + std::to_string(n) + "\"\n";
  text += "@ IN SOA ns1 hostmaster " + std::to_string(n) + " 7200 3600 1209600 300\n";
  return text;
}

// The version an answer to `v TXT` comes from; std::nullopt when its parts disagree or are
// missing.
std::optional<unsigned> version_of(const dns::message& m) {
  if (m.rcode() != dns::rcode::noerror || m.answer.size() != 2) return std::nullopt;
  std::set<std::string> texts;
  for (const auto& r : m.answer) {
    if (r.type != rr_type::txt || r.rdata.empty()) return std::nullopt;
    texts.insert(std::string(r.rdata.begin() + 1, r.rdata.end()));
  }
  std::optional<unsigned> address;
  for (const auto& r : m.additional) {
    if (r.type == rr_type::a && r.rdata.size() == 4) address = r.rdata[2] * 256u + r.rdata[3];
  }
  if (!address) return std::nullopt;
  const std::string n = std::to_string(*address);
  if (texts != std::set<std::string>{"a-" + n, "b-" + n}) return std::nullopt;
  return address;
}

struct load_stats {
  std::size_t sent = 0, answered = 0, unanswered = 0, torn = 0, unknown_version = 0;
  std::string summary() const {
    return "sent " + std::to_string(sent) + ", answered " + std::to_string(answered) +
           ", unanswered " + std::to_string(unanswered) + ", mixed versions " +
           std::to_string(torn) + ", versions never loaded " + std::to_string(unknown_version);
  }
};

// Keeps `window` UDP queries in flight on one socket, and asks over TCP (one connection per
// query) in a second thread, until stopped. A query unanswered after 2 s is counted and dropped.
class load_generator {
 public:
  load_generator(test::server_address at, std::set<unsigned>& loaded, std::mutex& loaded_mutex)
      : at_(std::move(at)), loaded_(loaded), loaded_mutex_(loaded_mutex),
        udp_thread_([this] { run_udp(); }), tcp_thread_([this] { run_tcp(); }) {}
  ~load_generator() { stop(); }

  void stop() {
    stopping_ = true;
    if (udp_thread_.joinable()) udp_thread_.join();
    if (tcp_thread_.joinable()) tcp_thread_.join();
  }
  load_stats udp() const { return udp_; }
  load_stats tcp() const { return tcp_; }

 private:
  void check(load_stats& s, const dns::message& m) {
    ++s.answered;
    const auto v = version_of(m);
    if (!v) {
      ++s.torn;
      return;
    }
    std::lock_guard lock(loaded_mutex_);
    if (loaded_.count(*v) == 0) ++s.unknown_version;
  }

  void run_udp() {
    constexpr std::size_t window = 8;
    const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(at_.port);
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::connect(fd, reinterpret_cast<const sockaddr*>(&to), sizeof to);
    std::map<std::uint16_t, std::chrono::steady_clock::time_point> in_flight;
    std::uint16_t next_id = 0;
    std::vector<std::uint8_t> buffer(65535);
    for (;;) {
      const auto now = std::chrono::steady_clock::now();
      if (stopping_ && in_flight.empty()) break;
      while (!stopping_ && in_flight.size() < window) {
        const std::uint16_t id = next_id++;
        if (in_flight.count(id) != 0) break;
        const auto wire = dns::encode(make_query("v.load.test.", rr_type::txt, true, id));
        ::send(fd, wire.data(), wire.size(), 0);
        in_flight[id] = now;
        ++udp_.sent;
      }
      for (auto it = in_flight.begin(); it != in_flight.end();) {
        if (now - it->second > 2s) {
          ++udp_.unanswered;
          it = in_flight.erase(it);
        } else {
          ++it;
        }
      }
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, 10) <= 0) continue;
      const ssize_t n = ::recv(fd, buffer.data(), buffer.size(), 0);
      if (n <= 0) continue;
      dns::message m;
      if (dns::decode(std::span(buffer.data(), static_cast<std::size_t>(n)), m)) {
        ++udp_.torn;
        continue;
      }
      if (in_flight.erase(m.hdr.id) == 0) continue;  // a late answer, already counted
      check(udp_, m);
    }
    ::close(fd);
  }

  void run_tcp() {
    std::uint16_t id = 0;
    while (!stopping_) {
      ++tcp_.sent;
      auto m = test::tcp_query(at_, make_query("v.load.test.", rr_type::txt, true, ++id), 2s);
      if (!m || m->hdr.id != id) {
        ++tcp_.unanswered;
        continue;
      }
      check(tcp_, *m);
    }
  }

  test::server_address at_;
  std::set<unsigned>& loaded_;
  std::mutex& loaded_mutex_;
  load_stats udp_, tcp_;
  std::atomic<bool> stopping_{false};
  std::thread udp_thread_, tcp_thread_;
};

// Writes `text` in place (no rename), as an editor or a copy in progress does.
void write_in_place(const std::filesystem::path& path, std::string_view text, bool append) {
  std::ofstream out(path, std::ios::binary | (append ? std::ios::app : std::ios::trunc));
  out << text;
}

void reload_under_load(int cycles, unsigned threads) {
  temp_dir dir;
  const auto file = dir / "load.test.zone";
  unsigned version = 1;
  write_file(file, versioned_zone(version));
  std::set<unsigned> loaded = {version};
  std::mutex loaded_mutex;
  auto server = start_server({"--zone", file.string(), "--threads", std::to_string(threads)});
  const auto at = address_of(*server);

  auto reload = [&](std::string_view expect) {
    const auto lines = server->process().stderr_line_count();
    REQUIRE(server->process().signal(SIGHUP));
    // One reload at a time: signals sent faster than they are handled would merge.
    REQUIRE(wait_log(*server, expect, lines));
  };
  auto publish = [&](unsigned n) {
    std::lock_guard lock(loaded_mutex);
    loaded.insert(n);  // before the reload: answers from it may come at once
  };

  std::size_t reloads = 0;
  {
    load_generator load(at, loaded, loaded_mutex);
    std::this_thread::sleep_for(200ms);
    for (int i = 0; i < cycles; ++i) {
      const std::string still = "still serving serial " + std::to_string(version);
      switch (i % 3) {
        case 0: {  // a new valid version
          publish(version + 1);
          write_file(file, versioned_zone(version + 1));
          reload(std::to_string(version) + " -> " + std::to_string(version + 1));
          ++version;
          ++reloads;
          break;
        }
        case 1: {  // broken: a syntax error in an otherwise new version
          write_file(file, versioned_zone(version + 1) + "bad IN AAAA not-an-address\n");
          reload(still);
          ++reloads;
          break;
        }
        case 2: {  // half written: SIGHUP between the two halves
          const std::string text = versioned_zone(version + 1);
          write_in_place(file, std::string_view(text).substr(0, text.size() / 2), false);
          reload(still);
          publish(version + 1);
          write_in_place(file, std::string_view(text).substr(text.size() / 2), true);
          reload(std::to_string(version) + " -> " + std::to_string(version + 1));
          ++version;
          reloads += 2;
          break;
        }
      }
    }
    std::this_thread::sleep_for(200ms);
    load.stop();
    const load_stats u = load.udp(), t = load.tcp();
    std::cout << "abuse: " << reloads << " reloads under load, final serial " << version
              << ": udp " << u.summary() << "; tcp " << t.summary() << "\n";
    CHECK(u.answered > 0);
    CHECK(t.answered > 0);
    CHECK(u.unanswered == 0);
    CHECK(t.unanswered == 0);
    CHECK(u.torn == 0);
    CHECK(t.torn == 0);
    CHECK(u.unknown_version == 0);
    CHECK(t.unknown_version == 0);
  }
  auto last = test::udp_query(at, make_query("v.load.test.", rr_type::txt));
  REQUIRE(last.has_value());
  CHECK(version_of(*last) == version);
  CHECK(server->stop() == 0);
}

}  // namespace

TEST_CASE("abuse: reloads under load always answer from one whole zone", "[integration][abuse]") {
  reload_under_load(15, 2);  // 5 valid, 5 broken, 5 half-written: 20 SIGHUPs
}

TEST_CASE("abuse: 100 reloads under load", "[abuse][long]") {
  reload_under_load(75, 2);  // 25 valid, 25 broken, 25 half-written: 100 SIGHUPs
}

namespace {

// The chaos run's zone: versioned_zone(n) with `pad` more records before b-N, so that reading
// and parsing take long enough for rewrites to land in the middle of them.
std::string chaos_zone(unsigned n, std::size_t pad) {
  std::string text = versioned_zone(n);
  std::string block;
  for (std::size_t i = 0; i < pad; ++i) block += "chaos" + std::to_string(i) + " IN A 192.0.2.9\n";
  text.insert(text.find("v IN TXT \"b-"), block);
  return text;
}

std::chrono::seconds chaos_duration() {
  const char* env = std::getenv("DNSKIT_CHAOS_SECONDS");
  return std::chrono::seconds(env != nullptr ? std::max(1, std::atoi(env)) : 300);
}

}  // namespace

// For DNSKIT_CHAOS_SECONDS (default 300) under UDP and TCP query load: zone files rewritten in
// place, truncated, swapped for broken ones, torn while a reload reads them, SIGHUP storms, and
// (outside sanitizer builds) reloads that run out of memory under prlimit. The server must never
// crash, every query must be answered, and every answer must come from one whole version that
// was written whole.
TEST_CASE("abuse: chaos of rewrites, truncations, broken files and SIGHUP storms", "[abuse][long]") {
  constexpr std::size_t pad = 20'000;
  temp_dir dir;
  const auto file = dir / "load.test.zone";
  const auto huge = dir / "huge.inc";
  unsigned next = 1;
  write_file(file, chaos_zone(next, pad));
  std::set<unsigned> loaded = {next};
  std::mutex loaded_mutex;
  auto server = start_server({"--zone", file.string(), "--threads", "2"});
  const auto at = address_of(*server);
  const auto publish = [&](unsigned n) {
    std::lock_guard lock(loaded_mutex);
    loaded.insert(n);
  };
  const auto hup = [&] { REQUIRE(server->process().signal(SIGHUP)); };
  std::mt19937 random(20261207);
  std::size_t sighups = 0, rewrites = 0, truncations = 0, broken = 0, torn = 0, storms = 0,
              memory_limited = 0;
  const bool can_limit = !sanitized_build && have_program("prlimit");
  const std::string pid = std::to_string(server->process().pid());
  {
    load_generator load(at, loaded, loaded_mutex);
    const auto until = std::chrono::steady_clock::now() + chaos_duration();
    while (std::chrono::steady_clock::now() < until) {
      REQUIRE(server->process().running());
      switch (random() % 7) {
        case 0: {  // a new version, written whole and renamed into place
          publish(++next);
          write_file(file, chaos_zone(next, pad));
          hup(), ++sighups, ++rewrites;
          break;
        }
        case 1: {  // a new version written in place, SIGHUP racing the write
          publish(++next);
          const std::string text = chaos_zone(next, pad);
          write_in_place(file, std::string_view(text).substr(0, text.size() / 3), false);
          hup(), ++sighups;
          write_in_place(file, std::string_view(text).substr(text.size() / 3), true);
          ++rewrites;
          break;
        }
        case 2: {  // truncated to nothing
          write_in_place(file, "", false);
          hup(), ++sighups, ++truncations;
          break;
        }
        case 3: {  // a broken version swapped in
          write_file(file, chaos_zone(next + 1, pad) + "bad IN AAAA not-an-address\n");
          hup(), ++sighups, ++broken;
          break;
        }
        case 4: {  // torn while the reload reads and parses it
          publish(++next);
          const std::string text = chaos_zone(next, pad);
          write_file(file, text);
          hup(), ++sighups;
          for (int i = 0; i < 5; ++i) {
            std::this_thread::sleep_for(std::chrono::milliseconds(random() % 10));
            write_in_place(file, std::string_view(text).substr(0, random() % text.size()), false);
          }
          write_in_place(file, text, false);
          ++torn;
          break;
        }
        case 5: {  // a SIGHUP storm
          for (int i = 0; i < 20; ++i) hup(), ++sighups;
          ++storms;
          break;
        }
        case 6: {  // a reload that runs out of memory, now and then
          if (!can_limit || random() % 4 != 0) break;
          std::uint64_t vm_kib = 0;
          {
            std::ifstream status("/proc/" + pid + "/status");
            std::string line;
            while (std::getline(status, line))
              if (line.rfind("VmSize:", 0) == 0) vm_kib = std::stoull(line.substr(7));
          }
          const std::uint64_t limit = (vm_kib << 10) + (std::uint64_t{192} << 20);
          // The soft limit only (LIMIT:), so that it can be lifted again without privileges.
          const std::string soft = "--as=" + std::to_string(limit) + ":";
          REQUIRE(test::run_command({"prlimit", "--pid", pid, soft}).status == 0);
          {
            std::ofstream create(huge);
          }
          std::filesystem::resize_file(huge, std::uint64_t{512} << 20);
          const auto lines = server->process().stderr_line_count();
          write_file(file, chaos_zone(next + 1, pad) + "$INCLUDE huge.inc\n");
          hup(), ++sighups;
          CHECK(wait_log(*server, "out of memory while loading", lines, 30s));
          REQUIRE(test::run_command({"prlimit", "--pid", pid, "--as=unlimited:"}).status == 0);
          std::filesystem::remove(huge);
          ++memory_limited;
          break;
        }
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20 + random() % 100));
    }
    // A last version, whole: it must end up served.
    publish(++next);
    write_file(file, chaos_zone(next, pad));
    hup(), ++sighups;
    const auto settle = std::chrono::steady_clock::now() + 30s;
    std::optional<unsigned> served;
    while (std::chrono::steady_clock::now() < settle) {
      const auto a = test::udp_query(at, make_query("v.load.test.", rr_type::txt));
      if (a) served = version_of(*a);
      if (served == next) break;
      std::this_thread::sleep_for(50ms);
    }
    CHECK(served == next);
    load.stop();
    const load_stats u = load.udp(), t = load.tcp();
    const std::string log = server->stderr_text();
    std::cout << "chaos: " << chaos_duration().count() << " s, " << sighups << " SIGHUPs ("
              << storms << " storms), " << count_of(log, "reloading ") << " reloads run, "
              << count_of(log, ": reloaded, ") << " loaded, " << count_of(log, "reload failed")
              << " zone reloads failed; " << rewrites << " rewrites, " << truncations
              << " truncations, " << broken << " broken files, " << torn << " torn reads, "
              << memory_limited << " out-of-memory reloads; udp " << u.summary() << "; tcp "
              << t.summary() << "\n";
    CHECK(u.answered > 0);
    CHECK(t.answered > 0);
    CHECK(u.unanswered == 0);
    CHECK(t.unanswered == 0);
    CHECK(u.torn == 0);
    CHECK(t.torn == 0);
    CHECK(u.unknown_version == 0);
    CHECK(t.unknown_version == 0);
  }
  REQUIRE(server->process().running());
  CHECK(server->stop() == 0);
}
