#pragma once
// What one reload did, as POST /reload answers it (JSON):
//   {"result": "ok" | "failed",
//    "configuration": "re-read" | "refused" | "not re-read",   ("not re-read": no --config)
//    "error": "FILE:LINE:COLUMN: ...",                          (only when refused or failed)
//    "needs_restart": ["listen", ...],                         (changed, kept until a restart)
//    "zones": [{"origin": "example.test.", "file": "...", "result": "loaded" | "unchanged" |
//               "failed" | "refresh started", "serial": 2024010101 | null,  (null: not served)
//               "error": "FILE:LINE:COLUMN: ..."}],              (only when failed)
//    "removed": ["old.test."]}
// "ok" when the configuration (if re-read) was taken and every zone loaded.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace dnskit::nameserver {

struct reload_summary {
  enum class configuration { reread, refused, not_reread };
  struct zone {
    std::string origin;
    std::string file;
    std::string result;  // "loaded", "unchanged", "failed" or (a secondary) "refresh started"
    std::optional<std::uint32_t> serial;
    std::string error;  // why it failed (its first error, with its place)
  };
  bool ok = false;
  configuration config = configuration::not_reread;
  std::string error;
  std::vector<std::string> needs_restart;
  std::vector<zone> zones;
  std::vector<std::string> removed;

  std::string to_json() const;
};

}  // namespace dnskit::nameserver
