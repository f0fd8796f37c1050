#include "service_notify.hpp"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>

#include "log.hpp"

namespace dnskit::nameserver::service_notify {

bool send(std::string_view state) noexcept {
  const char* path = std::getenv("NOTIFY_SOCKET");
  if (path == nullptr || *path == '\0') return true;
  const std::string_view name(path);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  // A path, or "@name" for an abstract socket (a leading NUL byte in place of the '@'). Other
  // forms (vsock:...) are not ours to speak.
  if ((name.front() != '/' && name.front() != '@') || name.size() >= sizeof address.sun_path) {
    errno = EAFNOSUPPORT;
    return false;
  }
  std::memcpy(address.sun_path, name.data(), name.size());
  if (name.front() == '@') address.sun_path[0] = '\0';
  const auto length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name.size());

  const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  ssize_t sent = 0;
  do {
    sent = ::sendto(fd, state.data(), state.size(), MSG_NOSIGNAL,
                    reinterpret_cast<const sockaddr*>(&address), length);
  } while (sent < 0 && errno == EINTR);
  const int saved = errno;
  ::close(fd);
  errno = saved;
  return sent == static_cast<ssize_t>(state.size());
}

namespace {

void send_or_log(std::string_view state) noexcept {
  if (send(state)) return;
  const int saved = errno;
  try {
    log::warning("cannot tell the service manager \"{}\": {}", state, std::strerror(saved));
  } catch (...) {
    // Formatting ran out of memory: the warning is lost, the server goes on.
  }
}

}  // namespace

void ready() noexcept { send_or_log("READY=1"); }

void reloading() noexcept {
  timespec now{};
  ::clock_gettime(CLOCK_MONOTONIC, &now);
  const auto usec = static_cast<unsigned long long>(now.tv_sec) * 1'000'000ULL +
                    static_cast<unsigned long long>(now.tv_nsec) / 1000ULL;
  constexpr std::string_view prefix = "RELOADING=1\nMONOTONIC_USEC=";
  char state[64] = {};
  std::memcpy(state, prefix.data(), prefix.size());
  const auto end = std::to_chars(state + prefix.size(), state + sizeof state, usec).ptr;
  send_or_log(std::string_view(state, static_cast<std::size_t>(end - state)));
}

void stopping() noexcept { send_or_log("STOPPING=1"); }

}  // namespace dnskit::nameserver::service_notify
