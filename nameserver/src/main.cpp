// nameserver: the authoritative DNS server (DESIGN.md §4).
//
//   nameserver [--config FILE] [--listen ADDR:PORT]... [--zone [ORIGIN=]FILE]... [--threads N]
//              [--allow-transfer CIDR|key:NAME|none]... [--tsig-key [ALG:]NAME:SECRET]...
//              [--notify ADDR:PORT[,key:NAME]|none]... [--log-level LEVEL]
//              [--query-log [FILE]] [--query-log-format text|json] [--check]
//              [--check-level bind|strict] [--http ADDR:PORT] [--http-allow-reload CIDR|none]...
//              [--rate-limit N]
//              [--rate-limit-slip K] [--user NAME] [--max-zone-file-size BYTES]
//              [--include-directory DIR] [--journal-max-changes N] [--journal-max-size BYTES]
//              [--secondary ORIGIN=FILE,primary=ADDR:PORT[,key:NAME]]...
//              [--allow-update CIDR|key:NAME|none]... [--zonefile-sync SECONDS]
//
// Exit status: 0 after a clean stop (SIGINT/SIGTERM) or a clean --check; 1 for a usage error,
// a zone that does not load, a listener that cannot be opened, or --check finding errors.
#include <csignal>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include "dnskit/nameserver/config.hpp"
#include "dnskit/nameserver/server.hpp"
#include "dnskit/zones/loader.hpp"
#include "config_lists.hpp"
#include "log.hpp"
#include "privileges.hpp"
#include "reload_zones.hpp"

#ifndef DNSKIT_VERSION
#define DNSKIT_VERSION "unknown"
#endif

namespace ns = dnskit::nameserver;

