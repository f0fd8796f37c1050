#include "dnskit/nameserver/config.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <set>

#include <fmt/core.h>
#include <toml++/toml.h>

#include "config_tsig.hpp"
#include "dnskit/nameserver/acl.hpp"
#include "dnskit/dns/name.hpp"
#include "dnskit/zones/loader.hpp"
#include "secondary_config.hpp"
#include "server_cookie.hpp"

namespace dnskit::nameserver {
namespace {

bool parse_port(std::string_view text, std::uint16_t& port) {
  unsigned value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || text.empty() || value > 65535) {
    return false;
  }
  port = static_cast<std::uint16_t>(value);
  return true;
}

bool is_ipv4(const std::string& a) {
  in_addr v4{};
  return inet_pton(AF_INET, a.c_str(), &v4) == 1;
}

bool is_ipv6(const std::string& a) {
  // A zone index ("%lo") is allowed for link-local addresses; inet_pton does not take it.
  std::string plain = a.substr(0, a.find('%'));
  in6_addr v6{};
  return inet_pton(AF_INET6, plain.c_str(), &v6) == 1;
}

std::string place(const toml::source_region& where) {
  if (where.begin.line == 0) return {};
  return fmt::format(":{}:{}", where.begin.line, where.begin.column);
}

// Reads an array of strings (or one string) from a TOML node.
bool string_list(const toml::node& node, std::vector<std::string>& out, std::string_view key,
                 const std::string& file, std::string& error) {
  out.clear();
  if (auto s = node.value<std::string>(); s && node.is_string()) {
    out.push_back(*s);
    return true;
  }
  const toml::array* array = node.as_array();
  if (array == nullptr) {
    error = fmt::format("{}{}: '{}' must be a string or an array of strings", file,
                        place(node.source()), key);
    return false;
  }
  for (const toml::node& item : *array) {
    auto s = item.value<std::string>();
    if (!s || !item.is_string()) {
      error = fmt::format("{}{}: '{}' must hold strings", file, place(item.source()), key);
      return false;
    }
    out.push_back(*s);
  }
  return true;
}

template <typename T>
bool integer(const toml::node& node, T& out, std::int64_t low, std::int64_t high,
             std::string_view key, const std::string& file, std::string& error) {
  auto v = node.value<std::int64_t>();
  if (!v || !node.is_integer() || *v < low || *v > high) {
    error = fmt::format("{}{}: '{}' must be an integer from {} to {}", file, place(node.source()),
                        key, low, high);
    return false;
  }
  out = static_cast<T>(*v);
  return true;
}

bool boolean(const toml::node& node, bool& out, std::string_view key, const std::string& file,
             std::string& error) {
  auto v = node.value<bool>();
  if (!v || !node.is_boolean()) {
    error = fmt::format("{}{}: '{}' must be true or false", file, place(node.source()), key);
    return false;
  }
  out = *v;
  return true;
}

bool text(const toml::node& node, std::string& out, std::string_view key, const std::string& file,
          std::string& error) {
  auto v = node.value<std::string>();
  if (!v || !node.is_string()) {
    error = fmt::format("{}{}: '{}' must be a string", file, place(node.source()), key);
    return false;
  }
  out = *v;
  return true;
}

bool check_level_key(const toml::node& node, zones::check_level& out, std::string_view key,
                     const std::string& file, std::string& error) {
  std::string value;
  if (!text(node, value, key, file, error)) return false;
  if (parse_check_level(value, out)) return true;
  error = fmt::format("{}{}: '{}' must be \"bind\" or \"strict\"", file, place(node.source()), key);
  return false;
}

// query-log = true | false | "FILE" ("-": stdout). A relative FILE is taken relative to the
// config file's directory, as zone files are.
bool query_log_key(const toml::node& node, server_config& out, const std::string& file,
                   std::string& error) {
  if (node.is_boolean()) {
    out.query_log_file.clear();
    return boolean(node, out.query_log, "query-log", file, error);
  }
  auto target = node.value<std::string>();
  if (!node.is_string() || !target || target->empty()) {
    error = fmt::format("{}{}: 'query-log' must be true, false or a file name (\"-\": stdout)",
                        file, place(node.source()));
    return false;
  }
  out.query_log = true;
  const std::filesystem::path path(*target);
  out.query_log_file = *target == "-" || path.is_absolute()
                           ? *target
                           : (std::filesystem::path(file).parent_path() / path).string();
  return true;
}

// RFC 9018 §4.4: a 128-bit SipHash key, written as 32 hex digits.
bool cookie_secret_key(const toml::node& node, std::string& out, std::string_view key,
                       const std::string& file, std::string& error) {
  if (!text(node, out, key, file, error)) return false;
  detail::cookie_secret secret{};
  if (detail::parse_cookie_secret(out, secret)) return true;
  error = fmt::format("{}{}: '{}' must be 32 hex digits (a 128-bit key)", file,
                      place(node.source()), key);
  return false;
}

bool read_server(const toml::table& table, server_config& out, const std::string& file,
                 std::string& error) {
  for (const auto& [key_node, node] : table) {
    std::string_view key = key_node.str();
    bool ok = true;
    if (key == "listen") {
      ok = string_list(node, out.listen, key, file, error);
      // Listening nowhere is never meant; the defaults come from leaving the key out.
      if (ok && out.listen.empty()) {
        error = fmt::format("{}{}: 'listen' is empty: give at least one ADDR:PORT, or remove the "
                            "key for the defaults 127.0.0.1:53 and [::1]:53",
                            file, place(node.source()));
        ok = false;
      }
    } else if (key == "threads") ok = integer(node, out.threads, 0, 1024, key, file, error);
    else if (key == "allow-transfer") {
      // Given, even empty, it is the whole list: [] allows nobody (the loopback default is only
      // for a key left out), as the same key means under [[zone]].
      out.allow_transfer.emplace();
      ok = string_list(node, *out.allow_transfer, key, file, error);
    }
    else if (key == "notify") ok = string_list(node, out.notify, key, file, error);
    else if (key == "allow-update") ok = string_list(node, out.allow_update, key, file, error);
    else if (key == "log-level") ok = text(node, out.log_level, key, file, error);
    else if (key == "query-log") ok = query_log_key(node, out, file, error);
    else if (key == "query-log-format") {
      ok = text(node, out.query_log_format, key, file, error);
      if (ok && out.query_log_format != "text" && out.query_log_format != "json") {
        error = fmt::format("{}{}: 'query-log-format' must be \"text\" or \"json\"", file,
                            place(node.source()));
        ok = false;
      }
    }
    else if (key == "edns-udp-size") ok = integer(node, out.edns_udp_size, 512, 65535, key, file, error);
    else if (key == "tcp-idle-timeout-ms") {
      std::int64_t ms = 0;
      ok = integer(node, ms, 100, 3'600'000, key, file, error);
      out.tcp_idle_timeout = std::chrono::milliseconds(ms);
    } else if (key == "tcp-max-connections") {
      ok = integer(node, out.tcp_max_connections, 1, 1'000'000, key, file, error);
    } else if (key == "tcp-max-buffer") {
      ok = integer(node, out.tcp_max_buffer, 1024, 1 << 30, key, file, error);
    } else if (key == "axfr-max-concurrent") {
      ok = integer(node, out.axfr_max_concurrent, 1, 100'000, key, file, error);
    } else if (key == "axfr-max-time-ms") {
      std::int64_t ms = 0;
      ok = integer(node, ms, 1000, 86'400'000, key, file, error);
      out.axfr_max_time = std::chrono::milliseconds(ms);
    } else if (key == "minimal-responses") {
      ok = boolean(node, out.minimal_responses, key, file, error);
    } else if (key == "version") ok = text(node, out.version_text, key, file, error);
    else if (key == "identity") ok = text(node, out.identity_text, key, file, error);
    else if (key == "cookie-secret") ok = cookie_secret_key(node, out.cookie_secret, key, file, error);
    else if (key == "cookie-secret-previous") {
      ok = cookie_secret_key(node, out.cookie_secret_previous, key, file, error);
    }
    else if (key == "rate-limit") ok = integer(node, out.rate_limit, 0, 1'000'000, key, file, error);
    else if (key == "rate-limit-slip") ok = integer(node, out.rate_limit_slip, 0, 10, key, file, error);
    else if (key == "user") ok = text(node, out.user, key, file, error);
    else if (key == "check-level") ok = check_level_key(node, out.check_level, key, file, error);
    else if (key == "max-zone-file-size") {
      ok = integer(node, out.max_zone_file_size, 0, std::int64_t{1} << 62, key, file, error);
    } else if (key == "journal-max-changes") {
      ok = integer(node, out.journal_max_changes, 1, 1'000'000, key, file, error);
    } else if (key == "journal-max-size") {
      ok = integer(node, out.journal_max_size, 1024, std::int64_t{1} << 62, key, file, error);
    } else if (key == "zonefile-sync") {
      ok = integer(node, out.zonefile_sync, -1, server_config::max_zonefile_sync, key, file, error);
    } else if (key == "include-directory") {
      std::string dir;
      ok = text(node, dir, key, file, error);
      const std::filesystem::path p(dir);
      out.include_directory = p.is_absolute() ? p : std::filesystem::path(file).parent_path() / p;
    }
    else {
      error = fmt::format("{}{}: unknown key '{}' in [server]", file, place(key_node.source()), key);
      return false;
    }
    if (!ok) return false;
  }
  return true;
}

// [http] listen = "ADDR:PORT", allow-reload = ["CIDR", ...].
bool read_http(const toml::table& table, server_config& out, const std::string& file,
               std::string& error) {
  for (const auto& [key_node, node] : table) {
    if (key_node.str() == "allow-reload") {
      if (!string_list(node, out.http_allow_reload, "allow-reload", file, error)) return false;
      acl parsed;
      if (!acl::parse(out.http_allow_reload, parsed, error)) {
        error = fmt::format("{}{}: http allow-reload: {}", file, place(node.source()), error);
        return false;
      }
      continue;
    }
    if (key_node.str() != "listen") {
      error = fmt::format("{}{}: unknown key '{}' in [http]", file, place(key_node.source()),
                          key_node.str());
      return false;
    }
    if (!text(node, out.http, "listen", file, error)) return false;
    endpoint_spec ep;
    if (!parse_endpoint(out.http, ep, error)) {
      error = fmt::format("{}{}: http listen {}", file, place(node.source()), error);
      return false;
    }
  }
  return true;
}

bool read_zone(const toml::table& table, zone_config& zone, const std::filesystem::path& base,
               const std::string& file, std::string& error) {
  for (const auto& [key_node, node] : table) {
    std::string_view key = key_node.str();
    bool ok = true;
    if (key == "origin") ok = text(node, zone.origin, key, file, error);
    else if (key == "file") {
      std::string path;
      ok = text(node, path, key, file, error);
      zone.file = std::filesystem::path(path).is_absolute() ? std::filesystem::path(path) : base / path;
    } else if (key == "allow-transfer") {
      zone.allow_transfer.emplace();
      ok = string_list(node, *zone.allow_transfer, key, file, error);
    } else if (key == "allow-update") {
      zone.allow_update.emplace();
      ok = string_list(node, *zone.allow_update, key, file, error);
    } else if (key == "notify") {
      zone.notify.emplace();
      ok = string_list(node, *zone.notify, key, file, error);
    } else if (key == "check-level") {
      ok = check_level_key(node, zone.check_level.emplace(), key, file, error);
    } else if (key == "primary") {
      ok = text(node, zone.primary, key, file, error);
      endpoint_spec ep;
      if (ok && !parse_endpoint(zone.primary, ep, error)) {
        error = fmt::format("{}{}: primary {}", file, place(node.source()), error);
        ok = false;
      }
    } else if (key == "key") {
      ok = text(node, zone.primary_key, key, file, error);
    } else if (key == "zonefile-sync") {
      ok = integer(node, zone.zonefile_sync.emplace(), -1, server_config::max_zonefile_sync, key,
                   file, error);
    } else {
      error = fmt::format("{}{}: unknown key '{}' in [[zone]]", file, place(key_node.source()), key);
      return false;
    }
    if (!ok) return false;
  }
  if (zone.file.empty()) {
    error = fmt::format("{}{}: [[zone]] needs a 'file'", file, place(table.source()));
    return false;
  }
  if (zone.origin.empty()) {
    if (const auto origin = zones::origin_from_file_name(zone.file)) zone.origin = origin->to_text();
  }
  if (zone.origin.empty()) {
    error = fmt::format("{}{}: [[zone]] needs an 'origin'", file, place(table.source()));
    return false;
  }
  if (zone.origin.back() != '.') zone.origin += '.';
  if (!zone.primary_key.empty() && zone.primary.empty()) {
    error = fmt::format("{}{}: [[zone]] 'key' signs transfers from a 'primary': give one too",
                        file, place(table.source()));
    return false;
  }
  return true;
}

}  // namespace

std::string endpoint_spec::to_string() const {
  return ipv6 ? fmt::format("[{}]:{}", address, port) : fmt::format("{}:{}", address, port);
}

bool parse_endpoint(std::string_view text, endpoint_spec& out, std::string& error) {
  endpoint_spec result;
  std::string_view port_text;
  if (!text.empty() && text.front() == '[') {
    auto close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      error = fmt::format("'{}': expected [IPV6]:PORT", text);
      return false;
    }
    result.address = std::string(text.substr(1, close - 1));
    result.ipv6 = true;
    port_text = text.substr(close + 2);
    if (!is_ipv6(result.address)) {
      error = fmt::format("'{}': '{}' is not an IPv6 address", text, result.address);
      return false;
    }
  } else {
    auto colon = text.rfind(':');
    if (colon == std::string_view::npos) {
      error = fmt::format("'{}': expected ADDRESS:PORT (IPv6 as [ADDRESS]:PORT)", text);
      return false;
    }
    result.address = std::string(text.substr(0, colon));
    port_text = text.substr(colon + 1);
    if (!is_ipv4(result.address)) {
      error = is_ipv6(result.address)
                  ? fmt::format("'{}': write IPv6 addresses in brackets, [ADDRESS]:PORT", text)
                  : fmt::format("'{}': '{}' is not an IPv4 address", text, result.address);
      return false;
    }
  }
  if (!parse_port(port_text, result.port)) {
    error = fmt::format("'{}': bad port '{}' (0-65535)", text, port_text);
    return false;
  }
  out = std::move(result);
  return true;
}

