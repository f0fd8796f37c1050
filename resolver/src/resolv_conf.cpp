#include "dnskit/resolver/resolv_conf.hpp"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <sstream>
#include <string_view>

namespace dnskit::resolver {
namespace {

// "timeout:5" -> 5 when `word` starts with `key`; nothing otherwise or when not a number.
std::optional<int> number_after(std::string_view word, std::string_view key) {
  if (word.substr(0, key.size()) != key) return std::nullopt;
  const std::string_view digits = word.substr(key.size());
  int v = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
  if (digits.empty() || ec != std::errc{} || end != digits.data() + digits.size() || v < 0) return std::nullopt;
  return v;
}

// glibc's MAXNS: the name servers after the third are ignored.
constexpr std::size_t max_nameservers = 3;

}  // namespace

resolv_conf read_resolv_conf(const std::string& path) {
  resolv_conf out;
  std::ifstream in(path);
  if (!in) return out;
  std::string line;
  // A bound on the lines read: the file is the system's, but nothing here trusts its size.
  for (int lines = 0; lines < 10000 && std::getline(in, line); ++lines) {
    if (const auto pos = line.find_first_of("#;"); pos != std::string::npos) line.resize(pos);
    std::istringstream words(line);
    std::string key;
    if (!(words >> key)) continue;
    if (key == "nameserver") {
      std::string text;
      words >> text;
      boost::system::error_code ec;
      const auto address = boost::asio::ip::make_address(text, ec);
      if (!ec && out.nameservers.size() < max_nameservers) out.nameservers.push_back(address);
    } else if (key == "search" || key == "domain") {
      std::vector<std::string> domains;
      for (std::string d; words >> d;) {
        while (!d.empty() && d.back() == '.') d.pop_back();
        if (!d.empty()) domains.push_back(std::move(d));
      }
      out.search = std::move(domains);
    } else if (key == "options") {
      for (std::string w; words >> w;) {
        // glibc's res_init: timeout capped at RES_MAXRETRANS (30 s), attempts at RES_MAXRETRY
        // (5), ndots at RES_MAXNDOTS (15).
        if (auto t = number_after(w, "timeout:")) {
          out.timeout = std::chrono::seconds(std::clamp(*t, 1, 30));
        } else if (auto a = number_after(w, "attempts:")) {
          out.attempts = std::clamp(*a, 1, 5);
        } else if (auto n = number_after(w, "ndots:")) {
          out.ndots = std::min(*n, 15);
        } else if (w == "rotate") {
          out.rotate = true;
        } else if (w == "edns0") {
          out.edns0 = true;
        } else if (w == "use-vc" || w == "usevc") {
          out.use_vc = true;
        }
      }
    }
  }
  return out;
}

}  // namespace dnskit::resolver
