#pragma once
// The parser's state machine, shared by parser.cpp (entries, records, directives, files) and
// parser_generate.cpp ($GENERATE).
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dnskit/dns/record.hpp"
#include "dnskit/zones/parser.hpp"
#include "lexer.hpp"
#include "parser_text.hpp"

namespace dnskit::zones::detail {

// What belongs to one file being read: $INCLUDE saves and restores it (RFC 1035 §5.1: an
// included file does not change the origin of the file that includes it).
struct file_context {
  std::string_view filename;
  std::filesystem::path directory;  // base of relative $INCLUDE paths
  dns::name origin;
  bool has_owner = false;  // a previous owner exists for entries that omit theirs
  dns::name owner;
};

// The token as a message shows it: quoted, at most `max_shown` bytes, unprintable bytes as \DDD.
// A short excerpt only: a token may come from a file that holds secrets.
constexpr std::size_t max_token_shown = 32;
std::string show(std::string_view text, std::size_t max_shown = max_token_shown);
// A file name as a message shows it (names are the operator's, and longer than tokens).
std::string show_path(const std::filesystem::path& path);
std::filesystem::path canonical_or_self(const std::filesystem::path& p);

class parser_core {
 public:
  parser_core(const parse_options& options, const record_sink& sink, parse_result& result)
      : options_(options), sink_(sink), result_(result), class_(options.default_class) {}

  // Parses one file's text.
  void parse(std::string_view text, file_context& file);

  // Records the top-level file, so that an $INCLUDE of it is seen as a loop, and the directory
  // $INCLUDE files must be in (canonical).
  void enter_file(std::filesystem::path canonical, std::filesystem::path include_root) {
    include_stack_.push_back(std::move(canonical));
    include_root_ = std::move(include_root);
  }

  bool stopped() const noexcept { return stopped_; }

  void error(const file_context& file, std::uint32_t line, std::uint32_t column, std::string message);
  void warning(const file_context& file, std::uint32_t line, std::uint32_t column, std::string message);

 private:
  bool cancelled(const file_context& file, const entry& e);
  void handle_entry(const entry& e, file_context& file);
  void handle_directive(const entry& e, file_context& file);
  void handle_include(const entry& e, file_context& file);
  void handle_generate(const entry& e, file_context& file);

  // Parses [TTL] [class] type rdata from tokens[first..] for `rec_.owner` and hands the record
  // on; false (after reporting) on an error.
  bool handle_record(std::span<const token> tokens, std::size_t first, const entry& e,
                     const file_context& file);
  // The rdata of a record whose type has been read; fills rec_.rdata.
  bool read_rdata(std::span<const token> tokens, const entry& e, const file_context& file);

  const parse_options& options_;
  const record_sink& sink_;
  parse_result& result_;
  bool stopped_ = false;

  // TTL state, shared by every file of one load (BIND keeps it across $INCLUDE too).
  bool has_default_ttl_ = false;  // $TTL seen (or the SOA MINIMUM taken in its place)
  std::uint32_t default_ttl_ = 0;
  bool has_last_ttl_ = false;  // an explicit TTL seen: records without one take it (RFC 1035)
  std::uint32_t last_ttl_ = 0;
  bool warned_no_ttl_ = false;
  dns::rr_class class_;  // class of the previous record

  std::vector<std::filesystem::path> include_stack_;  // files being read, for loop detection
  std::filesystem::path include_root_;  // $INCLUDE files must be here or below (canonical)
  unsigned depth_ = 0;

  dns::record rec_;
  std::vector<dns::text_token> rdata_tokens_;
  std::string owner_text_;  // the owner text rec_.owner was made from (skip re-parsing repeats)
  dns::name owner_origin_;  // ... and the origin it was completed with
  wire_name wire_;
};

}  // namespace dnskit::zones::detail