bool parse_check_level(std::string_view text, zones::check_level& out) {
  if (text == "bind") out = zones::check_level::bind;
  else if (text == "strict") out = zones::check_level::strict;
  else return false;
  return true;
}

std::vector<std::string> default_listen() { return {"127.0.0.1:53", "[::1]:53"}; }

bool parse_zone_argument(std::string_view text, zone_config& out, std::string& error) {
  std::string reason;
  const auto spec = zones::parse_zone_spec(text, reason);
  if (!spec) {
    error = fmt::format("--zone '{}': {}", text, reason);
    return false;
  }
  zone_config zone;
  zone.origin = spec->origin.to_text();
  zone.file = spec->file;
  out = std::move(zone);
  return true;
}

bool load_config_file(const std::filesystem::path& path, server_config& out, std::string& error) {
  const std::string file = path.string();
  toml::table root;
  try {
    root = toml::parse_file(file);
  } catch (const toml::parse_error& e) {
    const auto& where = e.source();
    error = fmt::format("{}{}: {}", file, place(where), e.description());
    return false;
  } catch (const std::exception& e) {
    error = fmt::format("{}: {}", file, e.what());
    return false;
  }
  const std::filesystem::path base = path.parent_path();
  for (const auto& [key_node, node] : root) {
    std::string_view key = key_node.str();
    if (key == "server") {
      const toml::table* table = node.as_table();
      if (table == nullptr) {
        error = fmt::format("{}{}: 'server' must be a table", file, place(node.source()));
        return false;
      }
      if (!read_server(*table, out, file, error)) return false;
    } else if (key == "http") {
      const toml::table* table = node.as_table();
      if (table == nullptr) {
        error = fmt::format("{}{}: 'http' must be a table", file, place(node.source()));
        return false;
      }
      if (!read_http(*table, out, file, error)) return false;
    } else if (key == "zone") {
      const toml::array* array = node.as_array();
      if (array == nullptr) {
        error = fmt::format("{}{}: write zones as [[zone]] tables", file, place(node.source()));
        return false;
      }
      for (const toml::node& item : *array) {
        const toml::table* table = item.as_table();
        if (table == nullptr) {
          error = fmt::format("{}{}: write zones as [[zone]] tables", file, place(item.source()));
          return false;
        }
        zone_config zone;
        if (!read_zone(*table, zone, base, file, error)) return false;
        out.zones.push_back(std::move(zone));
      }
    } else if (key == "key") {
      if (!detail::read_key_tables(node, out, file, error)) return false;
    } else {
      error = fmt::format("{}{}: unknown section '{}' (expected [server], [http], [[zone]] or [[key]])", file,
                          place(key_node.source()), key);
      return false;
    }
  }
  for (zone_config& zone : out.zones)
    if (!zone.check_level) zone.check_level = out.check_level;
  return true;
}

