// Reloads that fail for real, and the control path that must come back from them: a zone file
// truncated and rewritten in place while a reload parses it (the server stays up, answers from
// one whole zone version, and the next SIGHUP reads the file again), a zone that $INCLUDEs a
// FIFO or /dev/zero, a reload that runs out of memory under an address-space limit (prlimit),
// and SIGTERM in the middle of a long reload. After each failure a fixed file is served after
// the next SIGHUP and SIGTERM still stops the server with status 0.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <set>
#include <thread>

#include "abuse_support.hpp"

using namespace nstest;
using dns::rcode;
using dns::rr_type;

namespace {

// Large enough that loading takes well over 0.5 s (0.8-1.9 s for 1.5M records in a release
// build on a loaded 2-core machine) and small enough to keep each test within about 20 s:
// AddressSanitizer parses a few times slower, ThreadSanitizer some 20 times slower.
#if defined(__SANITIZE_THREAD__)
constexpr std::size_t big_records = 100'000;
#elif defined(__SANITIZE_ADDRESS__)
constexpr std::size_t big_records = 500'000;
#else
constexpr std::size_t big_records = 1'500'000;
#endif

// A zone whose version `n` is in its serial and in `v TXT "n"`, with `records` A records more.
std::string versioned_zone(std::string_view origin, unsigned n, std::size_t records = 0) {
  std::string text = small_zone_text(origin, n, "v IN TXT \"" + std::to_string(n) + "\"\n");
  text.reserve(text.size() + records * 24);
  for (std::size_t i = 0; i < records; ++i) {
    text += 'h';
    text += std::to_string(i);
    text += " IN A 10.";
    text += std::to_string((i >> 16) & 0xff);
    text += '.';
    text += std::to_string((i >> 8) & 0xff);
    text += '.';
    text += std::to_string(i & 0xff);
    text += '\n';
  }
  return text;
}

// The version `v TXT` answers with; std::nullopt when there is no single answer.
std::optional<unsigned> version_at(const test::server_address& at, std::string_view origin) {
  const auto a = test::udp_query(at, make_query("v." + std::string(origin), rr_type::txt));
  if (!a || a->rcode() != rcode::noerror || a->answer.size() != 1) return std::nullopt;
  const auto& rd = a->answer[0].rdata;
  if (rd.empty() || rd[0] + 1u != rd.size()) return std::nullopt;
  return static_cast<unsigned>(std::stoul(std::string(rd.begin() + 1, rd.end())));
}

// Writes `text` over the file in place (no rename), as `cp new.zone zone` does.
void write_in_place(const std::filesystem::path& path, std::string_view text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

// Sends SIGHUP and waits for a log line with `expect` after it.
void reload(test::server_process& server, std::string_view expect,
            std::chrono::milliseconds timeout = 60s) {
  const auto lines = server.process().stderr_line_count();
  REQUIRE(server.process().signal(SIGHUP));
  INFO(server.stderr_text());
  REQUIRE(wait_log(server, expect, lines, timeout));
}

// Asks `v TXT` over and over from another thread; every answer must name a version in `allowed`.
class version_watcher {
 public:
  // The allowed versions are set before the thread asks its first question.
  version_watcher(test::server_address at, std::string origin, std::set<unsigned> allowed)
      : at_(std::move(at)),
        origin_(std::move(origin)),
        allowed_(std::move(allowed)),
        thread_([this] { run(); }) {}
  ~version_watcher() { stop(); }
  void stop() {
    stopping_ = true;
    if (thread_.joinable()) thread_.join();
  }
  std::size_t answered() const { return answered_; }
  std::size_t bad() const { return bad_; }

 private:
  void run() {
    while (!stopping_) {
      const auto v = version_at(at_, origin_);
      if (v && allowed_.count(*v) != 0) ++answered_;
      else ++bad_;
    }
  }
  test::server_address at_;
  std::string origin_;
  const std::set<unsigned> allowed_;
  std::atomic<std::size_t> answered_{0}, bad_{0};
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace

TEST_CASE("reload: a zone file truncated and rewritten in place while it is parsed",
          "[integration]") {
  temp_dir dir;
  const auto file = dir / "torn.test.zone";
  const std::string origin = "torn.test.";
  write_file(file, versioned_zone(origin, 1, big_records));
  auto server = start_server({"--zone", file.string()});
  const auto at = address_of(*server);
  REQUIRE(version_at(at, origin) == 1u);

  // A clean reload of the big zone first: it shows how long a parse takes.
  write_file(file, versioned_zone(origin, 2, big_records));
  const auto t0 = std::chrono::steady_clock::now();
  reload(*server, "serial 1 -> 2");
  const auto parse_time = std::chrono::steady_clock::now() - t0;
  INFO("a reload of " << big_records << " records took "
                      << std::chrono::duration_cast<std::chrono::milliseconds>(parse_time).count()
                      << " ms");
  CHECK(parse_time > 500ms);
  REQUIRE(version_at(at, origin) == 2u);

  // A new version is written whole; once the reload has started (at once: while the file is
  // read; later: while the copy read is parsed), the file is truncated and rewritten in place
  // again and again. The old version answers until the reload ends, then the old one (the
  // change was seen while reading) or the new one (a whole copy, read before the file moved).
  unsigned served = 2;
  auto torn_reload = [&](unsigned next, std::chrono::nanoseconds delay) {
    version_watcher watcher(at, origin, {served, next});
    const std::string text = versioned_zone(origin, next, big_records);
    write_file(file, text);
    const auto lines = server->process().stderr_line_count();
    REQUIRE(server->process().signal(SIGHUP));
    REQUIRE(wait_log(*server, "reloading", lines));
    std::this_thread::sleep_for(delay);
    const std::string loaded = "serial " + std::to_string(served) + " -> " + std::to_string(next);
    const std::string refused = "still serving serial " + std::to_string(served);
    // The reload's outcome, from its own log lines.
    const auto ended = [&](const std::string& what) {
      return server->process().wait_for_line(what, 1ms, lines).has_value();
    };
    int tears = 0;
    const auto until = std::chrono::steady_clock::now() + 60s;
    while (std::chrono::steady_clock::now() < until && server->process().running()) {
      write_in_place(file, "");
      write_in_place(file, std::string_view(text).substr(0, text.size() / (2 + tears % 3)));
      ++tears;
      if (ended(loaded) || ended(refused)) break;
      std::this_thread::sleep_for(5ms);
    }
    INFO(server->stderr_text());
    REQUIRE(server->process().running());
    const bool took = ended(loaded);
    CHECK((took || ended(refused)));
    if (took) served = next;
    CHECK(version_at(at, origin) == served);
    watcher.stop();
    std::cout << "torn reload after " << std::chrono::duration_cast<std::chrono::milliseconds>(delay).count()
              << " ms: " << big_records << " records (clean reload "
              << std::chrono::duration_cast<std::chrono::milliseconds>(parse_time).count() << " ms), "
              << tears << " rewrites during the reload, "
              << (took ? "new version loaded whole" : "change seen, reload refused") << ", "
              << watcher.answered() << " answers from one whole version, " << watcher.bad()
              << " others\n";
    CHECK(tears > 0);
    CHECK(watcher.answered() > 0);
    CHECK(watcher.bad() == 0);
  };
  torn_reload(3, 0ms);
  torn_reload(4, parse_time / 3);

  // The file written whole again, in place: the next SIGHUP reads it.
  write_in_place(file, versioned_zone(origin, 5));
  reload(*server, "serial " + std::to_string(served) + " -> 5");
  CHECK(version_at(at, origin) == 5u);
  CHECK(server->stop() == 0);
}

TEST_CASE("reload: a zone that $INCLUDEs a FIFO fails alone, and the fixed file is served next",
          "[integration]") {
  temp_dir dir;
  const auto good = dir / "good.test.zone";
  const auto bad = dir / "bad.test.zone";
  const auto fifo = dir / "fifo.zone";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  write_file(good, versioned_zone("good.test.", 1));
  write_file(bad, versioned_zone("bad.test.", 1));
  auto server = start_server({"--zone", good.string(), "--zone", bad.string(), "--threads", "2"});
  const auto at = address_of(*server);

  // No writer ever opens the FIFO: a reader that opens it would wait for ever.
  write_file(bad, versioned_zone("bad.test.", 2) + "$INCLUDE fifo.zone\n");
  write_file(good, versioned_zone("good.test.", 2));
  reload(*server, "still serving serial 1", 20s);
  CHECK(wait_log(*server, "zone good.test.: reloaded, serial 1 -> 2"));
  const std::string log = server->stderr_text();
  CHECK(contains(log, bad.string() + ":8:10: error: cannot read $INCLUDE file '" + fifo.string() +
                          "': not a regular file (a FIFO)"));
  CHECK(contains(log, "zone bad.test. (" + bad.string() + "): reload failed, still serving serial 1"));
  CHECK(version_at(at, "bad.test.") == 1u);
  CHECK(version_at(at, "good.test.") == 2u);

  // Fixed: the next SIGHUP serves it.
  write_file(bad, versioned_zone("bad.test.", 3));
  reload(*server, "zone bad.test.: reloaded, serial 1 -> 3", 20s);
  CHECK(version_at(at, "bad.test.") == 3u);
  CHECK(server->stop() == 0);
}

TEST_CASE("reload: $INCLUDE of /dev/zero and /dev/urandom fails at once, by name",
          "[integration]") {
  temp_dir dir;
  const auto file = dir / "dev.test.zone";
  write_file(file, versioned_zone("dev.test.", 1));
  auto server = start_server({"--zone", file.string(), "--include-directory", "/"});
  const auto at = address_of(*server);
  unsigned serial = 1;
  for (const std::string device : {"/dev/zero", "/dev/urandom"}) {
    write_file(file, versioned_zone("dev.test.", serial + 1) + "$INCLUDE " + device + "\n");
    const auto lines = server->process().stderr_line_count();
    reload(*server, "still serving serial " + std::to_string(serial), 20s);
    CHECK(server->process().wait_for_line("cannot read $INCLUDE file '" + device +
                                              "': not a regular file (a character device)",
                                          1s, lines));
    CHECK(version_at(at, "dev.test.") == serial);
    write_file(file, versioned_zone("dev.test.", serial + 2));
    reload(*server, std::to_string(serial) + " -> " + std::to_string(serial + 2), 20s);
    serial += 2;
    CHECK(version_at(at, "dev.test.") == serial);
  }
  CHECK(server->stop() == 0);
}

TEST_CASE("reload: running out of memory (prlimit --as) fails the reload, signals stay armed",
          "[integration]") {
  if (sanitized_build) {
    WARN("skipped: sanitizers reserve more address space than any limit this test sets");
    return;
  }
  if (!have_program("prlimit")) {
    WARN("skipped: prlimit is not installed");
    return;
  }
  temp_dir dir;
  const auto file = dir / "oom.test.zone";
  const auto huge = dir / "huge.inc";
  write_file(file, versioned_zone("oom.test.", 1));
  auto server = start_server({"--zone", file.string()});
  const auto at = address_of(*server);

  // The server's address space may grow by 256 MiB from here; the zone then $INCLUDEs a sparse
  // 768 MiB file (under the 1 GiB size limit), which cannot be read into memory.
  std::uint64_t vm_kib = 0;
  {
    std::ifstream status("/proc/" + std::to_string(server->process().pid()) + "/status");
    std::string line;
    while (std::getline(status, line)) {
      if (line.rfind("VmSize:", 0) == 0) vm_kib = std::stoull(line.substr(7));
    }
  }
  REQUIRE(vm_kib > 0);
  const std::uint64_t limit = (vm_kib << 10) + (std::uint64_t{256} << 20);
  const auto set_limit = test::run_command({"prlimit", "--pid", std::to_string(server->process().pid()),
                                            "--as=" + std::to_string(limit) + ":"});
  INFO(set_limit.err);
  REQUIRE(set_limit.status == 0);
  {
    std::ofstream create(huge);
  }
  std::filesystem::resize_file(huge, std::uint64_t{768} << 20);

  write_file(file, versioned_zone("oom.test.", 2) + "$INCLUDE huge.inc\n");
  reload(*server, "still serving serial 1", 30s);
  CHECK(contains(server->stderr_text(),
                 "zone oom.test. (" + file.string() + "): out of memory while loading"));
  CHECK(version_at(at, "oom.test.") == 1u);

  // Still under the limit: a fixed file is served after the next SIGHUP.
  write_file(file, versioned_zone("oom.test.", 3));
  reload(*server, "serial 1 -> 3", 30s);
  CHECK(version_at(at, "oom.test.") == 3u);
  CHECK(server->stop() == 0);
}

TEST_CASE("stop: SIGTERM in the middle of a long reload stops the server at once",
          "[integration]") {
  temp_dir dir;
  const auto file = dir / "long.test.zone";
  write_file(file, versioned_zone("long.test.", 1, big_records));
  auto server = start_server({"--zone", file.string()});

  // How long a whole reload takes.
  write_file(file, versioned_zone("long.test.", 2, big_records));
  const auto t0 = std::chrono::steady_clock::now();
  reload(*server, "serial 1 -> 2");
  const auto reload_time = std::chrono::steady_clock::now() - t0;

  write_file(file, versioned_zone("long.test.", 3, big_records));
  const auto lines = server->process().stderr_line_count();
  REQUIRE(server->process().signal(SIGHUP));
  REQUIRE(wait_log(*server, "reloading", lines));
  std::this_thread::sleep_for(reload_time / 5);
  const auto t1 = std::chrono::steady_clock::now();
  REQUIRE(server->process().signal(SIGTERM));
  const auto status = server->process().wait_exit(30s);
  const auto stop_time = std::chrono::steady_clock::now() - t1;
  INFO("reload " << std::chrono::duration_cast<std::chrono::milliseconds>(reload_time).count()
                 << " ms, stop " << std::chrono::duration_cast<std::chrono::milliseconds>(stop_time).count()
                 << " ms\n" << server->stderr_text());
  std::cout << "stop during reload: reload "
            << std::chrono::duration_cast<std::chrono::milliseconds>(reload_time).count()
            << " ms, stopped " << std::chrono::duration_cast<std::chrono::milliseconds>(stop_time).count()
            << " ms after SIGTERM\n";
  CHECK(status == 0);
  CHECK(stop_time < reload_time / 2);
  CHECK(stop_time < 5s);
  CHECK_FALSE(contains(server->stderr_text(), "serial 2 -> 3"));
}

TEST_CASE("check: FIFOs, devices and files that are not zone files are refused by name",
          "[integration]") {
  temp_dir dir;
  const auto fifo = dir / "fifo.zone";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  const auto shadow = dir / "shadow";
  const std::string hash(86, 'Q');
  write_file(shadow, "root:$6$s4ltS4lt$" + hash + ":19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\n");

  auto check = [&](const std::string& zone) {
    return test::run_command({binary().string(), "--check", "--zone", "x.test.=" + zone}, 20s);
  };
  const auto on_fifo = check(fifo.string());
  CHECK(on_fifo.status == 1);
  CHECK(contains(on_fifo.out, fifo.string() + ": error: cannot read: not a regular file (a FIFO)"));
  const auto on_zero = check("/dev/zero");
  CHECK(on_zero.status == 1);
  CHECK(contains(on_zero.out, "/dev/zero: error: cannot read: not a regular file (a character device)"));
  const auto on_shadow = check(shadow.string());
  CHECK(on_shadow.status == 1);
  CHECK(contains(on_shadow.out, shadow.string() +
                                    ":1: error: not a zone file: first line is not a directive or a record"));
  CHECK_FALSE(contains(on_shadow.out, "s4lt"));
  CHECK_FALSE(contains(on_shadow.out, "QQQ"));
}

TEST_CASE("config: include-directory and max-zone-file-size, as keys and flags", "[integration]") {
  temp_dir dir;
  std::filesystem::create_directories(dir / "zones");
  write_file(dir / "shared.inc", "www IN A 192.0.2.80\n");
  const auto zone = dir / "zones" / "inc.test.zone";
  write_file(zone, versioned_zone("inc.test.", 1) + "$INCLUDE ../shared.inc\n");
  const auto config = dir / "ns.toml";
  auto check = [&](std::vector<std::string> extra) {
    std::vector<std::string> argv = {binary().string(), "--check"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return test::run_command(argv, 20s);
  };

  // Default: only the zone file's directory and below.
  const auto by_default = check({"--zone", zone.string()});
  CHECK(by_default.status == 1);
  CHECK(contains(by_default.out, "is outside '" + std::filesystem::canonical(dir / "zones").string() + "'"));
  // The flag, and the TOML key (relative to the config file), widen it.
  CHECK(check({"--zone", zone.string(), "--include-directory", dir.path().string()}).status == 0);
  write_file(config, "[server]\ninclude-directory = \".\"\n[[zone]]\nfile = \"zones/inc.test.zone\"\n");
  CHECK(check({"--config", config.string()}).status == 0);

  // The size limit, from the file and from the flag.
  write_file(config, "[server]\ninclude-directory = \".\"\nmax-zone-file-size = 100\n"
                     "[[zone]]\nfile = \"zones/inc.test.zone\"\n");
  const auto limited = check({"--config", config.string()});
  CHECK(limited.status == 1);
  CHECK(contains(limited.out, "over the limit of 100 bytes (max-zone-file-size)"));
  CHECK(check({"--config", config.string(), "--max-zone-file-size", "0"}).status == 0);
}
