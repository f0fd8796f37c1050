// --trace: iterative resolution (RFC 1034 §5.3.3) made visible. Starting from the root hints,
// each server is asked without recursion (RD=0); a referral names the servers of a zone closer
// to the name, with their addresses as glue; the walk goes on until a server answers with
// authority, says the name does not exist, or has no such record. A CNAME restarts the walk
// for its target. Every question goes to the port of the settings (53 unless -port=).
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "commands.hpp"
#include "dnskit/dns/rdata.hpp"
#include "lookup.hpp"
#include "nslookup_format.hpp"
#include "session.hpp"

namespace dnskit::cli {
namespace {

struct ns_server {
  dns::name name;
  std::vector<boost::asio::ip::address> addresses;
};

struct hints {
  std::vector<ns_server> servers;
  std::string error;
};

// A root hints file (named.root's format): NS records for "." and A/AAAA for their names.
hints read_hints(const std::string& path) {
  hints h;
  std::ifstream in(path);
  if (!in) {
    h.error = "cannot read root hints '" + path + "'";
    return h;
  }
  std::vector<dns::record> records;
  std::string line;
  for (int n = 1; n <= 10000 && std::getline(in, line); ++n) {
    std::vector<dns::text_token> tokens;
    if (dns::tokenize(line, tokens) || tokens.empty()) continue;
    if (line[0] == ' ' || line[0] == '\t' || tokens[0].text.front() == '$') continue;
    std::error_code ec;
    dns::record r;
    r.owner = dns::name::from_text(tokens[0].text, ec);
    if (ec) continue;
    std::size_t i = 1;
    if (i < tokens.size() && !tokens[i].text.empty() && std::isdigit(static_cast<unsigned char>(tokens[i].text[0]))) {
      r.ttl = static_cast<std::uint32_t>(std::strtoul(std::string(tokens[i].text).c_str(), nullptr, 10));
      ++i;
    }
    if (i < tokens.size() && dns::rr_class_from_string(tokens[i].text)) ++i;
    if (i >= tokens.size()) continue;
    auto type = dns::rr_type_from_string(tokens[i].text);
    if (!type) continue;
    r.type = *type;
    ++i;
    if (dns::rdata_from_text(r.type, std::span(tokens).subspan(i), dns::name(), r.rdata)) {
      h.error = path + ":" + std::to_string(n) + ": bad record";
      return h;
    }
    records.push_back(std::move(r));
  }
  for (const dns::record& r : records) {
    if (r.type != dns::rr_type::ns || !r.owner.is_root()) continue;
    if (auto target = dns::rdata_name(r.rdata)) h.servers.push_back({*target, {}});
  }
  for (ns_server& s : h.servers) {
    for (const dns::record& r : records) {
      if (!(r.owner == s.name)) continue;
      if (auto a = dns::a_address(r.rdata); a && r.type == dns::rr_type::a) {
        s.addresses.emplace_back(boost::asio::ip::address_v4(*a));
      } else if (auto a6 = dns::aaaa_address(r.rdata); a6 && r.type == dns::rr_type::aaaa) {
        s.addresses.emplace_back(boost::asio::ip::address_v6(*a6));
      }
    }
  }
  if (h.servers.empty()) h.error = "no NS records for the root in '" + path + "'";
  return h;
}

class tracer {
 public:
  // Each server asked is a channel of the run's session (iteration asks one server at a time).
  tracer(session& sess, const settings& s, const style& st, hints h)
      : sess_(sess), settings_(s), style_(st), hints_(std::move(h)) {}

