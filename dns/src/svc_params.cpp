#include "svc_params.hpp"

#include <algorithm>
#include <optional>
#include <string_view>

#include "dnskit/dns/errc.hpp"
#include "text_util.hpp"

namespace dnskit::dns::detail {
namespace {

enum key : std::uint16_t {
  mandatory = 0,
  alpn = 1,
  no_default_alpn = 2,
  port = 3,
  ipv4hint = 4,
  ech = 5,
  ipv6hint = 6,
  invalid_key = 65535,  // RFC 9460 §14.3.2
};

// Names BIND 9.18 prints; later keys (dohpath, ohttp) print as keyNNNNN like there.
constexpr std::string_view key_names[] = {"mandatory", "alpn",     "no-default-alpn", "port",
                                          "ipv4hint",  "ech",      "ipv6hint"};

std::optional<std::uint16_t> key_from_text(std::string_view text) {
  for (std::size_t i = 0; i < std::size(key_names); ++i) {
    if (text == key_names[i]) return static_cast<std::uint16_t>(i);
  }
  if (text == "dohpath") return 7;  // RFC 9461
  if (text == "ohttp") return 8;    // RFC 9540
  if (text.size() > 3 && text.substr(0, 3) == "key") {
    std::uint64_t v = 0;
    auto digits = text.substr(3);
    // RFC 9460 §2.1: keyNNNNN without leading zeros.
    if (digits.size() > 1 && digits[0] == '0') return std::nullopt;
    if (parse_uint(digits, 65534, v)) return static_cast<std::uint16_t>(v);
  }
  return std::nullopt;
}

void append_key(std::uint16_t k, std::string& out) {
  if (k < std::size(key_names)) {
    out += key_names[k];
  } else {
    out += "key";
    out += std::to_string(k);
  }
}

std::uint16_t get16(const std::uint8_t* p) noexcept { return static_cast<std::uint16_t>(p[0] << 8 | p[1]); }

bool valid_value(std::uint16_t k, std::span<const std::uint8_t> v) noexcept {
  switch (k) {
    case mandatory: {
      if (v.empty() || v.size() % 2 != 0) return false;
      int last = -1;
      for (std::size_t i = 0; i < v.size(); i += 2) {
        int listed = get16(v.data() + i);
        if (listed == mandatory || listed <= last) return false;
        last = listed;
      }
      return true;
    }
    case alpn: {
      if (v.empty()) return false;
      std::size_t pos = 0;
      while (pos < v.size()) {
        std::size_t len = v[pos];
        if (len == 0 || v.size() - pos - 1 < len) return false;
        pos += 1 + len;
      }
      return true;
    }
    case no_default_alpn: return v.empty();
    case port: return v.size() == 2;
    case ipv4hint: return !v.empty() && v.size() % 4 == 0;
    case ech: return !v.empty();
    case ipv6hint: return !v.empty() && v.size() % 16 == 0;
    case invalid_key: return false;
    default: return true;
  }
}

struct param {
  std::uint16_t key;
  std::vector<std::uint8_t> value;
};

// Splits a comma-separated list; RFC 9460 Appendix A.1: `\,` and `\\` escape inside an item
// (after the character-string escapes are gone).
bool split_value_list(std::string_view text, std::vector<std::string>& items) {
  std::string item;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\\') {
      if (++i >= text.size()) return false;
      item.push_back(text[i]);
    } else if (c == ',') {
      items.push_back(std::move(item));
      item.clear();
    } else {
      item.push_back(c);
    }
  }
  items.push_back(std::move(item));
  return true;
}

