// dnslookup [-option ...] [name | -] [server]: nslookup's interface, and more (see dnslookup(1)).
#include <algorithm>
#include <cstdio>
#include <optional>
#include <utility>
#include <cstring>
#include <exception>
#include <string>
#include <string_view>
#include <vector>

#include "commands.hpp"
#include "dnskit/resolver/resolv_conf.hpp"
#include "json_format.hpp"
#include "server_arg.hpp"
#include "settings.hpp"
#include "style.hpp"

#ifndef DNSKIT_VERSION
#define DNSKIT_VERSION "0.0.0"
#endif

namespace {

using namespace dnskit::cli;

constexpr const char* usage_text =
    "Usage:\n"
    "   dnslookup [-opt ...]             # interactive mode using default server\n"
    "   dnslookup [-opt ...] - server    # interactive mode using 'server'\n"
    "   dnslookup [-opt ...] host        # just look up 'host' using default server\n"
    "   dnslookup [-opt ...] host server # just look up 'host' using 'server'\n"
    "   dnslookup [-opt ...] -f FILE [server]   # look up every name of FILE ('-': stdin)\n"
    "   dnslookup [@server ...] host [TYPE ...] [+opt ...]   # dig's way\n"
    "Try 'dnslookup --help' for the options.\n";

constexpr const char* help_text =
    "dnslookup: look up names in the DNS, as nslookup does, and show how it is done.\n"
    "\n"
    "Usage: dnslookup [-opt ...] [name | -] [server]\n"
    "       dnslookup [-opt ...] -f FILE|- [server]\n"
    "\n"
    "nslookup's options (also `set OPTION` in interactive mode):\n"
    "  -type=T, -query=T, -q=T   record type (A, AAAA, MX, NS, SOA, TXT, SRV, PTR, ANY, TYPEnnn);\n"
    "                            several: -type=A,MX or -type=A -type=MX\n"
    "  -class=C                  class (IN, CH, HS)\n"
    "  -port=N                   server port (53)\n"
    "  -timeout=S  -retry=N      seconds per try, number of tries (5, 3)\n"
    "  -vc | -novc               TCP for every question | UDP first\n"
    "  -recurse | -norecurse     ask the server to recurse (RD bit)\n"
    "  -debug | -nodebug         show every section of each response\n"
    "  -domain=D                 search list of one domain\n"
    "  -search | -nosearch       use the search list\n"
    "  -ndots=N                  dots a name needs to be tried as typed first\n"
    "\n"
    "dig's and doggo's ways (nslookup's keep their meaning):\n"
    "  @SERVER                   a server: ADDR, ADDR#PORT, ADDR:PORT, [IPV6]:PORT or a name;\n"
    "                            several are tried in order; ADDR#PORT also without the @\n"
    "  TYPE after the name       record type (MX, AAAA, ...), as -type=TYPE\n"
    "  -p PORT                   server port, as -port=PORT\n"
    "  +short +tcp +norec        --short, -vc, -norecurse\n"
    "  +dnssec +cd +nsid +cookie --dnssec, --cd, --nsid, --cookie\n"
    "\n"
    "dnslookup's own:\n"
    "  --short                   the answers' data only, one per line\n"
    "  --json                    one JSON document per run: {\"responses\": [...]}, an object\n"
    "                            per question (schema in dnslookup(1))\n"
    "  --json-lines              the same objects alone, one per line, as they come\n"
    "  --stats                   who answered, transport, time and sizes\n"
    "  --explain                 tell the lookup step by step in plain words\n"
    "  --dnssec                  ask for DNSSEC records (the DO bit)\n"
    "  --cd                      checking disabled (the CD bit)\n"
    "  --nsid                    ask the server for its identifier (NSID)\n"
    "  --cookie                  send a DNS cookie\n"
    "  --trace                   resolve iteratively from the root hints, step by step\n"
    "  --root-hints FILE         root servers for --trace (a zone file of NS and A/AAAA)\n"
    "  -f FILE | -f -            bulk mode: look up every name of FILE, one per line\n"
    "  --parallel N              bulk mode: questions in flight at once (100)\n"
    "  -y [ALG:]NAME:SECRET, --tsig-key [ALG:]NAME:SECRET\n"
    "                            sign zone transfers (ls, -type=AXFR) with this TSIG key and\n"
    "                            check the answers (dig's -y; ALG hmac-sha256 by default)\n"
    "  --transfer-timeout S      a whole zone transfer (ls, -type=AXFR) ends after S seconds\n"
    "                            (600; 0: no limit); each message has -timeout\n"
    "  --color=auto|always|never colour (auto: on a terminal unless NO_COLOR is set)\n"
    "  --resolv-conf FILE        read servers and search list from FILE (/etc/resolv.conf)\n"
    "  --version, --help\n";

// "--name=value" or "--name value"; advances i for the second form.
bool long_value(std::string_view arg, std::string_view name, int& i, int argc, char** argv, std::string& value) {
  if (arg == name) {
    if (i + 1 >= argc) return false;
    value = argv[++i];
    return true;
  }
  if (arg.size() > name.size() && arg.substr(0, name.size()) == name && arg[name.size()] == '=') {
    value = std::string(arg.substr(name.size() + 1));
    return true;
  }
  return false;
}

int fail(const std::string& message) {
  std::fprintf(stderr, "dnslookup: %s\n", message.c_str());
  return 1;
}

// -y / --tsig-key: dig's [ALGORITHM:]NAME:BASE64SECRET; false (said on stderr) when it is bad.
bool set_tsig_key(settings& s, const std::string& text) {
  std::string error;
  s.tsig_key = dnskit::dns::tsig::parse_key(text, error);
  if (!s.tsig_key) fail("-y: " + error + " in '" + text + "'");
  return s.tsig_key.has_value();
}

// dig's `+keyword` switches that have a meaning here: each an alias of an option above.
bool apply_plus(settings& s, std::string_view word) {
  if (word == "short") s.mode = output_mode::short_;
  else if (word == "dnssec") s.dnssec = true;
  else if (word == "nodnssec") s.dnssec = false;
  else if (word == "cd" || word == "cdflag") s.cd = true;
  else if (word == "nocd" || word == "nocdflag") s.cd = false;
  else if (word == "nsid") s.nsid = true;
  else if (word == "nonsid") s.nsid = false;
  else if (word == "cookie") s.cookie = true;
  else if (word == "nocookie") s.cookie = false;
  else if (word == "tcp" || word == "vc") s.vc = s.vc_set = true;
  else if (word == "notcp" || word == "novc") {
    s.vc = false;
    s.vc_set = true;
  } else if (word == "rec" || word == "recurse") s.recurse = true;
  else if (word == "norec" || word == "norecurse") s.recurse = false;
  else return false;
  return true;
}

// Combinations of options that cannot all be honoured: a message naming them, or nothing.
std::string unhonourable(const settings& s, const std::string& json, const std::string& short_) {
  if (!json.empty() && !short_.empty()) return json + " and " + short_ + " cannot be used together";
  const std::string& mode = !json.empty() ? json : short_;
  if (mode.empty()) return {};
  if (s.explain) return mode + " and --explain cannot be used together (--explain is prose)";
  if (s.trace) return mode + " and --trace cannot be used together";
  if (!json.empty() && s.stats) {
    return json + " and --stats cannot be used together (time_ms and size are in the JSON)";
  }
  for (dnskit::dns::rr_type t : s.types) {
    if (t == dnskit::dns::rr_type::axfr || t == dnskit::dns::rr_type::ixfr) {
      return mode + " and -type=" + dnskit::dns::to_string(t) + " cannot be used together (a transfer prints records)";
    }
  }
  return {};
}

// A positional argument after the name that is an RR type mnemonic (MX, aaaa, TYPE65).
bool is_type_word(std::string_view arg) { return parse_type(arg).has_value(); }

// The servers given on the command line, in order: their addresses under the first one's
// name (nslookup prints the server as typed), and the port they share.
struct server_args {
  std::vector<std::string> texts;  // without the '@'
  std::vector<std::string> shown;  // as typed
};

int resolve_servers(const server_args& given, settings& s) {
  server_spec spec;
  std::optional<std::uint16_t> port;
  std::string port_from;
  for (std::size_t i = 0; i < given.texts.size(); ++i) {
    std::string error;
    auto arg = parse_server_arg(given.texts[i], given.shown[i], error);
    if (!arg) return fail(error);
    if (arg->port) {
      if (port && *port != *arg->port) {
        return fail("servers on different ports: '" + port_from + "' and '" + given.shown[i] +
                    "' (one port for every server)");
      }
      port = arg->port;
      port_from = given.shown[i];
    }
    auto one = find_server(arg->host, error);
    if (!one) return fail(error);
    if (spec.userarg.empty()) spec.userarg = one->userarg;
    for (const auto& a : one->addresses) {
      if (std::find(spec.addresses.begin(), spec.addresses.end(), a) == spec.addresses.end()) {
        spec.addresses.push_back(a);
      }
    }
  }
  if (port) s.port = *port;
  s.server = std::move(spec);
  s.server_from_resolv_conf = false;
  return 0;
}

int run(int argc, char** argv) {
  settings s;
  // Arguments that are not options, with their place on the command line.
  std::vector<std::pair<int, std::string>> positional, at_servers;
  std::string json_given, short_given;  // the output options as typed, for a conflict's message
  std::string out, err;

  // resolv.conf first, so that options given on the command line override what it says.
  for (int i = 1; i < argc; ++i) {
    std::string value;
    if (long_value(argv[i], "--resolv-conf", i, argc, argv, value)) s.resolv_conf = value;
  }
  // The library reads the file (servers, search list, options), as it does for itself.
  const dnskit::resolver::resolv_conf from_file = dnskit::resolver::read_resolv_conf(s.resolv_conf);
  apply_resolv_conf(s, from_file);

  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    std::string value;
    if (arg.rfind("--", 0) == 0 && arg.size() > 2) {
      if (arg == "--help") {
        std::fputs(help_text, stdout);
        return 0;
      } else if (arg == "--version") {
        std::printf("dnslookup %s\n", DNSKIT_VERSION);
        return 0;
      } else if (arg == "--short") {
        s.mode = output_mode::short_;
        short_given = std::string(arg);
      } else if (arg == "--json") {
        s.mode = output_mode::json;
        s.json_lines = false;
        json_given = std::string(arg);
      } else if (arg == "--json-lines") {
        s.mode = output_mode::json;
        s.json_lines = true;
        json_given = std::string(arg);
      } else if (arg == "--dnssec") {
        s.dnssec = true;
      } else if (arg == "--cd") {
        s.cd = true;
      } else if (arg == "--nsid") {
        s.nsid = true;
      } else if (arg == "--cookie") {
        s.cookie = true;
      } else if (arg == "--stats") {
        s.stats = true;
      } else if (arg == "--explain") {
        s.explain = true;
      } else if (arg == "--trace") {
        s.trace = true;
      } else if (arg == "--no-color" || arg == "--no-colour") {
        s.colour = colour_mode::never;
      } else if (arg == "--color" || arg == "--colour") {
        s.colour = colour_mode::always;
      } else if (long_value(arg, "--color", i, argc, argv, value) ||
                 long_value(arg, "--colour", i, argc, argv, value)) {
        if (value == "auto") s.colour = colour_mode::automatic;
        else if (value == "always") s.colour = colour_mode::always;
        else if (value == "never") s.colour = colour_mode::never;
        else return fail("--color takes auto, always or never, not '" + value + "'");
      } else if (long_value(arg, "--root-hints", i, argc, argv, value)) {
        s.root_hints = value;
        s.trace = true;
      } else if (long_value(arg, "--parallel", i, argc, argv, value)) {
        char* end = nullptr;
        long n = std::strtol(value.c_str(), &end, 10);
        if (value.empty() || *end != '\0' || n < 1 || n > 65535) {
          return fail("--parallel takes a number from 1 to 65535, not '" + value + "'");
        }
        s.parallel = static_cast<int>(n);
      } else if (long_value(arg, "--transfer-timeout", i, argc, argv, value)) {
        char* end = nullptr;
        long n = std::strtol(value.c_str(), &end, 10);
        if (value.empty() || *end != '\0' || n < 0 || n > 86400) {
          return fail("--transfer-timeout takes seconds from 0 (no limit) to 86400, not '" + value + "'");
        }
        s.transfer_timeout = static_cast<int>(n);
      } else if (long_value(arg, "--tsig-key", i, argc, argv, value)) {
        if (!set_tsig_key(s, value)) return 1;
      } else if (long_value(arg, "--resolv-conf", i, argc, argv, value)) {
        // read above
      } else {
        return fail("unknown option '" + std::string(arg) + "'\n" + "Try 'dnslookup --help'.");
      }
    } else if (arg == "-f") {
      if (i + 1 >= argc) return fail("-f needs a file name ('-' for standard input)");
      s.bulk = argv[++i];
    } else if (arg == "-y") {
      // dig's -y [ALGORITHM:]NAME:SECRET (nslookup has no -y: there it is an invalid option).
      if (i + 1 >= argc) return fail("-y needs a key: [ALGORITHM:]NAME:BASE64SECRET");
      if (!set_tsig_key(s, argv[++i])) return 1;
    } else if (arg == "-p") {
      // dig's -p PORT (nslookup has no -p: there it would be an invalid option).
      std::string error;
      if (i + 1 >= argc) return fail("-p needs a port number");
      const std::string port = argv[++i];
      auto parsed = parse_server_arg("0.0.0.0#" + port, "-p " + port, error);
      if (!parsed) return fail("-p takes a port from 1 to 65535, not '" + port + "'");
      s.port = *parsed->port;
    } else if (arg.size() > 1 && arg[0] == '+') {
      if (arg == "+short") short_given = std::string(arg);
      if (!apply_plus(s, arg.substr(1))) {
        return fail("unknown option '" + std::string(arg) + "'\nTry 'dnslookup --help'.");
      }
    } else if (!arg.empty() && arg[0] == '@') {
      if (arg.size() == 1) return fail("'@' needs a server address after it");
      at_servers.emplace_back(i, std::string(arg));
    } else if (arg == "-h" || arg == "-help") {
      std::fputs(help_text, stdout);
      return 0;
    } else if (arg.size() > 1 && arg[0] == '-') {
      if (arg.rfind("-ver", 0) == 0) {
        std::printf("dnslookup %s\n", DNSKIT_VERSION);
        return 0;
      }
      option_result r = apply_option(s, arg.substr(1), true);
      if (!r.message.empty()) out += r.message + "\n";
    } else {
      positional.emplace_back(i, std::string(arg));
    }
  }
  flush_output(out, err);

