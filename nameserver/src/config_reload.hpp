#pragma once
// What a reload (SIGHUP, POST /reload) may change in a running server, and what needs a restart.
//
// Changed at run time, atomically with the zones (one publication, server_context.hpp): the
// zones ([[zone]] added, removed, or with another file or check-level), allow-transfer and notify
// lists, TSIG keys, version and identity answers, cookie secrets, log level, check level,
// max-zone-file-size and include-directory. Bound at start (sockets, threads, buffers sized
// once, privileges given up): listen, threads, user, the [http] table, the query log, the TCP,
// AXFR and EDNS size limits, turning rate limiting on when the server started without it (its
// table is made at start; once made, rate-limit and rate-limit-slip change at run time, and 0
// stops limiting), and the secondary zones (each with its own timers and transfers, made at
// start); a reload that finds one of these changed keeps the running value and says "needs a
// restart".
#include <string>
#include <vector>

#include "dnskit/nameserver/config.hpp"

namespace dnskit::nameserver {

// The keys (as the TOML file names them) whose value in `fresh` differs from `running` but can
// only change with a restart. Each is set back to its running value in `fresh`.
// `rate_limit_table`: the server made its rate-limit table at start (rate-limit was on).
std::vector<std::string> keep_restart_settings(const server_config& running, server_config& fresh,
                                               bool rate_limit_table = false);

}  // namespace dnskit::nameserver
