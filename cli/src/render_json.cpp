// --json and --json-lines: one JSON object per question asked, the search list's failed
// candidates included, so a script sees every exchange (json_format.hpp).
#include "json_format.hpp"
#include "render.hpp"

namespace dnskit::cli {
namespace {

class json_renderer final : public renderer {
 public:
  explicit json_renderer(const settings& s) : settings_(s) {}
  void begin(const lookup_request& req, std::string&, std::string&) override { query_ = req.input; }
  void on_step(const step& st, std::string& out, std::string&) override {
    out += json_item(settings_, exchange_json(st.ex, query_, settings_.server.userarg));
  }
  void end(const lookup_summary&, std::string&, std::string&) override {}

 private:
  const settings& settings_;
  std::string query_;
};

}  // namespace

std::unique_ptr<renderer> make_json_renderer(const settings& s) {
  return std::make_unique<json_renderer>(s);
}

}  // namespace dnskit::cli
