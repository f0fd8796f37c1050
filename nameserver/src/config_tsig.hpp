#pragma once
// Private: the TSIG keys of the configuration (RFC 8945): TOML `[[key]]` tables and the checks
// that tie `key:NAME` entries to configured keys.
#include <string>
#include <string_view>

#include <toml++/toml.h>

#include "dnskit/dns/tsig.hpp"
#include "dnskit/nameserver/config.hpp"

namespace dnskit::nameserver::detail {

// Reads the `key` array of tables: name, algorithm (default hmac-sha256), secret (base64),
// into config.tsig_keys in dig's -y form. Errors are "FILE:LINE:COLUMN: message".
bool read_key_tables(const toml::node& node, server_config& out, const std::string& file,
                     std::string& error);

// Parses a `--notify ADDR:PORT[,key:NAME]` entry (DESIGN.md §8): the secondary, and the key to
// sign the NOTIFY with (the root name when none is given).
bool parse_notify_target(std::string_view text, endpoint_spec& at, dns::name& key_name,
                         bool& has_key, std::string& error);

// Parses config.tsig_keys into `keys` (a later key of the same name replaces an earlier one)
// and checks that every allow-transfer and notify `key:NAME` names one of them. One-line `error`.
bool build_keyring(const server_config& config, dns::tsig::keyring& keys, std::string& error);

}  // namespace dnskit::nameserver::detail
