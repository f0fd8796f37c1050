// BIND's $GENERATE directive:
//   $GENERATE start-stop[/step] lhs [ttl] [class] type rhs...
// Each of lhs and the fields after it is a template: `$` is the iterator, `${offset,width,base}`
// formats iterator+offset (base d, o, x, X, or n/N for reversed nibble labels), `\$` is a
// literal `$`. The count of records one line may produce is bounded (parse_options::max_generate).
#include <cstdint>
#include <string>

#include "parser_core.hpp"

namespace dnskit::zones::detail {
namespace {

bool parse_signed(std::string_view s, std::int64_t& out) {
  bool negative = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  std::uint32_t v = 0;
  if (!parse_number(s, 0x7FFFFFFF, v)) return false;
  out = negative ? -static_cast<std::int64_t>(v) : static_cast<std::int64_t>(v);
  return true;
}

// Reversed nibbles, one per label ("1.a" for 0xa1). `width` counts output characters, dots
// included, and pads with zero nibbles, as BIND does.
void append_nibbles(std::string& out, std::uint64_t value, std::uint32_t width, bool upper) {
  const char* digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  for (;;) {
    out += digits[value & 0xF];
    value >>= 4;
    if (width > 0) --width;
    if (value == 0 && width == 0) break;
    out += '.';
    if (width > 0) --width;
    if (value == 0 && width == 0) break;
  }
}

void append_number(std::string& out, std::uint64_t value, std::uint32_t width, char base) {
  char buf[32];
  std::size_t n = 0;
  const unsigned radix = base == 'o' ? 8 : (base == 'x' || base == 'X') ? 16 : 10;
  const char* digits = base == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
  do {
    buf[n++] = digits[value % radix];
    value /= radix;
  } while (value != 0);
  for (std::size_t i = n; i < width; ++i) out += '0';
  while (n > 0) out += buf[--n];
}

// Expands one template for `value`; false (with `why`) on a malformed `${...}`.
bool expand(std::string_view tmpl, std::int64_t value, std::string& out, const char*& why) {
  out.clear();
  for (std::size_t i = 0; i < tmpl.size();) {
    const char c = tmpl[i];
    if (c == '\\' && i + 1 < tmpl.size()) {
      if (tmpl[i + 1] == '$') {
        out += '$';
      } else {
        out.append(tmpl.substr(i, 2));  // other escapes stay for the field's own parser
      }
      i += 2;
      continue;
    }
    if (c != '$') {
      out += c;
      ++i;
      continue;
    }
    ++i;
    std::int64_t offset = 0;
    std::uint32_t width = 0;
    char base = 'd';
    if (i < tmpl.size() && tmpl[i] == '{') {
      const std::size_t close = tmpl.find('}', i);
      if (close == std::string_view::npos) {
        why = "'{' without '}'";
        return false;
      }
      std::string_view spec = tmpl.substr(i + 1, close - i - 1);
      i = close + 1;
      const std::size_t c1 = spec.find(',');
      if (!parse_signed(spec.substr(0, c1), offset)) {
        why = "bad offset";
        return false;
      }
      if (c1 != std::string_view::npos) {
        spec.remove_prefix(c1 + 1);
        const std::size_t c2 = spec.find(',');
        // Width is bounded: a label is at most 63 octets anyway.
        if (!parse_number(spec.substr(0, c2), 255, width)) {
          why = "bad width";
          return false;
        }
        if (c2 != std::string_view::npos) {
          spec.remove_prefix(c2 + 1);
          if (spec.size() != 1 || std::string_view("doxXnN").find(spec[0]) == std::string_view::npos) {
            why = "bad base (one of d, o, x, X, n, N)";
            return false;
          }
          base = spec[0];
        }
      }
    }
    const std::int64_t v = value + offset;
    if (v < 0) {
      why = "negative value";
      return false;
    }
    if (base == 'n' || base == 'N') {
      append_nibbles(out, static_cast<std::uint64_t>(v), width, base == 'N');
    } else {
      append_number(out, static_cast<std::uint64_t>(v), width, base);
    }
  }
  return true;
}

}  // namespace

void parser_core::handle_generate(const entry& e, file_context& file) {
  const auto& t = e.tokens;
  if (t.size() < 5) {
    error(file, e.end_line, e.end_column, "missing argument to $GENERATE (range lhs [ttl] [class] type rhs)");
    return;
  }
  const token& range = t[1];
  // start-stop[/step]
  std::string_view r = range.text;
  std::uint32_t start = 0, stop = 0, step = 1;
  const std::size_t dash = r.find('-');
  const std::size_t slash = r.find('/');
  bool ok = dash != std::string_view::npos && (slash == std::string_view::npos || slash > dash) &&
            parse_number(r.substr(0, dash), 0x7FFFFFFF, start) &&
            parse_number(r.substr(dash + 1, slash == std::string_view::npos ? std::string_view::npos
                                                                            : slash - dash - 1),
                         0x7FFFFFFF, stop) &&
            (slash == std::string_view::npos ||
             parse_number(r.substr(slash + 1), 0x7FFFFFFF, step));
  if (!ok || step == 0 || start > stop) {
    error(file, range.line, range.column, "bad $GENERATE range " + show(range.text));
    return;
  }
  const std::uint64_t count = (static_cast<std::uint64_t>(stop) - start) / step + 1;
  if (count > options_.max_generate) {
    error(file, range.line, range.column,
          "$GENERATE range " + show(range.text) + " makes more than " +
              std::to_string(options_.max_generate) + " records");
    return;
  }

  // Expanded texts live in `texts`; `expanded` holds tokens pointing into them. As BIND does,
  // a quoted field is expanded and then read again as presentation text, so
  // `MX "10 mail$"` gives two fields and `TXT "a $"` two strings.
  std::vector<std::string> texts(t.size() - 2);
  std::vector<token> expanded;
  std::vector<dns::text_token> pieces;
  const dns::name saved_owner = rec_.owner;
  for (std::uint64_t v = start; v <= stop; v += step) {
    const char* why = nullptr;
    expanded.clear();
    for (std::size_t k = 2; k < t.size(); ++k) {
      std::string& text = texts[k - 2];
      if (!expand(t[k].text, static_cast<std::int64_t>(v), text, why)) {
        error(file, t[k].line, t[k].column, "bad $GENERATE template " + show(t[k].text) + ": " + why);
        rec_.owner = saved_owner;
        return;
      }
      if (k < 3) continue;
      if (!t[k].quoted) {
        expanded.push_back(token{text, t[k].line, t[k].column, false});
        continue;
      }
      pieces.clear();
      if (dns::tokenize(text, pieces)) {
        error(file, t[k].line, t[k].column, "bad $GENERATE template " + show(t[k].text) + ": unbalanced quotes");
        rec_.owner = saved_owner;
        return;
      }
      for (const auto& piece : pieces)
        expanded.push_back(token{piece.text, t[k].line, t[k].column, piece.quoted});
    }
    std::error_code ec;
    if (!(ec = name_to_wire(texts[0], file.origin, wire_))) rec_.owner = dns::name::from_wire(wire_.view(), ec);
    if (ec) {
      error(file, t[2].line, t[2].column, "bad $GENERATE owner " + show(texts[0]) + ": " + ec.message());
      break;
    }
    // One bad record means the template is bad: report it once, not for every value.
    if (!handle_record(expanded, 0, e, file) || stopped_) break;
  }
  rec_.owner = saved_owner;
}

}  // namespace dnskit::zones::detail
