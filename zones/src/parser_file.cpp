#include "parser_file.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

namespace dnskit::zones::detail {
namespace {

struct fd_guard {
  int fd;
  ~fd_guard() {
    if (fd >= 0) ::close(fd);
  }
};

std::error_code last_error() { return {errno, std::generic_category()}; }

}  // namespace

file_text::~file_text() {
  if (map_ != nullptr) ::munmap(map_, size_);
}

std::error_code file_text::open(const std::filesystem::path& path) {
  fd_guard f{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (f.fd < 0) return last_error();
  struct stat st {};
  if (::fstat(f.fd, &st) != 0) return last_error();
  if (S_ISDIR(st.st_mode)) return std::make_error_code(std::errc::is_a_directory);
  if (S_ISREG(st.st_mode) && st.st_size > 0) {
    size_ = static_cast<std::size_t>(st.st_size);
    void* m = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, f.fd, 0);
    if (m != MAP_FAILED) {
      map_ = m;
      ::madvise(map_, size_, MADV_SEQUENTIAL);
      return {};
    }
    size_ = 0;
  }
  // Not mappable (a pipe, a special file, or an empty file): read it all.
  char chunk[65536];
  for (;;) {
    const ssize_t n = ::read(f.fd, chunk, sizeof chunk);
    if (n < 0) {
      if (errno == EINTR) continue;
      return last_error();
    }
    if (n == 0) break;
    buffer_.append(chunk, static_cast<std::size_t>(n));
  }
  return {};
}

std::string_view file_text::text() const noexcept {
  if (map_ != nullptr) return {static_cast<const char*>(map_), size_};
  return buffer_;
}

void file_text::release(const char* upto) noexcept {
  if (map_ == nullptr) return;
  const auto* base = static_cast<const char*>(map_);
  if (upto < base || upto > base + size_) return;
  const long page = ::sysconf(_SC_PAGESIZE);
  if (page <= 0) return;
  const auto pg = static_cast<std::size_t>(page);
  const std::size_t end = (static_cast<std::size_t>(upto - base) / pg) * pg;
  if (end <= released_) return;
  // A private read-only mapping of a file: dropped pages are re-read from the file if touched.
  ::madvise(static_cast<char*>(map_) + released_, end - released_, MADV_DONTNEED);
  released_ = end;
}

}  // namespace dnskit::zones::detail