  // Resolves qname/type; prints each step at `indent`. The addresses found (for glue-less NS
  // names) go to `found`.
  bool resolve(dns::name qname, dns::rr_type type, int depth, std::vector<boost::asio::ip::address>* found) {
    const std::string pad(static_cast<std::size_t>(depth) * 4, ' ');
    dns::name zone;  // the root
    std::vector<ns_server> servers = hints_.servers;
    std::string source = "the root hints";
    for (int restarts = 0; restarts < 8; ++restarts) {
      bool restart = false;
      for (int hop = 0; hop < 24 && !restart; ++hop) {
        if (++questions_ > 200) {
          out(pad + ";; giving up: more than 200 questions\n");
          return false;
        }
        // Servers without glue: their addresses are looked up first, from the root too.
        for (ns_server& srv : servers) {
          if (!srv.addresses.empty() || depth >= 3) continue;
          out(pad + ";; no address was given for " + srv.name.to_text() + ": looking it up first\n");
          std::vector<boost::asio::ip::address> addrs;
          resolve(srv.name, dns::rr_type::a, depth + 1, &addrs);
          srv.addresses = addrs;
          if (!addrs.empty()) break;
        }
        exchange ex;
        const ns_server* asked = nullptr;
        for (const ns_server& srv : servers) {
          for (const auto& addr : srv.addresses) {
            settings one = settings_;
            one.server.addresses = {addr};
            one.server.userarg = addr.to_string();
            one.server_from_resolv_conf = false;
            one.recurse = false;
            out(pad + style_.paint(role::heading, ";; step " + std::to_string(++steps_) + ": asking " + srv.name.to_text() +
                                                      " (" + addr.to_string() + "#" + std::to_string(settings_.port) +
                                                      "), a server for \"" + zone.to_text() + "\" from " + source) + "\n");
            out(pad + ";;   question: " + qname.to_text() + " " + dns::to_string(type) + ", recursion not desired (RD=0)\n");
            ex = sess_.ask(one, qname, type);
            if (ex.has_response) {
              asked = &srv;
              break;
            }
            out(pad + ";;   no answer (" + (ex.error == resolver::errc::timeout ? std::string("timed out") : ex.error.message()) +
                "), trying the next server\n");
          }
          if (asked != nullptr) break;
        }
        if (asked == nullptr) {
          out(pad + ";; no server of \"" + zone.to_text() + "\" could be reached\n");
          return false;
        }
        const dns::message& m = ex.response;
        char timing[64];
        std::snprintf(timing, sizeof timing, "%.3f ms", ex.time_ms);
        out(pad + ";;   " + dns::to_string(m.rcode()) + (m.hdr.aa ? ", authoritative" : "") + ", " +
            std::to_string(ex.bytes_received) + " bytes in " + timing + "\n");
        if (m.rcode() == dns::rcode::nxdomain) {
          records(pad, "authority", m.authority);
          out(pad + style_.paint(role::error, ";; " + qname.to_text() + " does not exist (NXDOMAIN)") + "\n");
          return false;
        }
        if (m.rcode() != dns::rcode::noerror) {
          out(pad + style_.paint(role::error, ";; the server said " + dns::to_string(m.rcode())) + "\n");
          return false;
        }
        if (!m.answer.empty()) {
          records(pad, "answer", m.answer);
          dns::name target = chase_cname(m.answer, qname);
          std::vector<std::string> data;
          for (const dns::record& r : m.answer) {
            if (r.owner == target && (r.type == type || type == dns::rr_type::any)) {
              data.push_back(dns::rdata_to_text(r.type, r.rdata));
              if (found != nullptr) {
                if (auto a = dns::a_address(r.rdata); a && r.type == dns::rr_type::a) found->emplace_back(boost::asio::ip::address_v4(*a));
              }
            }
          }
          if (!data.empty()) {
            std::string joined;
            for (const auto& d : data) joined += (joined.empty() ? "" : ", ") + d;
            out(pad + style_.paint(role::name, ";; answer: " + qname.to_text() + " " + dns::to_string(type) + " = ") +
                style_.paint(role::address, joined) + " (" + std::to_string(steps_) + " questions)\n");
            return true;
          }
          if (!(target == qname) && type != dns::rr_type::cname) {
            out(pad + ";; " + qname.to_text() + " is an alias of " + target.to_text() +
                ": starting again from the root for it\n");
            qname = target;
            zone = dns::name();
            servers = hints_.servers;
            source = "the root hints";
            restart = true;
            continue;
          }
          return true;
        }
        // A referral: NS records in the authority section for a zone closer to the name.
        std::vector<ns_server> next;
        dns::name next_zone;
        for (const dns::record& r : m.authority) {
          if (r.type != dns::rr_type::ns) continue;
          if (!qname.is_subdomain_of(r.owner) || !r.owner.is_subdomain_of(zone) || r.owner == zone) continue;
          if (auto target = dns::rdata_name(r.rdata)) {
            next_zone = r.owner;
            next.push_back({*target, {}});
          }
        }
        if (next.empty()) {
          records(pad, "authority", m.authority);
          out(pad + ";; " + qname.to_text() + " exists but has no " + dns::to_string(type) + " record (NODATA)\n");
          return false;
        }
        std::vector<dns::record> ns_records, glue;
        for (const dns::record& r : m.authority) {
          if (r.type == dns::rr_type::ns && r.owner == next_zone) ns_records.push_back(r);
        }
        for (ns_server& srv : next) {
          for (const dns::record& r : m.additional) {
            if (!(r.owner == srv.name)) continue;
            if (auto a = dns::a_address(r.rdata); a && r.type == dns::rr_type::a) {
              srv.addresses.emplace_back(boost::asio::ip::address_v4(*a));
              glue.push_back(r);
            } else if (auto a6 = dns::aaaa_address(r.rdata); a6 && r.type == dns::rr_type::aaaa) {
              srv.addresses.emplace_back(boost::asio::ip::address_v6(*a6));
              glue.push_back(r);
            }
          }
        }
        out(pad + ";;   referral: \"" + next_zone.to_text() + "\" is delegated to\n");
        for (const dns::record& r : ns_records) out(pad + r.to_text() + "\n");
        if (!glue.empty()) {
          out(pad + ";;   glue (their addresses, given with the referral):\n");
          for (const dns::record& r : glue) out(pad + r.to_text() + "\n");
        }
        zone = next_zone;
        servers = std::move(next);
        source = "the referral";
      }
      if (!restart) break;
    }
    out(pad + ";; giving up: too many referrals\n");
    return false;
  }

