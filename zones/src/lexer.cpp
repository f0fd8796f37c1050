#include "lexer.hpp"

#include <array>

namespace dnskit::zones::detail {
namespace {

// Bytes that end an unquoted token, plus the escape character (handled apart).
constexpr auto ends_plain = [] {
  std::array<bool, 256> t{};
  for (const char c : {' ', '\t', '\r', '\n', ';', '(', ')', '\\'}) t[static_cast<unsigned char>(c)] = true;
  return t;
}();

}  // namespace

bool lexer::next(entry& out) {
  out.tokens.clear();
  out.blank_owner = false;
  out.error = nullptr;
  bool in_parens = false;
  std::uint32_t paren_line = 0;
  std::uint32_t paren_column = 0;

  const auto finish = [&] {
    if (!out.tokens.empty()) {
      const token& last = out.tokens.back();
      out.end_line = last.line;
      out.end_column = last.column + static_cast<std::uint32_t>(last.text.size()) +
                       (last.quoted ? 2U : 0U);
    } else {
      out.end_line = line_;
      out.end_column = column_of(p_);
    }
    return true;
  };

  while (p_ != end_) {
    const char c = *p_;
    switch (c) {
      case '\n':
        ++p_;
        newline();
        if (!in_parens && (!out.tokens.empty() || out.error != nullptr)) return finish();
        break;
      case ' ':
      case '\t':
      case '\r':
        ++p_;
        break;
      case ';':
        // A comment runs to the end of the line; the newline itself is left for the next round.
        while (p_ != end_ && *p_ != '\n') ++p_;
        break;
      case '(':
        // RFC 1035 §5.1: parentheses let one entry continue over lines. BIND rejects nesting.
        if (in_parens) fail(out, "nested '('", line_, column_of(p_));
        in_parens = true;
        paren_line = line_;
        paren_column = column_of(p_);
        ++p_;
        break;
      case ')':
        if (!in_parens) fail(out, "')' without '('", line_, column_of(p_));
        in_parens = false;
        ++p_;
        break;
      case '"': {
        const std::uint32_t line = line_;
        const std::uint32_t column = column_of(p_);
        const char* start = ++p_;
        bool closed = false;
        while (p_ != end_) {
          const char q = *p_;
          if (q == '"') {
            closed = true;
            break;
          }
          if (q == '\n') break;  // BIND: a quoted string does not run over lines
          if (q == '\\') {
            ++p_;
            if (p_ == end_) break;
            if (*p_ == '\n') {  // an escaped newline is part of the string
              ++p_;
              newline();
              continue;
            }
          }
          ++p_;
        }
        push(out, std::string_view(start, static_cast<std::size_t>(p_ - start)), line, column,
             true);
        if (closed) {
          ++p_;
        } else {
          fail(out, "unterminated quoted string", line, column);
        }
        break;
      }
      default: {
        const std::uint32_t line = line_;
        const std::uint32_t column = column_of(p_);
        const char* start = p_;
        for (;;) {
          while (p_ != end_ && !ends_plain[static_cast<unsigned char>(*p_)]) ++p_;
          if (p_ == end_ || *p_ != '\\') break;
          // An escape: the next byte belongs to the token whatever it is (`\ `, `\;`, `\(`).
          ++p_;
          if (p_ == end_) break;
          if (*p_ == '\n') {
            ++p_;
            newline();
          } else {
            ++p_;
          }
        }
        push(out, std::string_view(start, static_cast<std::size_t>(p_ - start)), line, column,
             false);
        break;
      }
    }
  }
  if (in_parens) fail(out, "'(' not closed before the end of the file", paren_line, paren_column);
  if (out.tokens.empty() && out.error == nullptr) return false;
  return finish();
}

}  // namespace dnskit::zones::detail
