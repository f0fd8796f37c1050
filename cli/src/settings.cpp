#include "settings.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <chrono>

#include "dnskit/dns/edns_option.hpp"

namespace dnskit::cli {
namespace {

bool iequals_prefix(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[i])) !=
        std::tolower(static_cast<unsigned char>(prefix[i])))
      return false;
  }
  return true;
}

// nslookup's CHECKOPT: `word` is an abbreviation of `full` at least `min` characters long.
bool abbreviates(std::string_view word, std::string_view full, std::size_t min) {
  return word.size() >= min && word.size() <= full.size() && iequals_prefix(full, word);
}

// `value` after one of the spellings in `keys` ("type=", "ty=", ...); nothing when none matches.
std::optional<std::string_view> value_of(std::string_view keyword,
                                         std::initializer_list<std::string_view> keys) {
  for (std::string_view k : keys) {
    if (iequals_prefix(keyword, k)) return keyword.substr(k.size());
  }
  return std::nullopt;
}

std::optional<int> parse_int(std::string_view text, int lo, int hi) {
  int v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || end != text.data() + text.size() || v < lo || v > hi) return std::nullopt;
  return v;
}

std::vector<std::string_view> split(std::string_view text, char sep) {
  std::vector<std::string_view> out;
  while (true) {
    auto pos = text.find(sep);
    out.push_back(text.substr(0, pos));
    if (pos == std::string_view::npos) break;
    text.remove_prefix(pos + 1);
  }
  return out;
}

option_result set_types(settings& s, std::string_view value, bool accumulate) {
  std::vector<dns::rr_type> types;
  for (std::string_view part : split(value, ',')) {
    auto t = parse_type(part);
    if (!t) return {false, false, "unknown query type: " + std::string(value)};
    types.push_back(*t);
  }
  if (accumulate && !s.types.empty()) {
    s.types.insert(s.types.end(), types.begin(), types.end());
    s.type_text += "," + std::string(value);
  } else {
    s.types = std::move(types);
    s.type_text = std::string(value);
  }
  return {};
}

}  // namespace

resolver::query_options question_options(const settings& s) {
  resolver::query_options q;
  q.qclass = s.qclass;
  q.recursion_desired = s.recurse;
  q.dnssec_ok = s.dnssec;
  q.checking_disabled = s.cd;
  if (s.nsid) {
    // RFC 5001 §2.3: NSID, empty in a query.
    q.edns_options.push_back({static_cast<std::uint16_t>(dns::edns_option_code::nsid), {}});
  }
  if (s.cookie) {
    // RFC 7873 §4.1: a client cookie, unpredictable to an off-path attacker.
    std::vector<std::uint8_t> client(dns::client_cookie_size);
    ::arc4random_buf(client.data(), client.size());
    q.edns_options.push_back(
        {static_cast<std::uint16_t>(dns::edns_option_code::cookie), std::move(client)});
  }
  return q;
}

std::optional<dns::rr_type> parse_type(std::string_view text) {
  if (text.empty()) return std::nullopt;
  return dns::rr_type_from_string(text);
}

