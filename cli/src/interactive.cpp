// Interactive mode, as nslookup's: a "> " prompt with line editing and history when stdin is
// a terminal (line_input.hpp), one command per line, answers without a blank line between them, and one blank line at the end.
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "commands.hpp"
#include "line_input.hpp"

namespace dnskit::cli {
namespace {

constexpr const char* commands_help =
    "Commands:\n"
    "  NAME                 look up NAME with the current server and settings\n"
    "  NAME SERVER          look up NAME with SERVER, once\n"
    "  server NAME|ADDRESS  make it the default server\n"
    "  lserver NAME|ADDRESS the same (names are found with the system's resolver)\n"
    "  set OPTION           type=T, class=C, port=N, timeout=S, retry=N, [no]vc, [no]recurse,\n"
    "                       [no]debug, [no]d2, domain=D, [no]search, ndots=N, all\n"
    "  ls [-t TYPE | -d] DOMAIN   list a zone by zone transfer (AXFR) from the server\n"
    "  exit                 leave (end of input does too)\n";

std::vector<std::string> words_of(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> words;
  for (std::string w; in >> w && words.size() < 16;) words.push_back(w);
  return words;
}

}  // namespace

int run_interactive(session& sess, settings& s, const style& st) {
  line_input input;
  run_state state;
  std::string out, err;
  for (long lines = 0; lines < 100'000'000; ++lines) {
    std::optional<std::string> next = input.next();
    if (!next) break;
    std::string& line = *next;
    if (line.size() > 4096) line.resize(4096);
    std::vector<std::string> words = words_of(line);
    if (words.empty()) continue;
    const std::string& cmd = words[0];
    if (cmd == "exit") break;
    if (cmd == "set") {
      if (words.size() < 2) {
        out += "*** Invalid option: \n";
      } else {
        option_result r = apply_option(s, words[1]);
        if (!r.message.empty()) out += r.message + "\n";
        if (r.show_all) out += settings_text(s, false);
      }
    } else if (cmd == "server" || cmd == "lserver") {
      if (words.size() < 2) {
        out += settings_text(s, true);
      } else {
        std::string error;
        auto server = find_server(words[1], error);
        if (!server) {
          // nslookup ends the whole session here; staying is kinder, and the status remembers it.
          err += "dnslookup: " + error + "\n";
          state.print_error = true;
        } else {
          s.server = std::move(*server);
          s.server_from_resolv_conf = false;
          out += settings_text(s, true);
        }
      }
    } else if (cmd == "ls") {
      if (!run_ls(sess, s, {words.begin() + 1, words.end()}, out, err)) state.print_error = true;
    } else if (cmd == "help" || cmd == "?") {
      out += commands_help;
    } else if (cmd == "view" || cmd == "finger" || cmd == "root") {
      out += "The '" + cmd + "' command is not implemented.\n";
    } else if (words.size() >= 2) {
      // "NAME SERVER": this one lookup goes to SERVER (nslookup 9.18 ignores it; its manual
      // says it should not).
      std::string error;
      auto server = find_server(words[1], error);
      if (!server) {
        err += "dnslookup: " + error + "\n";
        state.print_error = true;
      } else {
        settings once = s;
        once.server = std::move(*server);
        once.server_from_resolv_conf = false;
        flush_output(out, err);
        lookup_and_print(sess, once, st, cmd, state);
      }
    } else {
      flush_output(out, err);
      lookup_and_print(sess, s, st, cmd, state);
    }
    flush_output(out, err);
  }
  out += "\n";
  flush_output(out, err);
  return state.status();
}

}  // namespace dnskit::cli
