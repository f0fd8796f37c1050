#pragma once
// The name server's settings (DESIGN.md §4): what the command line and the TOML config file
// (`--config FILE`) both describe. The file is read first; flags given on the command line then
// replace the file's value of the same setting (a repeatable flag replaces the whole list).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "dnskit/zones/checks.hpp"

namespace dnskit::nameserver {

// "ADDR:PORT" as written by the operator: "127.0.0.1:53", "[::1]:53", "[fe80::1%lo]:5300".
struct endpoint_spec {
  std::string address;  // without brackets
  std::uint16_t port = 0;
  bool ipv6 = false;

  // "127.0.0.1:53" or "[::1]:53".
  std::string to_string() const;
  friend bool operator==(const endpoint_spec&, const endpoint_spec&) = default;
};

// Parses "ADDR:PORT" (IPv6 in brackets). The address must be a numeric IPv4 or IPv6 address
// (no host names: a server does not resolve names to decide where to listen). Returns false and
// sets `error` to a short explanation otherwise.
bool parse_endpoint(std::string_view text, endpoint_spec& out, std::string& error);

// Lists keep one meaning wherever they are written: a list that is given, even empty, is the
// whole list (an empty allow-transfer allows nobody); only a key that is absent takes the value
// from further out: a zone's from the server's, the server's from the default
// (config_lists.hpp resolves and describes them).
struct zone_config {
  std::string origin;              // absolute, e.g. "example.test."
  std::filesystem::path file;
  // Per-zone lists; std::nullopt (key absent) means "use the server-wide list".
  std::optional<std::vector<std::string>> allow_transfer;  // CIDR prefixes; empty: nobody
  std::optional<std::vector<std::string>> notify;          // "ADDR:PORT"; empty: none
  // Zone-check severities (zones/checks.hpp); std::nullopt: the server-wide level.
  std::optional<zones::check_level> check_level;
  // A secondary zone (--secondary, or `primary` in [[zone]]): transferred by AXFR from this
  // "ADDR:PORT", checked, served and written to `file`; empty: a primary zone, read from `file`.
  std::string primary;
  // The TSIG key NAME (one of tsig_keys) that signs the transfer and that the primary's NOTIFY
  // must carry; empty: none.
  std::string primary_key;

  // Who may update this zone (RFC 2136), CIDR or key:NAME; std::nullopt: the server's list.
  std::optional<std::vector<std::string>> allow_update;
  // Seconds from a primary zone's first update not yet in its file to the file's rewrite;
  // std::nullopt: the server's zonefile_sync.
  std::optional<std::int32_t> zonefile_sync;

