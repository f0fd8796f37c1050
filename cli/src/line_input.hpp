#pragma once
// The lines of interactive mode. On a terminal: libedit, with line editing and a history kept
// in ~/.dnslookup_history ($HOME's), shown with the "> " prompt. Otherwise: plain lines from
// stdin, no prompt, so scripted input behaves as it always has.
#include <optional>
#include <string>

namespace dnskit::cli {

class line_input {
 public:
  line_input();
  ~line_input();  // saves the history
  line_input(const line_input&) = delete;
  line_input& operator=(const line_input&) = delete;

  // The next line without its newline; std::nullopt at the end of input.
  std::optional<std::string> next();

 private:
  bool terminal_;
  std::string history_file_;  // empty: no history kept
};

}  // namespace dnskit::cli
