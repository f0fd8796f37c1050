// Lists in the configuration: inheritance, the start-up description, "none" on the flags.
#include "config_lists.hpp"

#include <algorithm>

#include <fmt/core.h>
#include <fmt/format.h>

#include "dnskit/nameserver/acl.hpp"

namespace dnskit::nameserver {
namespace {

std::string_view source_text(list_source source) {
  switch (source) {
    case list_source::zone: return "this zone";
    case list_source::server: return "server-wide";
    case list_source::default_value: return "default";
  }
  return "default";
}

std::string describe(std::string_view key, const resolved_list& list) {
  const std::string entries = list.entries.empty() ? "none" : fmt::format("{}", fmt::join(list.entries, ", "));
  return fmt::format("{} {} ({})", key, entries, source_text(list.source));
}

}  // namespace

resolved_list server_allow_transfer(const server_config& config) {
  if (config.allow_transfer) return {*config.allow_transfer, list_source::server};
  return {acl::loopback_prefixes(), list_source::default_value};
}

resolved_list zone_allow_transfer(const server_config& config, const zone_config& zone) {
  if (zone.allow_transfer) return {*zone.allow_transfer, list_source::zone};
  return server_allow_transfer(config);
}

resolved_list zone_notify(const server_config& config, const zone_config& zone) {
  if (zone.notify) return {*zone.notify, list_source::zone};
  // The server-wide list has no default of its own: nobody, whether written empty or not at all.
  return {config.notify, config.notify.empty() ? list_source::default_value : list_source::server};
}

std::string describe_zone_lists(const server_config& config, const zone_config& zone) {
  return describe("allow-transfer", zone_allow_transfer(config, zone)) + "; " +
         describe("notify", zone_notify(config, zone));
}

bool list_from_flag(std::string_view flag, const std::vector<std::string>& values,
                    std::vector<std::string>& out, std::string& error) {
  const bool has_none = std::find(values.begin(), values.end(), "none") != values.end();
  if (has_none && values.size() > 1) {
    error = fmt::format("{} none stands alone (it means an empty list); it cannot be given with "
                        "other values", flag);
    return false;
  }
  out = has_none ? std::vector<std::string>{} : values;
  return true;
}

}  // namespace dnskit::nameserver
