#pragma once
// What a zone file was on disk when the server last read or wrote it: its device, inode, size
// and modification time. Before a primary zone's file is written back from the zone served
// (zone_updater::sync_file) it is compared with this stamp: a file that differs was edited or
// replaced by someone else since, and is never overwritten (BIND refuses a hand-edited file
// over its journal in the same spirit).
#include <cstdint>
#include <filesystem>
#include <optional>

namespace dnskit::nameserver {

struct zone_file_stamp {
  std::uint64_t device = 0;
  std::uint64_t inode = 0;
  std::uint64_t size = 0;
  std::int64_t mtime_seconds = 0;
  std::int64_t mtime_nanoseconds = 0;

  friend bool operator==(const zone_file_stamp&, const zone_file_stamp&) = default;
};

// The stamp of the file at `path` now (symbolic links followed, as the loader reads it);
// std::nullopt when it cannot be read (absent).
std::optional<zone_file_stamp> stamp_of_file(const std::filesystem::path& path);
// The stamp of an open file.
std::optional<zone_file_stamp> stamp_of_descriptor(int fd);

}  // namespace dnskit::nameserver