 private:
  void out(const std::string& text) {
    std::fwrite(text.data(), 1, text.size(), stdout);
  }
  void records(const std::string& pad, const char* what, const std::vector<dns::record>& list) {
    if (list.empty()) return;
    out(pad + ";;   " + what + ":\n");
    for (const dns::record& r : list) out(pad + r.to_text() + "\n");
  }

  session& sess_;
  const settings& settings_;
  style style_;
  hints hints_;
  int steps_ = 0;
  int questions_ = 0;
};

}  // namespace

int run_trace(session& sess, const settings& s, const style& st, std::string_view input) {
  std::string path = s.root_hints;
  if (path.empty()) {
    path = "/usr/share/dns/root.hints";  // Debian's dns-root-data
    if (!std::ifstream(path)) {
      std::fprintf(stderr, "dnslookup: --trace needs --root-hints FILE (no %s here)\n", path.c_str());
      return 1;
    }
  }
  hints h = read_hints(path);
  if (!h.error.empty()) {
    std::fprintf(stderr, "dnslookup: %s\n", h.error.c_str());
    return 1;
  }
  lookup_request req = plan_lookup(s, input);
  if (!req.error.empty()) {
    std::fprintf(stderr, "dnslookup: %s\n", req.error.c_str());
    return 1;
  }
  const dns::rr_type type = req.reverse ? dns::rr_type::ptr : (s.types.empty() ? dns::rr_type::a : s.types.front());
  std::printf(";; tracing %s %s from the root: %zu root server%s in %s\n", req.candidates.back().to_text().c_str(),
              dns::to_string(type).c_str(), h.servers.size(), h.servers.size() == 1 ? "" : "s", path.c_str());
  tracer t(sess, s, st, std::move(h));
  // The name as typed (absolute): a trace does not use the search list.
  const bool ok = t.resolve(req.qname, type, 0, nullptr);
  std::fflush(stdout);
  return ok ? 0 : 1;
}

}  // namespace dnskit::cli
