#include "reload_summary.hpp"

#include <nlohmann/json.hpp>

namespace dnskit::nameserver {

std::string reload_summary::to_json() const {
  nlohmann::ordered_json j;
  j["result"] = ok ? "ok" : "failed";
  switch (config) {
    case configuration::reread: j["configuration"] = "re-read"; break;
    case configuration::refused: j["configuration"] = "refused"; break;
    case configuration::not_reread: j["configuration"] = "not re-read"; break;
  }
  if (!error.empty()) j["error"] = error;
  j["needs_restart"] = needs_restart;
  auto& list = j["zones"] = nlohmann::ordered_json::array();
  for (const zone& z : zones) {
    nlohmann::ordered_json entry = {{"origin", z.origin}, {"file", z.file}, {"result", z.result}};
    entry["serial"] = z.serial ? nlohmann::ordered_json(*z.serial) : nlohmann::ordered_json(nullptr);
    if (!z.error.empty()) entry["error"] = z.error;
    list.push_back(std::move(entry));
  }
  j["removed"] = removed;
  // Zone file names and errors are the operator's bytes: invalid UTF-8 is replaced, not thrown.
  return j.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

}  // namespace dnskit::nameserver
