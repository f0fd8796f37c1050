// A zone file's identity on disk (zone_file_stamp.hpp).
#include "zone_file_stamp.hpp"

#include <sys/stat.h>

namespace dnskit::nameserver {
namespace {

zone_file_stamp from_stat(const struct stat& st) {
  zone_file_stamp s;
  s.device = static_cast<std::uint64_t>(st.st_dev);
  s.inode = static_cast<std::uint64_t>(st.st_ino);
  s.size = static_cast<std::uint64_t>(st.st_size);
  s.mtime_seconds = static_cast<std::int64_t>(st.st_mtim.tv_sec);
  s.mtime_nanoseconds = static_cast<std::int64_t>(st.st_mtim.tv_nsec);
  return s;
}

}  // namespace

std::optional<zone_file_stamp> stamp_of_file(const std::filesystem::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return std::nullopt;
  return from_stat(st);
}

std::optional<zone_file_stamp> stamp_of_descriptor(int fd) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return std::nullopt;
  return from_stat(st);
}

}  // namespace dnskit::nameserver
