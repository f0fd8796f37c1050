#include "privileges.hpp"

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include <fmt/core.h>

namespace dnskit::nameserver {

bool find_user(const std::string& name, user_identity& out, std::string& error) {
  long size = ::sysconf(_SC_GETPW_R_SIZE_MAX);
  std::vector<char> buffer(size > 0 ? static_cast<std::size_t>(size) : 16384);
  passwd entry{};
  passwd* found = nullptr;
  int rc = 0;
  while ((rc = ::getpwnam_r(name.c_str(), &entry, buffer.data(), buffer.size(), &found)) == ERANGE &&
         buffer.size() < (1u << 20)) {
    buffer.resize(buffer.size() * 2);
  }
  if (found == nullptr) {
    error = rc == 0 ? fmt::format("user '{}': no such user", name)
                    : fmt::format("user '{}': cannot look it up: {}", name, std::strerror(rc));
    return false;
  }
  out.name = name;
  out.uid = entry.pw_uid;
  out.gid = entry.pw_gid;
  return true;
}

bool drop_privileges(const user_identity& user, std::string& error) {
  if (::getuid() == user.uid && ::geteuid() == user.uid && ::getgid() == user.gid &&
      ::getegid() == user.gid) {
    return true;  // already that user: nothing to give up
  }
  auto failed = [&](const char* step) {
    const int e = errno;
    error = fmt::format("cannot become user '{}': {}: {}{}", user.name, step, std::strerror(e),
                        e == EPERM ? " (only root can switch to another user)" : "");
    return false;
  };
  // Groups first: after setuid() the process may no longer change them (POSIX).
  if (::initgroups(user.name.c_str(), user.gid) != 0) return failed("initgroups");
  if (::setgid(user.gid) != 0) return failed("setgid");
  if (::setuid(user.uid) != 0) return failed("setuid");
  // Trust, but verify (CERT POS37-C): every id changed, and root cannot be taken back.
  if (::getuid() != user.uid || ::geteuid() != user.uid || ::getgid() != user.gid ||
      ::getegid() != user.gid) {
    error = fmt::format("cannot become user '{}': the ids did not change", user.name);
    return false;
  }
  if (user.uid != 0 && ::setuid(0) == 0) {
    error = fmt::format("cannot become user '{}': root could still be taken back", user.name);
    return false;
  }
  return true;
}

bool running_as_root() noexcept { return ::geteuid() == 0; }

}  // namespace dnskit::nameserver
