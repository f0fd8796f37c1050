// Bulk mode for a person watching: the progress line when stderr is a terminal (a pty here),
// the summary, failures kept in --short output, --stats per name.
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

#include "cli_support.hpp"

using namespace clitest;

namespace {

// Runs dnslookup with stderr on a new pseudo-terminal (stdout and stdin /dev/null); what the
// terminal showed.
std::string stderr_on_terminal(const std::vector<std::string>& args) {
  const int master = ::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
  REQUIRE(master >= 0);
  REQUIRE(::grantpt(master) == 0);
  REQUIRE(::unlockpt(master) == 0);
  const std::string slave_path = ::ptsname(master);
  std::vector<std::string> argv_text{dnslookup().string()};
  argv_text.insert(argv_text.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_text) argv.push_back(a.data());
  argv.push_back(nullptr);
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    const int slave = ::open(slave_path.c_str(), O_RDWR | O_NOCTTY);
    const int null = ::open("/dev/null", O_RDWR);
    if (slave < 0 || null < 0) ::_exit(126);
    ::dup2(null, 0);
    ::dup2(null, 1);
    ::dup2(slave, 2);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  std::string shown;
  const auto give_up = std::chrono::steady_clock::now() + 30s;
  int status = 0;
  bool exited = false;
  while (std::chrono::steady_clock::now() < give_up) {
    pollfd p{master, POLLIN, 0};
    if (::poll(&p, 1, 100) > 0) {
      char buf[4096];
      const ssize_t n = ::read(master, buf, sizeof buf);
      if (n > 0) {
        shown.append(buf, static_cast<std::size_t>(n));
        continue;
      }
      // EIO: the child has gone (or is going).
    }
    if (exited) break;  // nothing more after the exit
    if (::waitpid(pid, &status, WNOHANG) == pid) exited = true;
  }
  if (!exited) {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &status, 0);
  }
  ::close(master);
  REQUIRE(exited);
  return shown;
}

}  // namespace

TEST_CASE("bulk: a progress line when stderr is a terminal, and the summary after it", "[golden]") {
  const auto names = (data_dir() / "bulk-names.txt").string();
  const std::string shown = stderr_on_terminal({"-port=" + port_text(), "--parallel", "2", "-f", names, "127.0.0.1"});
  INFO(shown);
  CHECK(shown.find("\r\033[K0/9 names, 0/s, 0 errors") != std::string::npos);  // the total from the file
  CHECK(shown.find("\r\033[K;; 9 names in ") != std::string::npos);           // erased before the summary
  CHECK(shown.find("7 answered, 1 NXDOMAIN, 1 errors (1 bad input lines)") != std::string::npos);
}

TEST_CASE("bulk --stats: a line per name with its time and size", "[golden]") {
  auto brief = run_dnslookup({"-port=" + port_text(), "--short", "--stats", "-f", "-", "127.0.0.1"},
                             "example.test\nexample.test MX\n");
  CHECK(brief.out == "example.test\t192.0.2.1\nexample.test\t10 mail.example.test.\nexample.test\t20 mail2.example.test.\n");
  CHECK(brief.err.find(";; A example.test. answered in ") != std::string::npos);
  CHECK(brief.err.find(";; MX example.test. answered in ") != std::string::npos);
  CHECK(brief.err.find(" bytes received\n") != std::string::npos);

  auto plain = run_dnslookup({"-port=" + port_text(), "--stats", "-f", "-", "127.0.0.1"}, "example.test\n");
  CHECK(plain.out.find("Address: 192.0.2.1\n;; A example.test. answered in ") != std::string::npos);
}

TEST_CASE("bulk --short: names that timed out stay in the output as NAME TIMEOUT", "[golden]") {
  // A UDP socket on 127.0.0.1 that never answers.
  const int silent = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  REQUIRE(silent >= 0);
  sockaddr_in in{};
  in.sin_family = AF_INET;
  in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(silent, reinterpret_cast<sockaddr*>(&in), sizeof in) == 0);
  socklen_t len = sizeof in;
  REQUIRE(::getsockname(silent, reinterpret_cast<sockaddr*>(&in), &len) == 0);
  const std::string port = std::to_string(ntohs(in.sin_port));
  auto r = run_dnslookup({"-port=" + port, "-timeout=1", "-retry=1", "--short", "-f", "-", "127.0.0.1"},
                         "one.test\ntwo.test\n", 30s);
  ::close(silent);
  CHECK(r.out == "one.test\tTIMEOUT\ntwo.test\tTIMEOUT\n");
  CHECK(r.err.find("0 answered, 0 NXDOMAIN, 2 errors (2 timeouts)\n") != std::string::npos);
  CHECK(r.status == 1);
}
