#include "dnskit/resolver/idn.hpp"

#include <idn2.h>

#include <cstdlib>

namespace dnskit::resolver {
namespace {

bool is_ascii(std::string_view text) {
  for (char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

bool has_a_label(std::string_view text) {
  for (std::size_t pos = 0; pos + 4 <= text.size();) {
    if ((pos == 0 || text[pos - 1] == '.') && (text[pos] == 'x' || text[pos] == 'X') &&
        (text[pos + 1] == 'n' || text[pos + 1] == 'N') && text[pos + 2] == '-' && text[pos + 3] == '-')
      return true;
    auto dot = text.find('.', pos);
    if (dot == std::string_view::npos) break;
    pos = dot + 1;
  }
  return false;
}

}  // namespace

std::optional<std::string> to_ascii_name(std::string_view text, std::string& reason) {
  if (is_ascii(text)) return std::string(text);
  std::string input(text);
  char* out = nullptr;
  // Non-transitional processing (IDNA2008 + UTS#46 mapping): what browsers and BIND use.
  int rc = idn2_to_ascii_8z(input.c_str(), &out, IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT);
  if (rc != IDN2_OK) {
    reason = idn2_strerror(rc);
    return std::nullopt;
  }
  std::string result(out);
  idn2_free(out);
  return result;
}

std::optional<std::string> to_unicode_name(std::string_view ascii) {
  if (!has_a_label(ascii)) return std::nullopt;
  std::string input(ascii);
  char* out = nullptr;
  if (idn2_to_unicode_8z8z(input.c_str(), &out, 0) != IDN2_OK) return std::nullopt;
  std::string result(out);
  idn2_free(out);
  if (result == input) return std::nullopt;
  return result;
}

}  // namespace dnskit::resolver
