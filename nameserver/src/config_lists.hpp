#pragma once
// Which list each zone uses, and how that reads in the log. A list that is written, in the TOML
// file or by a flag, is the whole list even when it is empty; only a key left out takes its list
// from further out, a zone's from the server's and the server's from the default:
//
//   key              inherits                          absent everywhere         empty
//   allow-transfer   [[zone]] <- [server] <- default   loopback (127.0.0.0/8, ::1)  nobody
//   notify           [[zone]] <- [server] <- default   nobody                     nobody
//   listen           [server] <- default               127.0.0.1:53, [::1]:53     an error
//
// (NSD and Knot read an absent ACL as "nobody"; the loopback default for an absent
// allow-transfer is DESIGN.md §4's, kept, but an empty list never falls back to it.)
#include <string>
#include <string_view>
#include <vector>

#include "dnskit/nameserver/config.hpp"

namespace dnskit::nameserver {

enum class list_source {
  zone,           // written in the zone's [[zone]] table
  server,         // written in [server] or given by the flag
  default_value,  // written nowhere
};

struct resolved_list {
  std::vector<std::string> entries;
  list_source source = list_source::default_value;
};

// The allow-transfer list of zones that have none of their own.
resolved_list server_allow_transfer(const server_config& config);
// The allow-transfer list of `zone`.
resolved_list zone_allow_transfer(const server_config& config, const zone_config& zone);
// The secondaries `zone` sends NOTIFY to.
resolved_list zone_notify(const server_config& config, const zone_config& zone);

// One line for the start-up log: "allow-transfer 127.0.0.0/8, ::1 (default); notify none (this
// zone)". An empty allow-transfer reads "allow-transfer none (...)".
std::string describe_zone_lists(const server_config& config, const zone_config& zone);

// The list a repeatable list flag (--allow-transfer, --notify) gives: its values, or the empty
// list for the single value "none" (a flag cannot be written as an empty list). "none" beside
// other values is an error naming the flag.
bool list_from_flag(std::string_view flag, const std::vector<std::string>& values,
                    std::vector<std::string>& out, std::string& error);

}  // namespace dnskit::nameserver
