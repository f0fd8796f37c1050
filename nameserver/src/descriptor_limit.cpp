#include "descriptor_limit.hpp"

#include <sys/resource.h>

#include <algorithm>

namespace dnskit::nameserver {

unsigned fit_descriptor_limit(unsigned connections, std::size_t reserved) {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return connections;
  const rlim_t wanted = static_cast<rlim_t>(connections) + static_cast<rlim_t>(reserved);
  if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < wanted) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max == RLIM_INFINITY ? wanted : std::min(wanted, limit.rlim_max);
    if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  if (limit.rlim_cur == RLIM_INFINITY || limit.rlim_cur >= wanted) return connections;
  const rlim_t room = limit.rlim_cur > reserved ? limit.rlim_cur - reserved : 1;
  return static_cast<unsigned>(std::max<rlim_t>(1, std::min<rlim_t>(room, connections)));
}

}  // namespace dnskit::nameserver