// Plain comma-separated items (no escapes): mandatory keys, addresses.
std::vector<std::string_view> split_commas(std::string_view text) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  for (;;) {
    std::size_t comma = text.find(',', start);
    out.push_back(text.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

std::error_code parse_value(std::uint16_t k, bool has_value, const std::string& v, param& p) {
  auto& out = p.value;
  switch (k) {
    case mandatory: {
      if (!has_value || v.empty()) return errc::bad_field;
      std::vector<std::uint16_t> keys;
      for (auto item : split_commas(v)) {
        auto listed = key_from_text(item);
        if (!listed || *listed == mandatory) return errc::bad_field;
        keys.push_back(*listed);
      }
      std::sort(keys.begin(), keys.end());
      if (std::adjacent_find(keys.begin(), keys.end()) != keys.end()) return errc::bad_field;
      for (auto listed : keys) {
        out.push_back(static_cast<std::uint8_t>(listed >> 8));
        out.push_back(static_cast<std::uint8_t>(listed));
      }
      return {};
    }
    case alpn: {
      if (!has_value || v.empty()) return errc::bad_field;
      std::vector<std::string> items;
      if (!split_value_list(v, items)) return errc::bad_escape;
      for (const auto& item : items) {
        if (item.empty() || item.size() > 255) return errc::bad_field;
        out.push_back(static_cast<std::uint8_t>(item.size()));
        out.insert(out.end(), item.begin(), item.end());
      }
      return {};
    }
    case no_default_alpn:
      return v.empty() ? std::error_code{} : make_error_code(errc::bad_field);
    case port: {
      std::uint64_t n = 0;
      if (!has_value || !parse_uint(v, 65535, n)) return errc::bad_number;
      out.push_back(static_cast<std::uint8_t>(n >> 8));
      out.push_back(static_cast<std::uint8_t>(n));
      return {};
    }
    case ipv4hint: {
      if (!has_value || v.empty()) return errc::bad_field;
      for (auto item : split_commas(v)) {
        std::uint8_t a[4];
        if (!parse_ipv4(item, a)) return errc::bad_address;
        out.insert(out.end(), a, a + 4);
      }
      return {};
    }
    case ech: {
      if (!has_value || v.empty()) return errc::bad_field;
      rdata_bytes key_config;
      if (!decode_base64(v, key_config)) return errc::bad_base64;
      out.assign(key_config.begin(), key_config.end());
      return {};
    }
    case ipv6hint: {
      if (!has_value || v.empty()) return errc::bad_field;
      for (auto item : split_commas(v)) {
        std::uint8_t a[16];
        if (!parse_ipv6(item, a)) return errc::bad_address;
        out.insert(out.end(), a, a + 16);
      }
      return {};
    }
    default:
      if (v.size() > 65535) return errc::bad_field;
      out.assign(v.begin(), v.end());
      return {};
  }
}

}  // namespace

bool valid_svc_params(std::span<const std::uint8_t> data) noexcept {
  int last = -1;
  std::size_t pos = 0;
  std::span<const std::uint8_t> mandatory_list;
  // Keys seen, to check "mandatory" (at most 64 Ki keys, but a bit set of all is 8 KiB: check
  // the list against the data instead, it is short).
  while (pos < data.size()) {
    if (data.size() - pos < 4) return false;
    int k = get16(data.data() + pos);
    std::size_t len = get16(data.data() + pos + 2);
    if (k <= last || data.size() - pos - 4 < len) return false;
    auto value = data.subspan(pos + 4, len);
    if (!valid_value(static_cast<std::uint16_t>(k), value)) return false;
    if (k == mandatory) mandatory_list = value;
    last = k;
    pos += 4 + len;
  }
  // RFC 9460 §8: every key listed as mandatory must be present.
  for (std::size_t i = 0; i < mandatory_list.size(); i += 2) {
    std::uint16_t listed = get16(mandatory_list.data() + i);
    bool present = false;
    for (std::size_t p = 0; p < data.size(); p += 4 + get16(data.data() + p + 2)) {
      if (get16(data.data() + p) == listed) {
        present = true;
        break;
      }
    }
    if (!present) return false;
  }
  return true;
}

void append_svc_params_text(std::span<const std::uint8_t> data, std::string& out) {
  std::size_t pos = 0;
  bool first = true;
  while (pos + 4 <= data.size()) {
    std::uint16_t k = get16(data.data() + pos);
    std::size_t len = get16(data.data() + pos + 2);
    auto v = data.subspan(pos + 4, std::min(len, data.size() - pos - 4));
    pos += 4 + len;
    if (!first) out.push_back(' ');
    first = false;
    append_key(k, out);
    if (v.empty()) continue;
    out.push_back('=');
    switch (k) {
      case mandatory:
        for (std::size_t i = 0; i + 1 < v.size(); i += 2) {
          if (i != 0) out.push_back(',');
          append_key(get16(v.data() + i), out);
        }
        break;
      case alpn: {
        // Item escapes first (`,` and `\`), then the character-string quoting on top.
        std::string list;
        std::size_t i = 0;
        while (i < v.size()) {
          std::size_t n = v[i];
          if (i != 0) list.push_back(',');
          for (std::size_t j = i + 1; j <= i + n && j < v.size(); ++j) {
            if (v[j] == ',' || v[j] == '\\') list.push_back('\\');
            list.push_back(static_cast<char>(v[j]));
          }
          i += 1 + n;
        }
        append_quoted(as_bytes(list), out);
        break;
      }
      case port: out += std::to_string(get16(v.data())); break;
      case ipv4hint:
        for (std::size_t i = 0; i + 4 <= v.size(); i += 4) {
          if (i != 0) out.push_back(',');
          append_ipv4(std::span<const std::uint8_t, 4>(v.data() + i, 4), out);
        }
        break;
      case ech: append_base64(v, out); break;
      case ipv6hint:
        for (std::size_t i = 0; i + 16 <= v.size(); i += 16) {
          if (i != 0) out.push_back(',');
          append_ipv6(std::span<const std::uint8_t, 16>(v.data() + i, 16), out);
        }
        break;
      default: append_quoted(v, out); break;
    }
  }
}

std::error_code svc_params_from_text(std::span<const text_token> tokens, std::size_t& index,
                                     rdata_bytes& out) {
  std::vector<param> params;
  for (; index < tokens.size(); ++index) {
    const text_token& t = tokens[index];
    if (t.quoted) return errc::bad_field;
    std::string_view text = t.text;
    std::size_t eq = text.find('=');
    std::string_view key_text = text.substr(0, eq);
    auto k = key_from_text(key_text);
    if (!k) return errc::bad_field;
    bool has_value = eq != std::string_view::npos;
    std::string_view raw = has_value ? text.substr(eq + 1) : std::string_view{};
    if (has_value && raw.empty() && index + 1 < tokens.size() && tokens[index + 1].quoted) {
      raw = tokens[++index].text;  // key= "value" as two tokens
    } else if (raw.size() >= 2 && raw.front() == '"' && raw.back() == '"') {
      raw = raw.substr(1, raw.size() - 2);  // key="value" kept whole by the tokenizer
    }
    std::string value;
    if (auto ec = unescape(raw, value)) return ec;
    param p{*k, {}};
    if (auto ec = parse_value(*k, has_value, value, p)) return ec;
    for (const auto& other : params) {
      if (other.key == p.key) return errc::bad_field;  // RFC 9460 §2.2: keys MUST NOT repeat
    }
    params.push_back(std::move(p));
  }
  std::sort(params.begin(), params.end(), [](const param& a, const param& b) { return a.key < b.key; });
  std::size_t start = out.size();
  for (const auto& p : params) {
    out.push_back(static_cast<std::uint8_t>(p.key >> 8));
    out.push_back(static_cast<std::uint8_t>(p.key));
    out.push_back(static_cast<std::uint8_t>(p.value.size() >> 8));
    out.push_back(static_cast<std::uint8_t>(p.value.size()));
    out.insert(out.end(), p.value.begin(), p.value.end());
  }
  if (!valid_svc_params(std::span<const std::uint8_t>(out).subspan(start))) {
    // Per-value checks passed, so what is left is a mandatory key that is missing (§8).
    --index;  // report the last parameter token rather than one past the end
    return errc::bad_field;
  }
  return {};
}

}  // namespace dnskit::dns::detail
