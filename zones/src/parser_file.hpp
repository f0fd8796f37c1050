#pragma once
// A zone file's bytes for the parser: a read-only private mapping for regular files (no copy,
// and pages already parsed can be handed back so a large zone does not stay resident twice), or
// a buffer read in full for anything else (pipes, /dev/stdin).
#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>

namespace dnskit::zones::detail {

class file_text {
 public:
  file_text() = default;
  file_text(const file_text&) = delete;
  file_text& operator=(const file_text&) = delete;
  ~file_text();

  std::error_code open(const std::filesystem::path& path);
  std::string_view text() const noexcept;

  // Tells the kernel that the bytes before `upto` will not be read again (mappings only).
  void release(const char* upto) noexcept;

 private:
  void* map_ = nullptr;
  std::size_t size_ = 0;
  std::size_t released_ = 0;
  std::string buffer_;
};

}  // namespace dnskit::zones::detail