namespace {

// Through the log, so that a failed start reads like every other line (timestamp, or the
// journal's priority). Usage errors from the argument parser stay plain, as any command's.
int fail(const std::string& message) {
  ns::log::write(ns::log::level::error, message);
  return 1;
}

// --check: load and check every zone, print each problem as file:line:column.
int check(const ns::server_config& config) {
  if (config.zones.empty()) return fail("--check: no zones given (use --zone or --config)");
  bool all_ok = true;
  for (const auto& z : config.zones) {
    std::error_code ec;
    dnskit::zones::zone_spec spec;
    spec.origin = dnskit::dns::name::from_text(z.origin, ec);
    if (ec) return fail(fmt::format("zone '{}': bad origin: {}", z.origin, ec.message()));
    spec.file = z.file;
    std::error_code missing;
    if (z.is_secondary() && !std::filesystem::exists(z.file, missing)) {
      // A secondary's file is written by its first transfer: nothing to check yet.
      std::cout << fmt::format("zone {}: secondary of {}, no copy in {} yet\n", z.origin,
                               z.primary, z.file.string());
      continue;
    }
    dnskit::zones::load_options options = ns::zone_load_options(config);
    options.checks.level = z.check_level.value_or(config.check_level);
    if (!dnskit::zones::check_zones({&spec, 1}, std::cout, options)) all_ok = false;
  }
  return all_ok ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) try {
  // Past a file-size limit (ulimit -f) a write must fail with EFBIG, so that a journal append
  // fails alone (the update is answered SERVFAIL), not end the server by SIGXFSZ.
  std::signal(SIGXFSZ, SIG_IGN);
  CLI::App app{"Authoritative DNS name server (UDP and TCP, AXFR, NOTIFY).", "nameserver"};
  app.set_version_flag("--version", "nameserver (dnskit) " DNSKIT_VERSION);
  app.footer(
      "Without --listen: 127.0.0.1:53 and [::1]:53 (port 53 needs privileges; try --listen "
      "127.0.0.1:5300).\n"
      "--zone FILE takes the origin from the file name without \".zone\" (example.test.zone -> "
      "example.test.);\nwrite --zone ORIGIN=FILE otherwise. Flags override the --config file.\n"
      "Signals: SIGHUP re-reads the --config file and reloads every zone (secondary zones ask "
      "their primary), SIGINT/SIGTERM stop.");

  std::string config_file;
  std::vector<std::string> listen, zones, secondaries, allow_transfer, notify, tsig_keys,
      http_allow_reload, allow_update;
  unsigned threads = 0;
  std::string log_level;
  std::string query_log_target, query_log_format, http;
  bool check_only = false;
  bool minimal_responses = false;
  unsigned edns_udp_size = 0;
  unsigned tcp_idle_ms = 0;
  unsigned tcp_max_connections = 0;
  std::size_t tcp_max_buffer = 0;
  unsigned axfr_max_concurrent = 0;
  unsigned axfr_max_time_ms = 0;
  std::string identity, version_text, cookie_secret, cookie_secret_previous;
  unsigned rate_limit = 0, rate_limit_slip = 0;
  std::string user;
  std::string check_level;
  std::uint64_t max_zone_file_size = 0;
  std::string include_directory;
  unsigned journal_max_changes = 0;
  std::uint64_t journal_max_size = 0;
  std::int32_t zonefile_sync = 0;

  app.add_option("--config", config_file, "TOML configuration file")->check(CLI::ExistingFile);
  app.add_option("--listen", listen, "address and port to serve on, ADDR:PORT or [IPV6]:PORT "
                                     "(repeatable; port 0 picks a free port)")
      ->take_all();
  app.add_option("--zone", zones, "zone to serve, [ORIGIN=]FILE (repeatable)")->take_all();
  app.add_option("--secondary", secondaries,
                 "secondary zone ORIGIN=FILE,primary=ADDR:PORT[,key:NAME]: transferred by AXFR "
                 "from the primary (TSIG-signed with key NAME), kept in FILE, refreshed on its "
                 "SOA timers and on NOTIFY from the primary (repeatable)")
      ->take_all();
  app.add_option("--threads", threads, "worker threads (default: one per core)")
      ->check(CLI::Range(1u, 1024u));
  app.add_option("--allow-transfer", allow_transfer,
                 "CIDR prefix, or key:NAME (a request signed with that TSIG key), allowed to "
                 "transfer zones by AXFR (repeatable; 'none': nobody; default: loopback)")
      ->take_all();
  app.add_option("--allow-update", allow_update,
                 "CIDR prefix, or key:NAME (a request signed with that TSIG key), allowed to "
                 "send dynamic updates, RFC 2136 (repeatable; 'none': nobody; default: nobody)")
      ->take_all();
  app.add_option("--tsig-key", tsig_keys,
                 "TSIG key [ALGORITHM:]NAME:BASE64SECRET as dig -y takes it; ALGORITHM "
                 "hmac-sha256 (default), hmac-sha1 or hmac-sha512 (repeatable)")
      ->take_all();
  app.add_option("--notify", notify,
                 "secondary ADDR:PORT to send NOTIFY when a zone changes (repeatable; 'none': "
                 "nobody, the default)")
      ->take_all();
  app.add_option("--log-level", log_level, "error, warning, info (default) or debug")
      ->check(CLI::IsMember({"error", "warning", "warn", "info", "debug"}));
  auto* query_log_option =
      app.add_option("--query-log", query_log_target,
                     "log every query (client, name, type, rcode, size, time) in the log stream, "
                     "or to FILE (appended; reopened on SIGHUP), or to stdout with FILE \"-\"")
          ->expected(0, 1);
  app.add_option("--http", http,
                 "ADDR:PORT serving GET /metrics (Prometheus), GET /status (JSON) and POST /reload; "
                 "off by default");
  app.add_option("--http-allow-reload", http_allow_reload,
                 "CIDR prefix allowed to POST /reload (repeatable; 'none': nobody; default: "
                 "loopback)")
      ->take_all();
  app.add_option("--query-log-format", query_log_format, "query log lines as text (default) or json")
      ->check(CLI::IsMember({"text", "json"}));
  app.add_flag("--check", check_only, "check the zones, print problems as file:line:column, exit");
  app.add_option("--check-level", check_level,
                 "zone-check severities: bind (default: refuse a zone where named-checkzone "
                 "-i local does) or strict (also refuse it on every stricter check)")
      ->check(CLI::IsMember({"bind", "strict"}));
  app.add_option("--edns-udp-size", edns_udp_size, "largest UDP answer (default 1232)")
      ->check(CLI::Range(512u, 65535u));
  app.add_option("--tcp-idle-timeout", tcp_idle_ms, "TCP idle timeout in milliseconds (default 10000)")
      ->check(CLI::Range(100u, 3600000u));
  app.add_option("--tcp-max-connections", tcp_max_connections,
                 "simultaneous TCP connections (default 1000)")
      ->check(CLI::Range(1u, 1000000u));
  app.add_option("--tcp-max-buffer", tcp_max_buffer,
                 "bytes of answers a TCP client may leave unread before the server stops reading "
                 "its queries (default 131072)")
      ->check(CLI::Range(std::size_t{1024}, std::size_t{1} << 30));
  app.add_option("--axfr-max-concurrent", axfr_max_concurrent,
                 "zone transfers streamed at once; more are answered SERVFAIL (default 10)")
      ->check(CLI::Range(1u, 100000u));
  app.add_option("--axfr-max-time", axfr_max_time_ms,
                 "longest a zone transfer may take, in milliseconds, however steadily the client "
                 "reads (default 3600000)")
      ->check(CLI::Range(1000u, 86400000u));
  app.add_flag("--minimal-responses", minimal_responses,
               "leave the zone's NS records and their addresses out of positive answers");
  app.add_option("--identity", identity, "answer for CH TXT id.server (default: refuse)");
  app.add_option("--cookie-secret", cookie_secret,
                 "DNS server cookie secret (RFC 9018), 32 hex digits; servers sharing an "
                 "address share it (default: random at start)");
  app.add_option("--cookie-secret-previous", cookie_secret_previous,
                 "the secret before --cookie-secret: its cookies are still accepted while "
                 "clients move to the new one");
  app.add_option("--server-version", version_text, "answer for CH TXT version.bind (default: refuse)");
  auto* rate_limit_option =
      app.add_option("--rate-limit", rate_limit,
                     "response rate limiting: identical UDP answers per second to one client "
                     "/24 (IPv4) or /56 (IPv6); 0 = off (default)")
          ->check(CLI::Range(0u, 1000000u));
  auto* slip_option =
      app.add_option("--rate-limit-slip", rate_limit_slip,
                     "every K-th rate-limited answer goes out truncated (TC) so real clients "
                     "retry over TCP; 0 = never (default 2)")
          ->check(CLI::Range(0u, 10u));
  app.add_option("--user", user,
                 "after binding the sockets and loading the zones, run as this user (zone "
                 "files must be readable by it for reloads)");

  auto* max_size_option =
      app.add_option("--max-zone-file-size", max_zone_file_size,
                     "largest zone file (or $INCLUDE file) read, in bytes; 0 = no limit "
                     "(default 1073741824)");
  app.add_option("--include-directory", include_directory,
                 "$INCLUDE reads only files in this directory or below (default: each zone "
                 "file's own directory)");

  app.add_option("--journal-max-changes", journal_max_changes,
                 "changes kept in each zone's journal FILE.jnl for IXFR; the oldest go first "
                 "(default 1000)")
      ->check(CLI::Range(1u, 1'000'000u));
  app.add_option("--journal-max-size", journal_max_size,
                 "bytes kept in each zone's journal FILE.jnl; the oldest changes go first "
                 "(default 16777216)")
      ->check(CLI::Range(std::uint64_t{1024}, std::uint64_t{1} << 62));
  auto* zonefile_sync_option =
      app.add_option("--zonefile-sync", zonefile_sync,
                     "seconds after a dynamic update before the zone file is rewritten with it "
                     "(and the journal cut); 0 = at once, -1 = never (default 60)")
          ->check(CLI::Range(-1, ns::server_config::max_zonefile_sync));

  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {  // --help, --version
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fputs(fmt::format("nameserver: error: {}\nRun with --help for more information.\n",
                           e.what()).c_str(), stderr);
    return 1;
  }

  // The configuration: the file, then the flags over it. Read at start and again by every
  // reload (SIGHUP, POST /reload), with the same flags, so a flag keeps overriding the file.
  const auto build_config = [&](ns::server_config& config, std::string& error) -> bool {
    if (!config_file.empty() && !ns::load_config_file(config_file, config, error)) return false;
    if (!listen.empty()) config.listen = listen;
    // --zone replaces the file's primary zones, --secondary its secondary zones.
    if (!zones.empty()) {
      std::erase_if(config.zones, [](const ns::zone_config& z) { return !z.is_secondary(); });
      for (const auto& z : zones) {
        ns::zone_config zone;
        if (!ns::parse_zone_argument(z, zone, error)) return false;
        config.zones.push_back(std::move(zone));
      }
    }
    if (!secondaries.empty()) {
      std::erase_if(config.zones, [](const ns::zone_config& z) { return z.is_secondary(); });
      for (const auto& z : secondaries) {
        ns::zone_config zone;
        if (!ns::parse_secondary_argument(z, zone, error)) return false;
        config.zones.push_back(std::move(zone));
      }
    }
    if (threads != 0) config.threads = threads;
    // A list flag replaces the file's list; "none" gives the empty list (config_lists.hpp).
    if (!allow_transfer.empty()) {
      std::vector<std::string> list;
      if (!ns::list_from_flag("--allow-transfer", allow_transfer, list, error)) return false;
      config.allow_transfer = std::move(list);
    }
    if (!notify.empty() && !ns::list_from_flag("--notify", notify, config.notify, error)) {
      return false;
    }
    if (!allow_update.empty() &&
        !ns::list_from_flag("--allow-update", allow_update, config.allow_update, error)) {
      return false;
    }
    if (!tsig_keys.empty()) config.tsig_keys = tsig_keys;
    if (!log_level.empty()) config.log_level = log_level;
    if (query_log_option->count() > 0) {
      config.query_log = true;
      config.query_log_file = query_log_target;
    }
    if (!query_log_format.empty()) config.query_log_format = query_log_format;
    if (!http.empty()) config.http = http;
    if (!http_allow_reload.empty() &&
        !ns::list_from_flag("--http-allow-reload", http_allow_reload, config.http_allow_reload, error)) {
      return false;
    }
    if (edns_udp_size != 0) config.edns_udp_size = static_cast<std::uint16_t>(edns_udp_size);
    if (tcp_idle_ms != 0) config.tcp_idle_timeout = std::chrono::milliseconds(tcp_idle_ms);
    if (tcp_max_connections != 0) config.tcp_max_connections = tcp_max_connections;
    if (tcp_max_buffer != 0) config.tcp_max_buffer = tcp_max_buffer;
    if (axfr_max_concurrent != 0) config.axfr_max_concurrent = axfr_max_concurrent;
    if (axfr_max_time_ms != 0) config.axfr_max_time = std::chrono::milliseconds(axfr_max_time_ms);
    if (minimal_responses) config.minimal_responses = true;
    if (!identity.empty()) config.identity_text = identity;
    if (!version_text.empty()) config.version_text = version_text;
    if (!cookie_secret.empty()) config.cookie_secret = cookie_secret;
    if (!cookie_secret_previous.empty()) config.cookie_secret_previous = cookie_secret_previous;
    if (rate_limit_option->count() > 0) config.rate_limit = rate_limit;
    if (slip_option->count() > 0) config.rate_limit_slip = rate_limit_slip;
    if (!user.empty()) config.user = user;
    // The flag is the operator's last word: it overrides the file's levels, per zone too.
    if (!check_level.empty()) ns::parse_check_level(check_level, config.check_level);
    for (auto& z : config.zones)
      if (!check_level.empty() || !z.check_level) z.check_level = config.check_level;
    if (max_size_option->count() > 0) config.max_zone_file_size = max_zone_file_size;
    if (!include_directory.empty()) config.include_directory = include_directory;
    if (journal_max_changes != 0) config.journal_max_changes = journal_max_changes;
    if (journal_max_size != 0) config.journal_max_size = journal_max_size;
    if (zonefile_sync_option->count() > 0) {  // over the file's, per zone too
      config.zonefile_sync = zonefile_sync;
      for (auto& z : config.zones) z.zonefile_sync.reset();
    }
    return true;
  };
  ns::server_config config;
  std::string error;
  if (!build_config(config, error)) return fail(error);

  if (!ns::validate(config, error)) return fail(error);
  if (check_only) return check(config);

  // An unknown user is found out before any port is taken.
  ns::user_identity identity_to_run_as;
  if (!config.user.empty() && !ns::find_user(config.user, identity_to_run_as, error)) return fail(error);
  const bool as_root_for_good = config.user.empty() && ns::running_as_root();

  ns::server server(std::move(config));
  if (!config_file.empty()) server.reread_config_with(build_config);
  if (!server.start(error)) return fail(error);
  // Sockets bound, zones read: nothing else needs root (privileges.hpp).
  if (!identity_to_run_as.name.empty() && !ns::drop_privileges(identity_to_run_as, error)) {
    return fail(error);
  }
  if (as_root_for_good) {
    ns::log::warning("running as root; use --user NAME to serve as an unprivileged user");
  }
  server.run();
  return 0;
} catch (const std::exception& e) {
  return fail(e.what());
}
