#pragma once
// Splits master file text into entries: the tokens of one logical line (RFC 1035 §5.1), with
// parentheses joining physical lines and `;` comments removed. Tokens are views into the text
// (escapes left intact), so lexing allocates nothing once the token vector has grown.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace dnskit::zones::detail {

struct token {
  std::string_view text;  // raw text, escapes intact; for a quoted token, between the quotes
  std::uint32_t line = 0;
  std::uint32_t column = 0;  // 1-based byte column of the token's first byte (the quote if quoted)
  bool quoted = false;
};

struct entry {
  std::vector<token> tokens;
  // The entry's first token is not in column 1: the owner is omitted (RFC 1035 §5.1).
  bool blank_owner = false;
  // The first problem the lexer met in this entry (the parser reports it and skips the entry).
  const char* error = nullptr;
  std::uint32_t error_line = 0;
  std::uint32_t error_column = 0;
  // Line and column just past the entry's last token (for "missing field" errors).
  std::uint32_t end_line = 0;
  std::uint32_t end_column = 0;
};

class lexer {
 public:
  // More tokens than any record can need (RDATA is at most 65535 octets and each token adds at
  // least one): an entry with more is cut off with an error, bounding memory on hostile input.
  static constexpr std::size_t max_tokens = 70'000;

  explicit lexer(std::string_view text) noexcept
      : p_(text.data()), end_(text.data() + text.size()), line_start_(text.data()) {}

  // Reads the next entry with at least one token (or an error). False at the end of the text.
  bool next(entry& out);

  // Bytes consumed so far.
  const char* position() const noexcept { return p_; }

 private:
  void newline() noexcept {
    ++line_;
    line_start_ = p_;
  }
  std::uint32_t column_of(const char* at) const noexcept {
    return static_cast<std::uint32_t>(at - line_start_) + 1;
  }
  void fail(entry& out, const char* what, std::uint32_t line, std::uint32_t column) noexcept {
    if (out.error == nullptr) {
      out.error = what;
      out.error_line = line;
      out.error_column = column;
    }
  }
  void push(entry& out, std::string_view text, std::uint32_t line, std::uint32_t column,
            bool quoted) {
    if (out.tokens.size() >= max_tokens) {
      fail(out, "too many fields in one record", line, column);
      return;
    }
    if (out.tokens.empty()) out.blank_owner = column != 1;
    out.tokens.push_back(token{text, line, column, quoted});
  }

  const char* p_;
  const char* end_;
  const char* line_start_;
  std::uint32_t line_ = 1;
};

}  // namespace dnskit::zones::detail
