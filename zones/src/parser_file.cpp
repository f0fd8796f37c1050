#include "parser_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <system_error>

namespace dnskit::zones::detail {
namespace {

struct fd_guard {
  int fd;
  explicit fd_guard(int f) noexcept : fd(f) {}
  fd_guard(const fd_guard&) = delete;
  fd_guard& operator=(const fd_guard&) = delete;
  ~fd_guard() {
    if (fd >= 0) ::close(fd);
  }
};

std::string system_error_text(int error) { return std::generic_category().message(error); }

// Bytes read between two looks at the cancellation flag.
constexpr std::size_t chunk = std::size_t{8} << 20;

const char* kind_of(mode_t mode) {
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a plain file";
}

std::string over_limit(std::uint64_t size, std::uint64_t limit, const char* when) {
  return std::to_string(size) + " bytes " + when + ", over the limit of " + std::to_string(limit) +
         " bytes (max-zone-file-size)";
}

bool same_version(const struct stat& a, const struct stat& b) {
  return a.st_size == b.st_size && a.st_mtim.tv_sec == b.st_mtim.tv_sec &&
         a.st_mtim.tv_nsec == b.st_mtim.tv_nsec;
}

}  // namespace

std::string file_text::read(const std::filesystem::path& path, const read_limits& limits) {
  data_.reset();
  size_ = 0;
  // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer, for ever. It
  // changes nothing for a regular file, the only kind read.
  fd_guard f{::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)};
  if (f.fd < 0) return system_error_text(errno);
  struct stat before {};
  if (::fstat(f.fd, &before) != 0) return system_error_text(errno);
  if (S_ISDIR(before.st_mode)) return system_error_text(EISDIR);
  // A device (/dev/zero, /dev/urandom) or a FIFO has no size to check and may never end.
  if (!S_ISREG(before.st_mode)) return std::string("not a regular file (") + kind_of(before.st_mode) + ")";
  const auto expected = static_cast<std::uint64_t>(std::max<off_t>(before.st_size, 0));
  if (limits.max_size != 0 && expected > limits.max_size)
    return over_limit(expected, limits.max_size, "long");

  // One byte more than the size, so that a file growing while read is noticed at once.
  std::size_t capacity = static_cast<std::size_t>(expected) + 1;
  auto data = std::make_unique_for_overwrite<char[]>(capacity);
  std::size_t size = 0;
  for (;;) {
    if (limits.cancel != nullptr && limits.cancel->load(std::memory_order_relaxed))
      return "cancelled";
    if (size == capacity) {
      // The file grew since fstat(): keep reading (the check below reports it), but never past
      // the limit.
      const std::size_t grown = capacity + std::max(capacity / 2, chunk);
      auto bigger = std::make_unique_for_overwrite<char[]>(grown);
      std::memcpy(bigger.get(), data.get(), size);
      data = std::move(bigger);
      capacity = grown;
    }
    const std::size_t want = std::min(capacity - size, chunk);
    const ssize_t n = ::read(f.fd, data.get() + size, want);
    if (n < 0) {
      if (errno == EINTR) continue;
      return system_error_text(errno);
    }
    if (n == 0) break;
    size += static_cast<std::size_t>(n);
    if (limits.max_size != 0 && size > limits.max_size)
      return over_limit(size, limits.max_size, "read (it grew while being read)");
  }
  struct stat after {};
  if (::fstat(f.fd, &after) != 0) return system_error_text(errno);
  if (!same_version(before, after) || size != expected) {
    return "the file changed while it was being read (" + std::to_string(expected) + " bytes, then " +
           std::to_string(size) + " read, now " + std::to_string(after.st_size) +
           "); not loaded, it is read again on the next load";
  }
  data_ = std::move(data);
  size_ = size;
  return {};
}

}  // namespace dnskit::zones::detail
