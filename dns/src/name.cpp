#include "dnskit/dns/name.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>

#include "dnskit/dns/errc.hpp"
#include "name_wire.hpp"
#include "text_util.hpp"

namespace dnskit::dns {
namespace {

// A name of 255 octets has at most 127 labels plus the root; every compression hop but the last
// must lead to at least one more label, so more hops than that can only be an attack.
constexpr int max_pointer_hops = 128;

// Offsets of the labels of a valid uncompressed name; returns the label count (root excluded).
std::size_t label_offsets(std::span<const std::uint8_t> wire, std::array<std::uint8_t, 128>& out) noexcept {
  std::size_t count = 0;
  std::size_t pos = 0;
  while (pos < wire.size() && wire[pos] != 0 && count < out.size()) {
    out[count++] = static_cast<std::uint8_t>(pos);
    pos += 1 + wire[pos];
  }
  return count;
}

bool needs_backslash(std::uint8_t c) noexcept {
  // The characters with a meaning in master files (RFC 1035 §5.1), escaped as BIND does.
  switch (c) {
    case '.': case '\\': case '"': case '(': case ')': case ';': case '@': case '$':
      return true;
    default:
      return false;
  }
}

std::uint64_t mix(std::uint64_t h, std::uint64_t v) noexcept {
  h ^= v;
  h *= 0x9E3779B97F4A7C15ULL;
  return h ^ (h >> 29);
}

}  // namespace

namespace detail {

std::error_code label_type_error(std::uint8_t length_octet) noexcept {
  // 0b01xxxxxx is what a 64..127-octet label would look like, and is otherwise the obsolete
  // extended label type (RFC 6891 §5); report it as an over-long label. 0b10 is reserved.
  if ((length_octet & 0xC0) == 0x40) return errc::label_too_long;
  if ((length_octet & 0xC0) == 0x80) return errc::bad_label_type;
  return errc::bad_pointer;
}

}  // namespace detail

std::size_t name_extent(std::span<const std::uint8_t> data, std::error_code& ec) noexcept {
  std::size_t pos = 0;
  for (;;) {
    if (pos >= data.size()) {
      ec = errc::short_read;
      return 0;
    }
    std::uint8_t len = data[pos];
    if (len > name::max_label_size) {
      ec = detail::label_type_error(len);
      return 0;
    }
    if (pos + 1 + len > name::max_wire_size) {
      ec = errc::name_too_long;
      return 0;
    }
    pos += 1 + len;
    if (len == 0) return pos;
  }
}

std::error_code skip_name(std::span<const std::uint8_t> m, std::size_t end,
                          std::size_t& pos) noexcept {
  constexpr std::uint8_t pointer_bits = 0xc0;  // RFC 1035 §4.1.4
  std::size_t size = 0;
  for (;;) {
    if (pos >= end) return errc::short_read;
    const std::uint8_t length = m[pos];
    if ((length & pointer_bits) == pointer_bits) {
      if (end - pos < 2) return errc::short_read;
      pos += 2;
      return {};
    }
    if (length > name::max_label_size) return detail::label_type_error(length);
    size += 1 + std::size_t{length};
    if (size > name::max_wire_size) return errc::name_too_long;
    if (end - pos - 1 < length) return errc::short_read;
    pos += 1 + std::size_t{length};
    if (length == 0) return {};
  }
}

bool wire_names_equal(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) noexcept {
  return a.size() == b.size() && detail::iequal_bytes(a.data(), b.data(), a.size());
}

bool wire_name_at_or_below(std::span<const std::uint8_t> name,
                           std::span<const std::uint8_t> ancestor) noexcept {
  if (ancestor.size() > name.size()) return false;
  const std::size_t skip = name.size() - ancestor.size();
  std::size_t pos = 0;
  while (pos < skip) pos += 1 + std::size_t{name[pos]};
  if (pos != skip) return false;  // the suffix does not start on a label boundary
  return detail::iequal_bytes(name.data() + skip, ancestor.data(), ancestor.size());
}

name::name() = default;  // the storage starts as the root

namespace {

// Presentation text turned into wire labels: buf[label_start] is the last label's length
// octet (written by from_text for a relative name), `pos` is where the next octet goes.
struct label_builder {
  // Room for 8 octets past the longest name: parse_plain reads whole 64-bit words.
  std::array<std::uint8_t, name::max_wire_size + 1 + 8> buf;
  std::size_t pos = 1;
  std::size_t label_start = 0;
  bool absolute = false;  // the text ended with an unescaped dot
};

// Index of the first '.' or '\\' in buf[from, end), or `end`; eight octets per step (each byte
// equal to '.' or '\\' turns to zero after the XOR, and the classic has-zero-byte test flags
// it; in a little-endian word the lowest flag is always exact). Reads up to 7 octets past
// `end`, which must exist.
std::size_t find_dot_or_escape(const std::uint8_t* buf, std::size_t from, std::size_t end) noexcept {
  constexpr std::uint64_t ones = 0x0101010101010101ULL;
  constexpr std::uint64_t highs = 0x8080808080808080ULL;
  constexpr std::uint64_t dots = ones * '.';
  constexpr std::uint64_t escapes = ones * '\\';
  if constexpr (std::endian::native != std::endian::little) {
    // Borrows run towards the first octets in memory here, so the test is not exact.
    for (std::size_t i = from; i < end; ++i) {
      if (buf[i] == '.' || buf[i] == '\\') return i;
    }
    return end;
  }
  for (std::size_t i = from; i < end; i += 8) {
    std::uint64_t word;
    std::memcpy(&word, buf + i, sizeof word);
    const std::uint64_t a = word ^ dots;
    const std::uint64_t e = word ^ escapes;
    const std::uint64_t hits = (((a - ones) & ~a) | ((e - ones) & ~e)) & highs;
    if (hits != 0) {
      return std::min(end, i + static_cast<std::size_t>(std::countr_zero(hits) / 8));
    }
  }
  return end;
}

// The usual text: no escapes and shorter than 255 characters. It is copied whole behind the
// first length octet, then each dot becomes the length octet of the label after it; only label
// lengths need checking (a text this short cannot overrun `buf`). Returns false, deciding
// nothing, when the text has an escape.
bool parse_plain(std::string_view text, label_builder& b, std::error_code& ec) {
  std::uint8_t* const buf = b.buf.data();
  const std::size_t end = 1 + text.size();
  std::memcpy(buf + 1, text.data(), text.size());
  std::memset(buf + end, 0, 8);  // what the word reads past the text see: no dot, no escape
  std::size_t label_start = 0;
  for (;;) {
    const std::size_t stop = find_dot_or_escape(buf, label_start + 1, end);
    if (stop < end && buf[stop] == '\\') return false;
    const std::size_t len = stop - label_start - 1;
    if (len == 0) {
      ec = errc::empty_label;
      return true;
    }
    if (len > name::max_label_size) {
      ec = errc::label_too_long;
      return true;
    }
    buf[label_start] = static_cast<std::uint8_t>(len);
    if (stop == end) {  // relative: the last label ends the text
      b.pos = end;
      break;
    }
    if (stop + 1 == end) {  // absolute: the root goes where the last dot is
      b.pos = stop;
      b.absolute = true;
      break;
    }
    label_start = stop;
  }
  b.label_start = label_start;
  return true;
}

// Any text: RFC 1035 §5.1 escapes (\\X, \\DDD), every octet bounds-checked.
std::error_code parse_escaped(std::string_view text, label_builder& b) {
  std::uint8_t* const buf = b.buf.data();
  std::size_t pos = 1;
  std::size_t label_start = 0;
  const std::size_t n = text.size();
  for (std::size_t i = 0; i < n; ++i) {
    char c = text[i];
    if (c == '.') {
      const std::size_t len = pos - label_start - 1;
      if (len == 0) return errc::empty_label;
      buf[label_start] = static_cast<std::uint8_t>(len);
      if (i + 1 == n) {
        b.absolute = true;
        break;
      }
      label_start = pos;
      if (pos >= name::max_wire_size) return errc::name_too_long;
      ++pos;
      continue;
    }
    std::uint8_t byte = static_cast<std::uint8_t>(c);
    if (c == '\\') {
      if (++i >= n) return errc::bad_escape;
      if (detail::is_digit(text[i])) {
        if (i + 2 >= n || !detail::is_digit(text[i + 1]) || !detail::is_digit(text[i + 2])) {
          return errc::bad_escape;
        }
        int v = (text[i] - '0') * 100 + (text[i + 1] - '0') * 10 + (text[i + 2] - '0');
        if (v > 255) return errc::bad_escape;
        byte = static_cast<std::uint8_t>(v);
        i += 2;
      } else {
        byte = static_cast<std::uint8_t>(text[i]);
      }
    }
    if (pos - label_start - 1 >= name::max_label_size) return errc::label_too_long;
    if (pos >= name::max_wire_size) return errc::name_too_long;
    buf[pos++] = byte;
  }
  b.pos = pos;
  b.label_start = label_start;
  return {};
}

}  // namespace

name name::from_text(std::string_view text, const name& origin, std::error_code& ec) {
  ec.clear();
  // The only object returned (the root until the end), so it is built in the caller's place.
  name result;
  if (text == "@") {
    result = origin;
    return result;
  }
  if (text == ".") return result;
  if (text.empty()) {
    ec = errc::empty_label;
    return result;
  }
  label_builder b;
  if (text.size() >= max_wire_size || !parse_plain(text, b, ec)) ec = parse_escaped(text, b);
  if (ec) return result;
  std::size_t pos = b.pos;
  if (b.absolute) {
    if (pos + 1 > max_wire_size) {
      ec = errc::name_too_long;
      return result;
    }
    b.buf[pos++] = 0;
    std::memcpy(result.wire_.assign_uninitialized(pos), b.buf.data(), pos);
    return result;
  }
  b.buf[b.label_start] = static_cast<std::uint8_t>(pos - b.label_start - 1);
  if (pos + origin.wire_.size() > max_wire_size) {
    ec = errc::name_too_long;
    return result;
  }
  std::uint8_t* out = result.wire_.assign_uninitialized(pos + origin.wire_.size());
  std::memcpy(out, b.buf.data(), pos);
  std::memcpy(out + pos, origin.wire_.data(), origin.wire_.size());
  return result;
}

name name::from_text(std::string_view text, std::error_code& ec) {
  return from_text(text, name{}, ec);
}

name name::from_text(std::string_view text) {
  std::error_code ec;
  name n = from_text(text, name{}, ec);
  if (ec) throw std::system_error(ec, "bad domain name '" + std::string(text) + "'");
  return n;
}

name name::from_wire(std::span<const std::uint8_t> wire, std::error_code& ec) {
  ec.clear();
  std::size_t size = detail::name_extent(wire, ec);
  if (ec) return {};
  if (size != wire.size()) {
    ec = errc::trailing_data;
    return {};
  }
  name result;
  std::memcpy(result.wire_.assign_uninitialized(size), wire.data(), size);
  return result;
}

namespace {

// name::read's loop: writes the labels of the name at `offset` into `out` (the root on entry),
// following compression pointers, and on success moves `offset` past the name as stored there.
std::error_code read_labels(std::span<const std::uint8_t> message, std::size_t& offset,
                            detail::name_storage& out) {
  std::size_t len = 0;  // octets of `out` written so far
  std::size_t pos = offset;
  // Start of the label sequence being read: a pointer must lead strictly before it (so every
  // hop goes backwards and loops, self and forward pointers are impossible).
  std::size_t sequence_start = offset;
  std::size_t end = 0;  // where the name ends in place (set at the first pointer or the root)
  bool jumped = false;
  int hops = 0;
  const std::uint8_t* data = message.data();
  const std::size_t size = message.size();
  for (;;) {
    // The labels stored one after the other up to the root or a pointer (a run) are checked one
    // by one, then copied at once.
    const std::size_t run_start = pos;
    std::uint8_t b = 0;
    for (;;) {
      if (pos >= size) return errc::short_read;
      b = data[pos];
      if (b == 0 || b > name::max_label_size) break;
      const std::size_t label_size = 1 + std::size_t{b};
      if (pos + label_size > size) return errc::short_read;
      // Leaves room for the root label.
      if (len + (pos - run_start) + label_size + 1 > name::max_wire_size) return errc::name_too_long;
      pos += label_size;
    }
    if (b == 0) ++pos;  // the root label ends the run and the name
    if (const std::size_t run = pos - run_start; run != 0) {
      std::memcpy(out.grow(len + run) + len, data + run_start, run);
      len += run;
    }
    if (b == 0) {
      if (!jumped) end = pos;
      break;
    }
    if ((b & 0xC0) != 0xC0) return detail::label_type_error(b);
    if (pos + 1 >= size) return errc::short_read;
    std::size_t target = (std::size_t{b & 0x3Fu} << 8) | data[pos + 1];
    if (target >= sequence_start) return errc::bad_pointer;
    if (++hops > max_pointer_hops) return errc::too_many_pointers;
    if (!jumped) {
      end = pos + 2;
      jumped = true;
    }
    pos = sequence_start = target;
  }
  offset = end;
  return {};
}

}  // namespace

name name::read(std::span<const std::uint8_t> message, std::size_t& offset, std::error_code& ec) {
  // One return object on every path, so the labels are copied straight into the caller's name.
  name result;
  ec = read_labels(message, offset, result.wire_);
  if (ec) result = name{};
  return result;
}

void name::append_text(std::string& out) const {
  if (is_root()) {
    out.push_back('.');
    return;
  }
  const std::uint8_t* w = wire_.data();
  std::size_t pos = 0;
  while (w[pos] != 0) {
    std::size_t len = w[pos];
    for (std::size_t i = pos + 1; i <= pos + len; ++i) {
      std::uint8_t c = w[i];
      if (c <= 0x20 || c >= 0x7F) {
        out.push_back('\\');
        out.push_back(static_cast<char>('0' + c / 100));
        out.push_back(static_cast<char>('0' + c / 10 % 10));
        out.push_back(static_cast<char>('0' + c % 10));
      } else {
        if (needs_backslash(c)) out.push_back('\\');
        out.push_back(static_cast<char>(c));
      }
    }
    out.push_back('.');
    pos += len + 1;
  }
}

std::string name::to_text() const {
  std::string out;
  out.reserve(wire_.size() + 1);
  append_text(out);
  return out;
}

std::size_t name::label_count() const noexcept {
  const std::uint8_t* w = wire_.data();
  std::size_t count = 0;
  std::size_t pos = 0;
  while (w[pos] != 0) {
    pos += 1 + w[pos];
    ++count;
  }
  return count;
}

std::string_view name::label(std::size_t i) const noexcept {
  const std::uint8_t* w = wire_.data();
  std::size_t pos = 0;
  for (;;) {
    std::size_t len = w[pos];
    if (len == 0) return {};
    if (i-- == 0) return {reinterpret_cast<const char*>(w + pos + 1), len};  // NOLINT: byte view
    pos += 1 + len;
  }
}

bool name::is_wildcard() const noexcept {
  return wire_.size() >= 2 && wire_.data()[0] == 1 && wire_.data()[1] == '*';
}

bool name::is_subdomain_of(const name& ancestor) const noexcept {
  return wire_name_at_or_below(wire(), ancestor.wire());
}

name name::strip_left(std::size_t n) const {
  const std::uint8_t* w = wire_.data();
  std::size_t pos = 0;
  while (n-- > 0 && w[pos] != 0) pos += 1 + w[pos];
  name result;
  const std::size_t size = wire_.size() - pos;
  std::memcpy(result.wire_.assign_uninitialized(size), w + pos, size);
  return result;
}

name name::prepend(std::string_view label, std::error_code& ec) const {
  ec.clear();
  if (label.empty()) {
    ec = errc::empty_label;
    return {};
  }
  if (label.size() > max_label_size) {
    ec = errc::label_too_long;
    return {};
  }
  if (wire_.size() + 1 + label.size() > max_wire_size) {
    ec = errc::name_too_long;
    return {};
  }
  name result;
  std::uint8_t* out = result.wire_.assign_uninitialized(1 + label.size() + wire_.size());
  out[0] = static_cast<std::uint8_t>(label.size());
  std::memcpy(out + 1, label.data(), label.size());
  std::memcpy(out + 1 + label.size(), wire_.data(), wire_.size());
  return result;
}

name name::concat(const name& suffix, std::error_code& ec) const {
  ec.clear();
  std::size_t size = wire_.size() - 1 + suffix.wire_.size();
  if (size > max_wire_size) {
    ec = errc::name_too_long;
    return {};
  }
  name result;
  std::uint8_t* out = result.wire_.assign_uninitialized(size);
  std::memcpy(out, wire_.data(), wire_.size() - 1);
  std::memcpy(out + wire_.size() - 1, suffix.wire_.data(), suffix.wire_.size());
  return result;
}

name name::lowercase() const {
  name result = *this;
  std::uint8_t* w = result.wire_.data();
  for (std::size_t i = 0; i < result.wire_.size(); ++i) w[i] = detail::lower(w[i]);
  return result;
}

bool operator==(const name& a, const name& b) noexcept {
  // Length octets are below 64, so lowering them is harmless and the whole wire form can be
  // compared at once.
  return a.wire_.size() == b.wire_.size() &&
         detail::iequal_bytes(a.wire_.data(), b.wire_.data(), a.wire_.size());
}

std::strong_ordering operator<=>(const name& a, const name& b) noexcept {
  return canonical_compare(a.wire(), b.wire());
}

std::size_t name::hash() const noexcept {
  const std::uint8_t* p = wire_.data();
  std::size_t n = wire_.size();
  std::uint64_t h = 0xCBF29CE484222325ULL ^ n;
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) h = mix(h, detail::lower8(detail::load8(p + i)));
  std::uint64_t tail = 0;
  for (std::size_t k = 0; i + k < n; ++k) tail |= std::uint64_t{detail::lower(p[i + k])} << (8 * k);
  h = mix(h, tail);
  h ^= h >> 32;
  return static_cast<std::size_t>(h);
}

std::strong_ordering canonical_compare(std::span<const std::uint8_t> a,
                                       std::span<const std::uint8_t> b) noexcept {
  // RFC 4034 §6.1: compare label by label starting from the rightmost; each label as a string
  // of lowercased octets where a shorter label that is a prefix of the other sorts first; a
  // name with fewer labels sorts first when all its labels match.
  std::array<std::uint8_t, 128> la, lb;
  std::size_t na = label_offsets(a, la);
  std::size_t nb = label_offsets(b, lb);
  while (na > 0 && nb > 0) {
    const std::uint8_t* pa = a.data() + la[--na];
    const std::uint8_t* pb = b.data() + lb[--nb];
    std::size_t lena = pa[0], lenb = pb[0];
    std::size_t common = std::min(lena, lenb);
    for (std::size_t i = 1; i <= common; ++i) {
      std::uint8_t ca = detail::lower(pa[i]), cb = detail::lower(pb[i]);
      if (ca != cb) return ca <=> cb;
    }
    if (lena != lenb) return lena <=> lenb;
  }
  return na <=> nb;
}

}  // namespace dnskit::dns
