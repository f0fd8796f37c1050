// Reading zone files safely: only regular files are read (a FIFO or a device such as /dev/zero
// or /dev/urandom is refused at once, by name, at the top and through $INCLUDE), the size is
// checked against a limit before and while reading, a file that changes while it is read is not
// loaded, $INCLUDE stays inside one directory tree, a file that is not a zone file at all gets no
// token quoted back, and a load can be cancelled.
//
// The loads that might never end on a faulty reader (a FIFO with a writer, /dev/zero) run in a
// forked child with a deadline and a memory limit, so that a regression fails the test instead
// of hanging it or eating the machine's memory.
#include <catch2/catch.hpp>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <regex>
#include <string>
#include <thread>

#include "dnskit/zones/loader.hpp"
#include "dnskit/zones/parser.hpp"

using namespace dnskit;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool sanitized_build = true;
#else
constexpr bool sanitized_build = false;
#endif

class temp_dir {
 public:
  temp_dir() {
    std::string pattern = (fs::temp_directory_path() / "dnskit-zones-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~temp_dir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  fs::path operator/(std::string_view name) const { return path_ / name; }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

void write(const fs::path& path, std::string_view text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

const std::string apex = "$TTL 300\n@ IN SOA ns1 hostmaster 1 7200 3600 1209600 300\n@ IN NS ns1\n"
                         "ns1 IN A 192.0.2.1\n";

std::string messages(const std::vector<zones::diagnostic>& diagnostics) {
  std::string out;
  for (const auto& d : diagnostics) out += d.to_string() + "\n";
  return out;
}

// Runs `load` in a forked child (address space capped at 2 GiB where no sanitizer needs more)
// and returns what it printed; std::nullopt when it did not finish within `deadline`.
std::optional<std::string> in_child(const std::function<std::string()>& load,
                                    std::chrono::milliseconds deadline = 10s) {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::close(fds[0]);
    if (!sanitized_build) {
      const rlimit limit{rlim_t{2} << 30, rlim_t{2} << 30};
      ::setrlimit(RLIMIT_AS, &limit);
    }
    std::string out;
    try {
      out = load();
    } catch (const std::exception& e) {
      out = std::string("exception: ") + e.what();
    }
    std::size_t done = 0;
    while (done < out.size()) {
      const ssize_t n = ::write(fds[1], out.data() + done, out.size() - done);
      if (n <= 0) break;
      done += static_cast<std::size_t>(n);
    }
    ::_exit(0);
  }
  ::close(fds[1]);
  std::string out;
  const auto until = std::chrono::steady_clock::now() + deadline;
  bool ended = false;
  while (std::chrono::steady_clock::now() < until) {
    pollfd p{fds[0], POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) continue;
    char buffer[4096];
    const ssize_t n = ::read(fds[0], buffer, sizeof buffer);
    if (n <= 0) {
      ended = true;
      break;
    }
    out.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fds[0]);
  if (!ended) ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (!ended) return std::nullopt;
  return out;
}

std::string load_messages(const fs::path& file, zones::load_options options = {}) {
  const auto r = zones::load_zone(dns::name::from_text("read.test."), file, options);
  return (r.ok() ? "loaded\n" : "rejected\n") + messages(r.diagnostics);
}

bool has(const std::string& text, std::string_view what) {
  return text.find(what) != std::string::npos;
}

}  // namespace

TEST_CASE("zone files: a FIFO is refused at once, as the zone file and through $INCLUDE",
          "[unit][file]") {
  temp_dir dir;
  const auto fifo = dir / "fifo.zone";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  // A writer that holds the FIFO open with a whole zone in it: a reader that accepts FIFOs
  // reads the zone, then waits for the end of the file for ever.
  const int writer = ::open(fifo.c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC);
  REQUIRE(writer >= 0);
  REQUIRE(::write(writer, apex.data(), apex.size()) == static_cast<ssize_t>(apex.size()));

  const auto top = in_child([&] { return load_messages(fifo); });
  REQUIRE(top.has_value());
  CHECK(has(*top, "rejected"));
  CHECK(has(*top, fifo.string() + ": error: cannot read: not a regular file (a FIFO)"));

  const auto main = dir / "main.zone";
  write(main, apex + "$INCLUDE fifo.zone\n");
  const auto included = in_child([&] { return load_messages(main); });
  REQUIRE(included.has_value());
  CHECK(has(*included, "rejected"));
  CHECK(has(*included, main.string() + ":5:10: error: cannot read $INCLUDE file '" + fifo.string() +
                           "': not a regular file (a FIFO)"));
  ::close(writer);
}

TEST_CASE("zone files: /dev/zero and /dev/urandom are refused, directly and through $INCLUDE",
          "[unit][file]") {
  temp_dir dir;
  for (const std::string device : {"/dev/zero", "/dev/urandom"}) {
    INFO(device);
    const auto direct = in_child([&] { return load_messages(device); });
    REQUIRE(direct.has_value());
    CHECK(has(*direct, device + ": error: cannot read: not a regular file (a character device)"));

    const auto main = dir / "main.zone";
    write(main, apex + "$INCLUDE " + device + "\n");
    zones::load_options anywhere;
    anywhere.include_directory = "/";
    const auto included = in_child([&] { return load_messages(main, anywhere); });
    REQUIRE(included.has_value());
    CHECK(has(*included, "rejected"));
    CHECK(has(*included, "cannot read $INCLUDE file '" + device + "': not a regular file"));
  }
}

TEST_CASE("zone files: the size limit holds for the zone file and $INCLUDE files",
          "[unit][file]") {
  temp_dir dir;
  const auto big = dir / "big.zone";
  std::string text = apex;
  for (int i = 0; i < 200; ++i) text += "h" + std::to_string(i) + " IN A 192.0.2.7\n";
  write(big, text);
  zones::load_options limited;
  limited.max_file_size = 1000;
  const std::string direct = load_messages(big, limited);
  CHECK(has(direct, "rejected"));
  CHECK(has(direct, big.string() + ": error: cannot read: " + std::to_string(text.size()) +
                        " bytes long, over the limit of 1000 bytes"));

  const auto main = dir / "main.zone";
  write(main, "$INCLUDE big.zone\n");
  const std::string included = load_messages(main, limited);
  CHECK(has(included, "rejected"));
  CHECK(has(included, "cannot read $INCLUDE file '" + big.string() + "': " +
                          std::to_string(text.size()) + " bytes long, over the limit"));
  // Without the limit the same files load.
  CHECK(has(load_messages(big), "loaded"));
  CHECK(has(load_messages(main), "loaded"));
}

TEST_CASE("zone files: a file that grows while it is read is not loaded", "[unit][file]") {
  temp_dir dir;
  const auto file = dir / "growing.zone";
  std::string text = apex;
  while (text.size() < (1U << 20)) text += "grow IN TXT \"" + std::string(100, 'x') + "\"\n";
  write(file, text);
  std::atomic<bool> done{false};
  std::thread writer([&] {
    // Appends 64 KiB at a time for as long as the reader reads, at most 512 MiB.
    std::ofstream out(file, std::ios::binary | std::ios::app);
    const std::string chunk = [] {
      std::string c;
      while (c.size() < (64U << 10)) c += "more IN TXT \"" + std::string(100, 'y') + "\"\n";
      return c;
    }();
    for (std::size_t written = 0; !done && written < (512U << 20); written += chunk.size()) {
      out << chunk;
      out.flush();
    }
  });
  zones::load_options limited;
  limited.max_file_size = 4U << 20;
  // Read again and again while the writer runs: every read either finishes before the file
  // moves (and the zone loads, whole) or sees it move and refuses it. A read can also fall
  // inside one append while the writer is preempted: the kernel grows the file page by page,
  // so the size holds still over the whole read and the last line is cut; that line is then
  // refused by the parser (an unterminated string, a missing type), which is a refusal too.
  bool refused = false;
  for (int i = 0; i < 200 && !refused; ++i) {
    const std::string r = load_messages(file, limited);
    if (has(r, "rejected")) {
      refused = true;
      const bool grew = has(r, "over the limit of 4194304 bytes") ||
                        has(r, "the file changed while it was being read");
      const bool cut_line =
          std::regex_search(r, std::regex("growing\\.zone:[0-9]+:[0-9]+: error: "));
      INFO(r);
      CHECK((grew || cut_line));
    }
  }
  done = true;
  writer.join();
  CHECK(refused);
}

TEST_CASE("zone files: a file that is not a zone file gets no token quoted", "[unit][file]") {
  temp_dir dir;
  const std::string hash(86, 'Q');
  const std::string secret = "root:$6$s4ltS4lt$" + hash + ":19000:0:99999:7:::";
  const auto shadow = dir / "shadow";
  write(shadow, secret + "\ndaemon:*:19000:0:99999:7:::\nbin:*:19000:0:99999:7:::\n");

  const auto direct = zones::load_zone(dns::name::from_text("read.test."), shadow);
  CHECK_FALSE(direct.ok());
  REQUIRE(direct.diagnostics.size() == 1);
  CHECK(direct.diagnostics[0].to_string() ==
        shadow.string() + ":1: error: not a zone file: first line is not a directive or a record");

  const auto main = dir / "main.zone";
  write(main, apex + "$INCLUDE shadow\nwww IN A 192.0.2.80\n");
  const auto included = zones::load_zone(dns::name::from_text("read.test."), main);
  CHECK_FALSE(included.ok());
  const std::string all = messages(included.diagnostics);
  CHECK(has(all, shadow.string() + ":1: error: not a zone file: first line is not a directive or a record"));
  CHECK_FALSE(has(all, "s4lt"));
  CHECK_FALSE(has(all, "QQQQ"));
  CHECK_FALSE(has(all, "19000"));

  // A zone file with a mistake in its first record is still a zone file: its error is told.
  const auto typo = dir / "typo.zone";
  write(typo, "www IN A 192.0.2.300\n" + apex);
  const std::string told = messages(zones::load_zone(dns::name::from_text("read.test."), typo).diagnostics);
  CHECK(has(told, typo.string() + ":1:10: error: bad A data '192.0.2.300'"));
}

TEST_CASE("zone files: a quoted token is a short, printable excerpt", "[unit][file]") {
  const std::string secret = std::string("\x01\x02") + std::string(200, 'S');
  const auto r = zones::load_zone_text(dns::name::from_text("read.test."),
                                       apex + "x IN TXT \"ok\"\nwww IN A " + secret + "\n", "t.zone");
  CHECK_FALSE(r.ok());
  REQUIRE_FALSE(r.diagnostics.empty());
  const std::string m = r.diagnostics[0].message;
  CHECK(m.rfind("bad A data '\\001\\002" + std::string(30, 'S') + "...'", 0) == 0);
  for (const auto& d : r.diagnostics) {
    CHECK_FALSE(has(d.message, std::string(31, 'S')));
    for (const char c : d.to_string()) CHECK((c >= 0x20 && c < 0x7F));
  }
}

TEST_CASE("zone files: $INCLUDE stays inside the include directory", "[unit][file]") {
  temp_dir dir;
  fs::create_directories(dir / "zones" / "parts");
  write(dir / "outside.zone", "www IN A 192.0.2.80\n");
  write(dir / "zones" / "parts" / "inside.zone", "www IN A 192.0.2.80\n");
  fs::create_symlink(dir / "outside.zone", dir / "zones" / "link.zone");
  const auto main = dir / "zones" / "main.zone";
  const auto origin = dns::name::from_text("read.test.");

  write(main, apex + "$INCLUDE parts/inside.zone\n");
  CHECK(zones::load_zone(origin, main).ok());

  for (const std::string& target :
       std::vector<std::string>{"../outside.zone", "link.zone", (dir / "outside.zone").string()}) {
    INFO(target);
    write(main, apex + "$INCLUDE " + target + "\n");
    const auto r = zones::load_zone(origin, main);
    CHECK_FALSE(r.ok());
    CHECK(has(messages(r.diagnostics),
              "is outside '" + fs::canonical(dir / "zones").string() +
                  "', the directory $INCLUDE files are read from (include-directory)"));
    // A wider directory, configured, lets it in.
    zones::load_options wider;
    wider.include_directory = dir.path();
    CHECK(zones::load_zone(origin, main, wider).ok());
  }
}

TEST_CASE("zone files: a load can be cancelled", "[unit][file]") {
  temp_dir dir;
  const auto file = dir / "zone";
  write(file, apex + "www IN A 192.0.2.80\n");
  std::atomic<bool> cancel{true};
  zones::load_options options;
  options.cancel = &cancel;
  const auto r = zones::load_zone(dns::name::from_text("read.test."), file, options);
  CHECK_FALSE(r.ok());
  CHECK(has(messages(r.diagnostics), "cancelled"));
  cancel = false;
  CHECK(zones::load_zone(dns::name::from_text("read.test."), file, options).ok());
}