bool validate(const server_config& config, std::string& error) {
  endpoint_spec ep;
  for (const auto& l : config.listen) {
    if (!parse_endpoint(l, ep, error)) {
      error = "listen " + error;
      return false;
    }
  }
  dns::name notify_key;
  bool notify_has_key = false;
  for (const auto& n : config.notify) {
    if (!detail::parse_notify_target(n, ep, notify_key, notify_has_key, error)) {
      error = "notify " + error;
      return false;
    }
  }
  if (config.rate_limit > 1'000'000 || config.rate_limit_slip > 10) {
    error = "rate-limit: at most 1000000 answers/s, rate-limit-slip at most 10";
    return false;
  }
  if (!config.http.empty() && !parse_endpoint(config.http, ep, error)) {
    error = "http " + error;
    return false;
  }
  if (acl reload_acl; !acl::parse(config.http_allow_reload, reload_acl, error)) {
    error = "http allow-reload: " + error;
    return false;
  } else if (!reload_acl.keys().empty()) {  // HTTP requests carry no TSIG
    error = "http allow-reload: address prefixes only (no key:NAME)";
    return false;
  }
  if (config.query_log_format != "text" && config.query_log_format != "json") {
    error = fmt::format("query-log-format: '{}' is neither text nor json", config.query_log_format);
    return false;
  }
  if (config.threads > 1024) {
    error = fmt::format("threads: {} is too many (at most 1024)", config.threads);
    return false;
  }
  dns::tsig::keyring keys;
  if (!detail::build_keyring(config, keys, error)) return false;
  std::set<dns::name> seen;
  for (const auto& z : config.zones) {
    std::error_code ec;
    dns::name origin = dns::name::from_text(z.origin, ec);
    if (ec) {
      error = fmt::format("zone '{}': bad origin: {}", z.origin, ec.message());
      return false;
    }
    if (z.file.empty()) {
      error = fmt::format("zone '{}': no file", z.origin);
      return false;
    }
    if (!seen.insert(origin).second) {
      error = fmt::format("zone '{}' is given twice", z.origin);
      return false;
    }
    if (z.is_secondary() && !detail::check_secondary_source(z, keys, error)) return false;
    if (z.notify) {
      for (const auto& n : *z.notify) {
        if (!detail::parse_notify_target(n, ep, notify_key, notify_has_key, error)) {
          error = fmt::format("zone '{}': notify {}", z.origin, error);
          return false;
        }
      }
    }
  }
  return true;
}

}  // namespace dnskit::nameserver