option_result apply_option(settings& s, std::string_view opt, bool accumulate) {
  option_result invalid{false, false, "*** Invalid option: " + std::string(opt)};
  if (abbreviates(opt, "all", 3)) return {true, true, {}};
  if (auto v = value_of(opt, {"class=", "cl="})) {
    auto c = dns::rr_class_from_string(*v);
    if (!c || v->empty()) return {false, false, "unknown query class: " + std::string(*v)};
    s.qclass = *c;
    s.class_text = std::string(*v);
    return {};
  }
  if (auto v = value_of(opt, {"type=", "ty=", "querytype=", "query=", "qu=", "q="})) {
    return set_types(s, *v, accumulate);
  }
  if (auto v = value_of(opt, {"domain=", "do="})) {
    // nslookup: the search list becomes this one domain, and searching is switched on.
    std::string domain(*v);
    while (!domain.empty() && domain.back() == '.') domain.pop_back();
    s.search_list.clear();
    if (!domain.empty()) s.search_list.push_back(domain);
    s.search = true;
    return {};
  }
  if (auto v = value_of(opt, {"port=", "po="})) {
    auto n = parse_int(*v, 1, 65535);
    if (!n) return invalid;
    s.port = static_cast<std::uint16_t>(*n);
    return {};
  }
  if (auto v = value_of(opt, {"timeout=", "t="})) {
    auto n = parse_int(*v, 0, 3600);
    if (!n) return invalid;
    s.timeout = *n;
    return {};
  }
  if (auto v = value_of(opt, {"retry=", "ret="})) {
    auto n = parse_int(*v, 0, 100);
    if (!n) return invalid;
    s.tries = std::max(1, *n);
    return {};
  }
  if (auto v = value_of(opt, {"ndots="})) {
    auto n = parse_int(*v, 0, 128);
    if (!n) return invalid;
    s.ndots = *n;
    return {};
  }
  struct flag {
    std::string_view name;
    std::size_t min;
    void (*apply)(settings&);
  };
  static constexpr flag flags[] = {
      {"recurse", 3, [](settings& x) { x.recurse = true; }},
      {"norecurse", 5, [](settings& x) { x.recurse = false; }},
      {"defname", 3, [](settings& x) { x.search = true; }},
      {"nodefname", 5, [](settings& x) { x.search = false; }},
      {"vc", 2, [](settings& x) { x.vc = true; x.vc_set = true; }},
      {"novc", 4, [](settings& x) { x.vc = false; x.vc_set = true; }},
      {"debug", 3, [](settings& x) { x.debug = true; }},
      {"nodebug", 5, [](settings& x) { x.debug = false; }},
      {"d2", 2, [](settings& x) { x.d2 = true; x.debug = true; }},
      {"nod2", 4, [](settings& x) { x.d2 = false; }},
      {"search", 3, [](settings& x) { x.search = true; }},
      {"nosearch", 5, [](settings& x) { x.search = false; }},
      {"sil", 3, [](settings&) {}},
      {"fail", 3, [](settings& x) { x.fail = true; }},
      {"nofail", 5, [](settings& x) { x.fail = false; }},
  };
  for (const flag& f : flags) {
    if (abbreviates(opt, f.name, f.min)) {
      f.apply(s);
      return {};
    }
  }
  return invalid;
}

void apply_resolv_conf(settings& s, const resolver::resolv_conf& conf) {
  if (conf.search) s.search_list = *conf.search;
  if (conf.ndots) s.ndots = *conf.ndots;
  if (conf.timeout) s.timeout = static_cast<int>(std::chrono::duration_cast<std::chrono::seconds>(*conf.timeout).count());
  if (conf.attempts) s.tries = *conf.attempts;
}

std::string settings_text(const settings& s, bool servers_only) {
  std::string out;
  for (const auto& a : s.server.addresses) {
    // nslookup names each server as it was given; resolv.conf's are addresses.
    out += "Default server: " + (s.server_from_resolv_conf ? a.to_string() : s.server.userarg) + "\n";
    out += "Address: " + a.to_string() + "#" + std::to_string(s.port) + "\n";
  }
  if (servers_only) return out;
  out += "\nSet options:\n";
  out += std::string("  ") + (s.vc ? "vc" : "novc") + "\t\t\t" + (s.debug ? "debug" : "nodebug") +
         "\t\t" + (s.d2 ? "d2" : "nod2") + "\n";
  out += std::string("  ") + (s.search ? "search" : "nosearch") + "\t\t" +
         (s.recurse ? "recurse" : "norecurse") + "\n";
  out += "  timeout = " + std::to_string(s.timeout) + "\t\tretry = " + std::to_string(s.tries) +
         "\tport = " + std::to_string(s.port) + "\tndots = " + std::to_string(s.ndots) + "\n";
  std::string type = s.type_text;
  if (type.size() < 8) type.resize(8, ' ');
  out += "  querytype = " + type + "\tclass = " + s.class_text + "\n";
  out += "  srchlist = ";
  for (std::size_t i = 0; i < s.search_list.size(); ++i) {
    if (i) out += "/";
    out += s.search_list[i];
  }
  out += "\n";
  return out;
}

}  // namespace dnskit::cli
