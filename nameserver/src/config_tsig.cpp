#include "config_tsig.hpp"

#include <fmt/format.h>

#include <string_view>
#include <vector>

#include "dnskit/nameserver/acl.hpp"

namespace dnskit::nameserver::detail {
namespace {

std::string place(const toml::source_region& where) {
  if (where.begin.line == 0) return {};
  return fmt::format(":{}:{}", where.begin.line, where.begin.column);
}

bool read_key_table(const toml::table& table, server_config& out, const std::string& file,
                    std::string& error) {
  std::string name, algorithm = "hmac-sha256", secret;
  for (const auto& [key_node, node] : table) {
    const std::string_view key = key_node.str();
    std::string* target = key == "name"        ? &name
                          : key == "algorithm" ? &algorithm
                          : key == "secret"    ? &secret
                                               : nullptr;
    if (target == nullptr) {
      error = fmt::format("{}{}: unknown key '{}' in [[key]] (name, algorithm, secret)", file,
                          place(key_node.source()), key);
      return false;
    }
    auto value = node.value<std::string>();
    if (!value || !node.is_string()) {
      error = fmt::format("{}{}: '{}' must be a string", file, place(node.source()), key);
      return false;
    }
    *target = *value;
  }
  const std::string text = algorithm + ":" + name + ":" + secret;
  std::string why;
  if (name.empty() || secret.empty() || !dns::tsig::parse_key(text, why)) {
    if (name.empty()) why = "a [[key]] needs a name";
    if (secret.empty()) why = "a [[key]] needs a secret (base64)";
    error = fmt::format("{}{}: {}", file, place(table.source()), why);
    return false;
  }
  out.tsig_keys.push_back(text);
  return true;
}

bool check_acl(const std::vector<std::string>& entries, const dns::tsig::keyring& keys,
               const std::string& what, std::string& error) {
  acl list;
  if (!acl::parse(entries, list, error)) {
    error = what + ": " + error;
    return false;
  }
  for (const auto& k : list.keys()) {
    if (keys.find(k) == nullptr) {
      error = fmt::format("{}: key:{} is not a configured key (--tsig-key or [[key]])", what,
                          k.to_text());
      return false;
    }
  }
  return true;
}

}  // namespace

bool parse_notify_target(std::string_view text, endpoint_spec& at, dns::name& key_name,
                         bool& has_key, std::string& error) {
  has_key = false;
  key_name = dns::name{};
  const auto comma = text.find(',');
  if (!parse_endpoint(text.substr(0, comma), at, error)) return false;
  if (comma == std::string_view::npos) return true;
  const std::string_view option = text.substr(comma + 1);
  std::error_code ec;
  if (!option.starts_with("key:") || option.size() == 4) {
    error = fmt::format("'{}': after the comma, expected key:NAME", text);
    return false;
  }
  key_name = dns::name::from_text(option.substr(4), ec);
  if (ec) {
    error = fmt::format("'{}': bad key name: {}", text, ec.message());
    return false;
  }
  has_key = true;
  return true;
}

bool read_key_tables(const toml::node& node, server_config& out, const std::string& file,
                     std::string& error) {
  const toml::array* array = node.as_array();
  if (array == nullptr) {
    error = fmt::format("{}{}: write keys as [[key]] tables", file, place(node.source()));
    return false;
  }
  for (const toml::node& item : *array) {
    const toml::table* table = item.as_table();
    if (table == nullptr) {
      error = fmt::format("{}{}: write keys as [[key]] tables", file, place(item.source()));
      return false;
    }
    if (!read_key_table(*table, out, file, error)) return false;
  }
  return true;
}

bool build_keyring(const server_config& config, dns::tsig::keyring& keys, std::string& error) {
  dns::tsig::keyring ring;
  for (const auto& text : config.tsig_keys) {
    std::string why;
    auto k = dns::tsig::parse_key(text, why);
    if (!k) {
      // The secret stays out of the message (it ends up in logs).
      const auto colon = text.rfind(':');
      error = fmt::format("tsig-key '{}:...': {}", text.substr(0, colon), why);
      return false;
    }
    ring.add(std::move(*k));
  }
  if (config.allow_transfer &&
      !check_acl(*config.allow_transfer, ring, "allow-transfer", error)) {
    return false;
  }
  if (!check_acl(config.allow_update, ring, "allow-update", error)) return false;
  const auto check_notify = [&](const std::vector<std::string>& targets, const std::string& what) {
    for (const auto& t : targets) {
      endpoint_spec at;
      dns::name key_name;
      bool has_key = false;
      if (!parse_notify_target(t, at, key_name, has_key, error)) {
        error = what + " " + error;
        return false;
      }
      if (has_key && ring.find(key_name) == nullptr) {
        error = fmt::format("{} '{}': key:{} is not a configured key (--tsig-key or [[key]])",
                            what, t, key_name.to_text());
        return false;
      }
    }
    return true;
  };
  if (!check_notify(config.notify, "notify")) return false;
  for (const auto& z : config.zones) {
    if (z.allow_transfer &&
        !check_acl(*z.allow_transfer, ring, fmt::format("zone '{}': allow-transfer", z.origin),
                   error)) {
      return false;
    }
    if (z.allow_update &&
        !check_acl(*z.allow_update, ring, fmt::format("zone '{}': allow-update", z.origin),
                   error)) {
      return false;
    }
    if (z.notify && !check_notify(*z.notify, fmt::format("zone '{}': notify", z.origin))) {
      return false;
    }
  }
  keys = std::move(ring);
  return true;
}

}  // namespace dnskit::nameserver::detail