  bool is_secondary() const noexcept { return !primary.empty(); }
};

struct server_config {
  std::vector<std::string> listen;  // "ADDR:PORT"; empty: 127.0.0.1:53 and [::1]:53 (the file
                                    // and the flags never give an empty list: it is an error)
  unsigned threads = 0;             // 0: one per core
  std::vector<zone_config> zones;
  // CIDR prefixes or key:NAME; std::nullopt (not given): loopback only; empty: nobody.
  std::optional<std::vector<std::string>> allow_transfer;
  // TSIG keys (RFC 8945) in dig's -y form, [ALGORITHM:]NAME:BASE64SECRET (DESIGN.md §8).
  std::vector<std::string> tsig_keys;
  std::vector<std::string> notify;  // "ADDR:PORT[,key:NAME]" of secondaries to NOTIFY on change
  // Who may send dynamic updates (RFC 2136), CIDR prefixes or key:NAME; empty: nobody (REFUSED).
  std::vector<std::string> allow_update;
  std::string log_level = "info";           // error | warning | info | debug
  bool query_log = false;
  // With query_log: where the lines go ("" = the log stream, "-" = stdout, else a file, appended
  // and reopened on SIGHUP) and their form ("text" or "json").
  std::string query_log_file;
  std::string query_log_format = "text";
  // --http / [http] listen: "ADDR:PORT" serving GET /metrics, GET /status and POST /reload;
  // empty: off.
  std::string http;
  // --http-allow-reload / [http] allow-reload: CIDR prefixes that may POST /reload (the others
  // get 403); empty: nobody. Loopback by default, whatever address the endpoint listens on.
  std::vector<std::string> http_allow_reload = {"127.0.0.0/8", "::1"};
  // EDNS0 (RFC 6891 §6.2.5): the largest UDP answer we send; 1232 avoids fragmentation.
  std::uint16_t edns_udp_size = 1232;
  // RFC 7766 §6.2.3: idle connections are closed after this, sooner under pressure.
  std::chrono::milliseconds tcp_idle_timeout{10'000};
  // Simultaneous TCP connections (over all threads); at the limit the oldest idle one goes.
  unsigned tcp_max_connections = 1000;
  // Bytes of answers one TCP connection may have waiting to be written before the server stops
  // reading its queries (RFC 7766 §6.2.1: a client that does not read only slows itself down).
  std::size_t tcp_max_buffer = std::size_t{128} * 1024;
  // Zone transfers streaming at once over all connections; more are answered SERVFAIL.
  unsigned axfr_max_concurrent = 10;
  // The longest one zone transfer may take, however steadily its client reads (a transfer is
  // otherwise timed by the client's progress: cut after tcp_idle_timeout without any).
  std::chrono::milliseconds axfr_max_time{3'600'000};
  // Leave the apex NS RRset and its addresses out of positive answers (BIND's
  // `minimal-responses yes`; Knot answers this way always, NSD never).
  bool minimal_responses = false;
  // CH TXT version.bind / id.server answers; empty: REFUSED.
  std::string version_text;
  std::string identity_text;
  // DNS Cookies (RFC 9018 §4): the server secret as 32 hex digits, and the previous one, still
  // accepted during a rotation. Empty secret: a random one at start (cookies then last until
  // the next restart, and servers behind one address do not share them).
  std::string cookie_secret;
  std::string cookie_secret_previous;
  // Response rate limiting (UDP only): identical answers per second per client /24 or /56;
  // 0: off. Every `rate_limit_slip`-th limited answer goes out truncated (0: never).
  unsigned rate_limit = 0;
  unsigned rate_limit_slip = 2;
  // After binding the sockets and loading the zones, serve as this user (and its groups).
  std::string user;
  // Zone-check severities for zones without their own (DESIGN.md §8: bind | strict).
  zones::check_level check_level = zones::check_level::bind;
  // Largest zone file (or $INCLUDE file) read, in bytes, checked before and while reading;
  // 0: no limit. FIFOs and devices are refused whatever the size.
  std::uint64_t max_zone_file_size = std::uint64_t{1} << 30;
  // $INCLUDE files must be in this directory or below; empty: each zone file's own directory.
  std::filesystem::path include_directory;
  // Each zone's journal (FILE.jnl, the history IXFR answers from) keeps at most this many
  // changes and about this many bytes; the oldest changes go first.
  unsigned journal_max_changes = 1000;
  std::uint64_t journal_max_size = std::uint64_t{16} << 20;
  // A primary zone's file is rewritten from the version served (with its dynamic updates) this
  // many seconds after the first update the file does not hold, and at a graceful stop; the
  // journal is then cut to its limits. 0: as soon as the update is acknowledged (updates that
  // come meanwhile are written together); -1: never (the journal keeps every update). Knot's
  // zonefile-sync.
  // 60 by default: a burst of updates (an ACME client, external-dns) costs one write of the
  // whole file, not one per update, while the journal (synced before each NOERROR) carries
  // their durability and a stop writes the file at once.
  std::int32_t zonefile_sync = 60;
  static constexpr std::int32_t max_zonefile_sync = 7 * 86400;  // a week
};

// "bind" or "strict" (DESIGN.md §8 `--check-level`). False for anything else.
bool parse_check_level(std::string_view text, zones::check_level& out);

// The default listeners: 127.0.0.1:53 and [::1]:53.
std::vector<std::string> default_listen();

// Parses a `--zone [ORIGIN=]FILE` argument with zones::parse_zone_spec (without ORIGIN=, the
// file name gives it: zones::origin_from_file_name).
bool parse_zone_argument(std::string_view text, zone_config& out, std::string& error);
// Parses a `--secondary ORIGIN=FILE,primary=ADDR:PORT[,key:NAME]` argument (DESIGN.md §8).
bool parse_secondary_argument(std::string_view text, zone_config& out, std::string& error);

// Reads a TOML config file into `out` (keeping values the file does not mention):
//   [server]  listen = ["127.0.0.1:5300"], threads = 2, allow-transfer = ["127.0.0.0/8"],
//             allow-update = ["127.0.0.1/32", "key:upd"],
//             notify = ["127.0.0.1:5301"], log-level = "info",
//             query-log = false | true | "FILE" ("-": stdout), query-log-format = "text",
//             edns-udp-size = 1232, tcp-idle-timeout-ms = 10000, tcp-max-connections = 1000,
//             tcp-max-buffer = 131072, axfr-max-concurrent = 10, axfr-max-time-ms = 3600000,
//             version = "dnskit", identity = "ns1", rate-limit = 0, rate-limit-slip = 2,
//             cookie-secret = "32 hex digits", cookie-secret-previous = "32 hex digits",
//             user = "nobody", check-level = "bind", max-zone-file-size = 1073741824,
//             include-directory = "/etc/dnskit/zones", journal-max-changes = 1000,
//             journal-max-size = 16777216, zonefile-sync = 60
//   [http]    listen = "127.0.0.1:8053", allow-reload = ["127.0.0.0/8", "::1"]
//   [[key]]   name = "xfr", algorithm = "hmac-sha256", secret = "BASE64"
//   [[zone]]  origin = "example.test.", file = "example.test.zone",
//             allow-transfer = [...], notify = [...], check-level = "strict",
//             zonefile-sync = 0,
//             primary = "192.0.2.1:53", key = "xfr"   (a secondary zone: transferred, then
//             written to `file`)
// An empty list is the whole list (allow-transfer = [] allows nobody, notify = [] notifies
// nobody); listen = [] is an error. Relative zone file paths (and include-directory) are taken
// relative to the config file's directory. Unknown keys are errors (a typo must not silently
// change behaviour). Returns false with a one-line `error` ("FILE:LINE:COLUMN: message" when
// the place is known). Zones without a check-level of their own get the [server] one.
bool load_config_file(const std::filesystem::path& path, server_config& out, std::string& error);

// Checks what can be checked without touching the network or zone files: endpoints parse,
// threads in range, zones have an origin and a file, no zone given twice, TSIG keys parse and
// every allow-transfer key:NAME names one, a secondary's primary parses and its key exists.
// One-line `error`.
bool validate(const server_config& config, std::string& error);

}  // namespace dnskit::nameserver
