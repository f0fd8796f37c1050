// dnslookup [-option ...] [name | -] [server]: nslookup's interface, and more (see dnslookup(1)).
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>
#include <string_view>
#include <vector>

#include "commands.hpp"
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
    "dnslookup's own:\n"
    "  --short                   the answers' data only, one per line\n"
    "  --json                    one JSON object per question (schema in dnslookup(1))\n"
    "  --stats                   who answered, transport, time and sizes\n"
    "  --explain                 tell the lookup step by step in plain words\n"
    "  --trace                   resolve iteratively from the root hints, step by step\n"
    "  --root-hints FILE         root servers for --trace (a zone file of NS and A/AAAA)\n"
    "  -f FILE | -f -            bulk mode: look up every name of FILE, one per line\n"
    "  --parallel N              bulk mode: questions in flight at once (100)\n"
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

int run(int argc, char** argv) {
  settings s;
  std::vector<std::string> positional;
  std::string out, err;

  // resolv.conf first, so that options given on the command line override what it says.
  for (int i = 1; i < argc; ++i) {
    std::string value;
    if (long_value(argv[i], "--resolv-conf", i, argc, argv, value)) s.resolv_conf = value;
  }
  settings from_file = s;
  read_resolv_conf(from_file, s.resolv_conf);
  s.search_list = from_file.search_list;
  s.ndots = from_file.ndots;
  s.timeout = from_file.timeout;
  s.tries = from_file.tries;

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
      } else if (arg == "--json") {
        s.mode = output_mode::json;
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
      } else if (long_value(arg, "--resolv-conf", i, argc, argv, value)) {
        // read above
      } else {
        return fail("unknown option '" + std::string(arg) + "'\n" + "Try 'dnslookup --help'.");
      }
    } else if (arg == "-f") {
      if (i + 1 >= argc) return fail("-f needs a file name ('-' for standard input)");
      s.bulk = argv[++i];
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
      positional.emplace_back(arg);
    }
  }
  flush_output(out, err);

  const bool bulk = s.bulk.has_value();
  if (positional.size() > (bulk ? 1u : 2u)) {
    std::fputs(usage_text, stderr);
    return 1;
  }
  const std::string* server_arg = nullptr;
  if (bulk && positional.size() == 1) server_arg = &positional[0];
  if (!bulk && positional.size() == 2) server_arg = &positional[1];
  if (server_arg != nullptr) {
    std::string error;
    auto server = find_server(*server_arg, error);
    if (!server) return fail(error);
    s.server = std::move(*server);
    s.server_from_resolv_conf = false;
  } else {
    s.server = from_file.server;
    s.server_from_resolv_conf = true;
    if (s.server.addresses.empty()) {
      // As c-ares and BIND: no name server configured means the local host.
      s.server.addresses.push_back(boost::asio::ip::make_address("127.0.0.1"));
      s.server.userarg = "127.0.0.1";
    }
  }
  const style st = style::for_stdout(s.mode == output_mode::nslookup ? s.colour : colour_mode::never);

  if (bulk) return run_bulk(s, st);
  if (positional.empty() || positional[0] == "-") {
    if (s.trace) return fail("--trace needs a name");
    return run_interactive(s, st);
  }
  if (s.trace) return run_trace(s, st, positional[0]);

  run_state state;
  lookup_and_print(s, st, positional[0], state);
  if (s.mode == output_mode::nslookup) std::fputs("\n", stdout);
  return state.status();
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
