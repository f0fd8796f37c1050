// A zone's file on disk, replaced atomically (secondary_zone_file.hpp).
#include "secondary_zone_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <string>

namespace dnskit::nameserver {
namespace {

std::error_code last_error() { return {errno, std::generic_category()}; }

// Writes all of `text` (write may take less than asked).
std::error_code write_all(int fd, std::string_view text) {
  while (!text.empty()) {
    const ssize_t n = ::write(fd, text.data(), text.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return last_error();
    }
    text.remove_prefix(static_cast<std::size_t>(n));
  }
  return {};
}

// The lines of the zone, written in pieces of about 64 KiB.
std::error_code write_records(int fd, const zones::zone& zone, std::string_view header) {
  std::string buffer;
  buffer.reserve(std::size_t{1} << 17);
  buffer.append("; ").append(header).append("\n");
  auto cursor = zone.records();
  zones::record_ref r;
  while (cursor.next(r)) {
    buffer.append(r.to_record().to_text()).push_back('\n');
    if (buffer.size() >= (std::size_t{1} << 16)) {
      if (auto ec = write_all(fd, buffer)) return ec;
      buffer.clear();
    }
  }
  return write_all(fd, buffer);
}

// Makes the rename itself durable (POSIX leaves a directory entry's fate to the directory's sync).
std::error_code sync_directory(const std::filesystem::path& dir) {
  const int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return last_error();
  std::error_code ec;
  if (::fsync(fd) != 0) ec = last_error();
  ::close(fd);
  return ec;
}

}  // namespace

std::error_code write_zone_file(const zones::zone& zone, const std::filesystem::path& file,
                                std::string_view header,
                                std::optional<zone_file_stamp>* written) {
  const std::filesystem::path dir = file.parent_path();
  // In the same directory, so that the rename stays within one file system.
  std::string temp = (dir / ("." + file.filename().string() + ".XXXXXX")).string();
  const int fd = ::mkostemp(temp.data(), O_CLOEXEC);
  if (fd < 0) return last_error();
  std::error_code ec = write_records(fd, zone, header);
  if (!ec && ::fchmod(fd, 0644) != 0) ec = last_error();  // mkostemp makes it 0600
  if (!ec && ::fsync(fd) != 0) ec = last_error();
  // Taken from the file itself, not from the name after the rename: someone who replaces FILE
  // at that moment is seen as a change.
  if (!ec && written != nullptr) *written = stamp_of_descriptor(fd);
  if (::close(fd) != 0 && !ec) ec = last_error();
  if (!ec && ::rename(temp.c_str(), file.c_str()) != 0) ec = last_error();
  if (ec) {
    ::unlink(temp.c_str());
    return ec;
  }
  return sync_directory(dir);
}

}  // namespace dnskit::nameserver