  const bool bulk = s.bulk.has_value();
  // nslookup's positional arguments: the name (none in bulk mode), then one server. After the
  // name, an RR type mnemonic sets the type (dig's `NAME MX`); `@` arguments are servers
  // wherever they stand. Servers are tried in the order given.
  std::optional<std::string> name;
  server_args servers;
  std::optional<std::pair<int, std::string>> plain_server;
  for (const auto& [index, arg] : positional) {
    if (!bulk && !name) {
      name = arg;
    } else if (name.value_or("") != "-" && is_type_word(arg)) {
      option_result r = apply_option(s, "type=" + arg, true);
      if (!r.ok) return fail(r.message);
    } else if (!plain_server) {
      plain_server.emplace(index, arg);
    } else {
      std::fputs(usage_text, stderr);
      return 1;
    }
  }
  if (const std::string conflict = unhonourable(s, json_given, short_given); !conflict.empty()) {
    return fail(conflict + "\nTry 'dnslookup --help'.");
  }

  std::vector<std::pair<int, std::string>> all_servers = at_servers;
  if (plain_server) all_servers.push_back(*plain_server);
  std::sort(all_servers.begin(), all_servers.end());
  for (const auto& [index, arg] : all_servers) {
    const bool at = !plain_server || index != plain_server->first;
    servers.texts.push_back(at ? arg.substr(1) : arg);
    servers.shown.push_back(arg);
  }
  if (!servers.texts.empty()) {
    if (const int status = resolve_servers(servers, s); status != 0) return status;
  } else {
    s.server.addresses = from_file.nameservers;
    if (!s.server.addresses.empty()) s.server.userarg = s.server.addresses.front().to_string();
    s.server_from_resolv_conf = true;
    if (s.server.addresses.empty()) {
      // As c-ares and BIND: no name server configured means the local host.
      s.server.addresses.push_back(boost::asio::ip::make_address("127.0.0.1"));
      s.server.userarg = "127.0.0.1";
    }
  }
  const style st = style::for_stdout(s.mode == output_mode::nslookup ? s.colour : colour_mode::never);

  const auto finish = [&](int status) {
    const std::string end = json_finish(s);
    std::fputs(end.c_str(), stdout);
    return status;
  };
  if (bulk) return finish(run_bulk(s, st));
  // One session for the run: its resolvers serve every question (interactive mode included).
  session sess;
  if (!name || *name == "-") {
    if (s.trace) return fail("--trace needs a name");
    return finish(run_interactive(sess, s, st));
  }
  if (s.trace) return run_trace(sess, s, st, *name);

  run_state state;
  lookup_and_print(sess, s, st, *name, state);
  if (s.mode == output_mode::nslookup) std::fputs("\n", stdout);
  return finish(state.status());
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "dnslookup: %s\n", e.what());
    return 1;
  }
}
