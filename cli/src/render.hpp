#pragma once
// Ways to show the steps of a lookup: nslookup's text, dig +short style data lines, JSON
// objects, and the plain-words story of --explain. A renderer sees each step as it is done and
// appends text to `out` (stdout) and `err` (stderr); the caller writes them out.
#include <memory>
#include <string>

#include "lookup.hpp"
#include "style.hpp"

namespace dnskit::cli {

class renderer {
 public:
  virtual ~renderer() = default;
  // Called once per command before its steps (the lookup's plan is known by then).
  virtual void begin(const lookup_request& req, std::string& out, std::string& err) = 0;
  virtual void on_step(const step& st, std::string& out, std::string& err) = 0;
  // After the last step of the command.
  virtual void end(const lookup_summary& summary, std::string& out, std::string& err) = 0;
};

std::unique_ptr<renderer> make_nslookup_renderer(const settings& s, const style& st);
std::unique_ptr<renderer> make_short_renderer(const settings& s);
std::unique_ptr<renderer> make_json_renderer(const settings& s);
std::unique_ptr<renderer> make_explain_renderer(const settings& s, const style& st);
std::unique_ptr<renderer> make_renderer(const settings& s, const style& st);

// One line of --stats: who answered, transport, time, sizes.
std::string stats_line(const exchange& ex);

// ";; communications error to ...", ";; Connection to ... failed", ";; no servers could be reached".
std::string unreachable_text(const exchange& ex);

}  // namespace dnskit::cli
