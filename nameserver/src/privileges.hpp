#pragma once
// Giving up root once start-up is done (--user NAME): port 53 needs root (or
// CAP_NET_BIND_SERVICE) to bind, answering queries does not. As NSD and Knot do, the server
// binds every socket and reads every zone first, then becomes NAME (its groups, its group, its
// user: in that order, since a process that is no longer root cannot change its groups), and
// only then serves. Reloads later read the zone files as NAME, so they must be readable by it.
#include <string>
#include <sys/types.h>

namespace dnskit::nameserver {

struct user_identity {
  std::string name;
  uid_t uid = 0;
  gid_t gid = 0;
};

// Looks NAME up in the user database. False with a one-line `error` when there is no such user.
bool find_user(const std::string& name, user_identity& out, std::string& error);

// Becomes `user` for good: supplementary groups (initgroups), group, then user; then checks that
// every id changed and that root cannot be taken back. A process already running as that user
// and group has nothing to do. False with a one-line `error` otherwise (e.g. not root).
bool drop_privileges(const user_identity& user, std::string& error);

// True when the effective user is root.
bool running_as_root() noexcept;

}  // namespace dnskit::nameserver
