// --user: the real binary started as root with --user nobody binds, loads, then runs with
// nobody's user and group ids (read from /proc/PID/status), still answers, and still reloads on
// SIGHUP a zone that nobody can read. An unknown user is one line and exit status 1; a server
// left running as root says so once. The root-only cases are skipped (with a warning) when the
// tests do not run as root.
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "integration_support.hpp"

using namespace nstest;
using dns::rcode;
using dns::rr_type;

namespace {

std::string zone_text(std::uint32_t serial, std::string_view extra = "") {
  return small_zone_text("drop.test.", serial, extra);
}

// The four ids (real, effective, saved, filesystem) of a /proc/PID/status line ("Uid:", "Gid:").
std::vector<unsigned long> status_ids(pid_t pid, std::string_view field) {
  std::istringstream in(read_file("/proc/" + std::to_string(pid) + "/status"));
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field, 0) != 0) continue;
    std::istringstream values(line.substr(field.size()));
    std::vector<unsigned long> ids;
    unsigned long id = 0;
    while (values >> id) ids.push_back(id);
    return ids;
  }
  return {};
}

test::command_result run(std::vector<std::string> args) {
  args.insert(args.begin(), binary().string());
  return test::run_command(args, 20s);
}

bool is_root() { return ::geteuid() == 0; }

}  // namespace

TEST_CASE("user: --user nobody serves and reloads as nobody", "[integration]") {
  if (!is_root()) {
    WARN("not running as root: --user cannot switch users; skipped");
    return;
  }
  const passwd* nobody = ::getpwnam("nobody");
  REQUIRE(nobody != nullptr);
  const unsigned long uid = nobody->pw_uid, gid = nobody->pw_gid;

  // A zone nobody can read: world-readable file in a world-searchable directory.
  temp_dir dir;
  std::filesystem::permissions(dir.path(), std::filesystem::perms(0755));
  const auto file = dir / "drop.test.zone";
  write_file(file, zone_text(1));
  std::filesystem::permissions(file, std::filesystem::perms(0644));

  auto server = start_server({"--zone", file.string(), "--user", "nobody", "--threads", "2"});
  const pid_t pid = server->process().pid();
  CHECK(status_ids(pid, "Uid:") == std::vector<unsigned long>(4, uid));
  CHECK(status_ids(pid, "Gid:") == std::vector<unsigned long>(4, gid));
  // Root's supplementary groups are gone (nobody's own, if any, remain).
  for (unsigned long g : status_ids(pid, "Groups:")) CHECK(g != 0);
  CHECK_FALSE(contains(server->stderr_text(), "running as root"));

  const auto at = address_of(*server);
  auto a = test::udp_query(at, make_query("www.drop.test.", rr_type::a));
  REQUIRE(a.has_value());
  CHECK(a->rcode() == rcode::noerror);
  CHECK(test::tcp_query(at, make_query("www.drop.test.", rr_type::a)).has_value());

  // SIGHUP after the drop: the file is read again as nobody.
  write_file(file, zone_text(2, "new IN A 192.0.2.99\n"));
  std::filesystem::permissions(file, std::filesystem::perms(0644));
  const auto lines = server->process().stderr_line_count();
  REQUIRE(server->process().signal(SIGHUP));
  REQUIRE(wait_log(*server, "serial 1 -> 2", lines));
  auto fresh = test::udp_query(at, make_query("new.drop.test.", rr_type::a));
  REQUIRE(fresh.has_value());
  CHECK(fresh->rcode() == rcode::noerror);

  // A file nobody cannot read: the reload fails, the old zone keeps serving.
  write_file(file, zone_text(3));
  std::filesystem::permissions(file, std::filesystem::perms(0600));
  const auto lines2 = server->process().stderr_line_count();
  REQUIRE(server->process().signal(SIGHUP));
  REQUIRE(wait_log(*server, "still serving serial 2", lines2));
  CHECK(test::udp_query(at, make_query("new.drop.test.", rr_type::a)).has_value());
  CHECK(server->stop() == 0);
}

TEST_CASE("user: an unknown user is one line and exit status 1", "[integration]") {
  auto r = run({"--listen", "127.0.0.1:0", "--zone", example_zone().string(), "--user",
                "no-such-user-dnskit"});
  CHECK(r.status == 1);
  CHECK(r.err.ends_with(" nameserver: error: user 'no-such-user-dnskit': no such user\n"));
  CHECK(count_of(r.err, "\n") == 1);
  CHECK_FALSE(contains(r.err, "ready"));
}

TEST_CASE("user: switching users without root is one line and exit status 1", "[integration]") {
  if (is_root()) {
    WARN("running as root: switching users works; the failure cannot be shown; skipped");
    return;
  }
  auto r = run({"--listen", "127.0.0.1:0", "--zone", example_zone().string(), "--user", "nobody"});
  CHECK(r.status == 1);
  CHECK(contains(r.err, "nameserver: error: cannot become user 'nobody'"));
  CHECK(count_of(r.err, "error") == 1);
  CHECK_FALSE(contains(r.err, "ready"));
}

TEST_CASE("user: a server left running as root warns once", "[integration]") {
  auto server = start_example_server();
  const std::string warning = "running as root; use --user NAME";
  CHECK(count_of(server->stderr_text(), warning) == (is_root() ? 1u : 0u));
  CHECK(server->stop() == 0);
}
