#include "dnskit_test/server_process.hpp"

#include <charconv>

namespace dnskit::test {

std::vector<bound_address> parse_ready_line(std::string_view line) {
  std::vector<bound_address> out;
  const auto at = line.find("ready");
  if (at == std::string_view::npos) return out;
  std::string_view rest = line.substr(at + 5);
  while (!rest.empty()) {
    const auto start = rest.find_first_not_of(' ');
    if (start == std::string_view::npos) break;
    rest = rest.substr(start);
    const auto end = rest.find(' ');
    std::string_view word = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end);
    bound_address a;
    std::string_view port_text;
    if (word.starts_with('[')) {
      const auto close = word.find("]:");
      if (close == std::string_view::npos) continue;
      a.address = std::string(word.substr(1, close - 1));
      a.ipv6 = true;
      port_text = word.substr(close + 2);
    } else {
      const auto colon = word.rfind(':');
      if (colon == std::string_view::npos) continue;
      a.address = std::string(word.substr(0, colon));
      port_text = word.substr(colon + 1);
    }
    unsigned port = 0;
    auto [p, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc{} || p != port_text.data() + port_text.size() || port > 65535) continue;
    a.port = static_cast<std::uint16_t>(port);
    out.push_back(std::move(a));
  }
  return out;
}

std::unique_ptr<server_process> server_process::start(const std::filesystem::path& program,
                                                      const std::vector<std::string>& args,
                                                      std::string& error,
                                                      std::chrono::milliseconds timeout) {
  auto child = child_process::start(program, args, error);
  if (!child) return nullptr;
  const auto line = child->wait_for_line("ready", timeout);
  if (!line) {
    child->signal(SIGKILL);
    child->wait_exit(std::chrono::seconds(5));
    error = "no ready line from " + program.string() + "; stderr:\n" + child->stderr_text();
    return nullptr;
  }
  std::unique_ptr<server_process> s(new server_process);
  s->process_ = std::move(child);
  s->addresses_ = parse_ready_line(*line);
  if (s->addresses_.empty()) {
    error = "ready line without addresses: " + *line;
    return nullptr;
  }
  return s;
}

std::optional<int> server_process::stop(int sig, std::chrono::milliseconds timeout) {
  process_->signal(sig);
  return process_->wait_exit(timeout);
}

}  // namespace dnskit::test
