// Secondary zones in the configuration: the --secondary argument and the checks of a zone's
// primary and key.
#include "secondary_config.hpp"

#include <fmt/core.h>

#include "dnskit/dns/name.hpp"

namespace dnskit::nameserver {

bool parse_secondary_argument(std::string_view text, zone_config& out, std::string& error) {
  // ORIGIN=FILE,primary=ADDR:PORT[,key:NAME]. The file name ends where ",primary=" starts, so
  // it may itself hold commas; ADDR:PORT and key:NAME never do.
  constexpr std::string_view primary_marker = ",primary=";
  const auto eq = text.find('=');
  const auto marker = text.rfind(primary_marker);
  if (eq == std::string_view::npos || marker == std::string_view::npos || marker < eq) {
    error = fmt::format("--secondary '{}': expected ORIGIN=FILE,primary=ADDR:PORT[,key:NAME]", text);
    return false;
  }
  zone_config zone;
  zone.origin = std::string(text.substr(0, eq));
  zone.file = std::string(text.substr(eq + 1, marker - eq - 1));
  std::string_view rest = text.substr(marker + primary_marker.size());
  if (const auto comma = rest.find(','); comma != std::string_view::npos) {
    const std::string_view key = rest.substr(comma + 1);
    if (!key.starts_with("key:") || key.size() == 4) {
      error = fmt::format("--secondary '{}': after the primary only key:NAME may follow", text);
      return false;
    }
    zone.primary_key = std::string(key.substr(4));
    rest = rest.substr(0, comma);
  }
  zone.primary = std::string(rest);
  if (zone.origin.empty() || zone.file.empty()) {
    error = fmt::format("--secondary '{}': both ORIGIN and FILE are needed", text);
    return false;
  }
  if (zone.origin.back() != '.') zone.origin += '.';
  std::error_code ec;
  dns::name::from_text(zone.origin, ec);
  if (ec) {
    error = fmt::format("--secondary '{}': bad origin '{}': {}", text, zone.origin, ec.message());
    return false;
  }
  endpoint_spec ep;
  if (!parse_endpoint(zone.primary, ep, error)) {
    error = fmt::format("--secondary '{}': primary {}", text, error);
    return false;
  }
  out = std::move(zone);
  return true;
}

namespace detail {

bool check_secondary_source(const zone_config& zone, const dns::tsig::keyring& keys,
                            std::string& error) {
  endpoint_spec ep;
  if (!parse_endpoint(zone.primary, ep, error)) {
    error = fmt::format("zone '{}': primary {}", zone.origin, error);
    return false;
  }
  if (zone.primary_key.empty()) return true;
  std::error_code ec;
  const dns::name key_name = dns::name::from_text(zone.primary_key, ec);
  if (ec || keys.find(key_name) == nullptr) {
    error = fmt::format("zone '{}': key:{} names no --tsig-key", zone.origin, zone.primary_key);
    return false;
  }
  return true;
}

}  // namespace detail
}  // namespace dnskit::nameserver
