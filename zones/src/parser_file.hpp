#pragma once
// A zone file's bytes for the parser, read with read() into memory the parser owns.
//
// Why a private copy and not a mapping: a file mapped with mmap() stays backed by the file, so
// when an operator truncates or rewrites it in place (`: > zone`, `cp new.zone zone`) while it is
// being parsed, touching a page past the new end raises SIGBUS and the whole server dies (Knot
// 3.2 dies the same way; NSD reads with fread() into its own buffers and survives). A copy made
// with read() cannot be torn afterwards; a change during the read itself is seen (the size or
// modification time differs after the read) and reported, and the next reload reads again.
// Reading the whole file into one buffer costs one copy at memory bandwidth, which is small
// beside parsing it.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace dnskit::zones::detail {

struct read_limits {
  std::uint64_t max_size = 0;  // 0: no limit
  const std::atomic<bool>* cancel = nullptr;  // checked between chunks of the read
};

class file_text {
 public:
  // Reads `path` whole. Returns an empty string on success, else why not, in words fit to
  // follow "cannot read FILE: " (not a regular file, over the size limit, changed while read,
  // or the system's error).
  std::string read(const std::filesystem::path& path, const read_limits& limits);
  std::string_view text() const noexcept { return {data_.get(), size_}; }

 private:
  std::unique_ptr<char[]> data_;
  std::size_t size_ = 0;
};

}  // namespace dnskit::zones::detail
