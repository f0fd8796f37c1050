// `ls [-t TYPE | -d] DOMAIN`: the zone listing older nslookups had, done by a zone transfer
// from the current server. Without an option: address and name server records; `-t TYPE`:
// that type; `-d`: every record.
#include <cstdio>

#include "commands.hpp"
#include "dnskit/dns/rdata.hpp"
#include "nslookup_format.hpp"

namespace dnskit::cli {
namespace {

std::string relative_owner(const dns::name& owner, const dns::name& zone) {
  if (owner == zone) return zone.to_text();
  std::string text = owner.to_text();
  std::string suffix = "." + zone.to_text();
  if (!zone.is_root() && owner.is_subdomain_of(zone) && text.size() > suffix.size()) {
    return text.substr(0, text.size() - suffix.size());
  }
  return text;
}

}  // namespace

bool run_ls(session& sess, const settings& s, const std::vector<std::string>& args, std::string& out, std::string& err) {
  std::optional<dns::rr_type> only;
  bool all = false;
  std::string domain;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "-d") {
      all = true;
    } else if (args[i] == "-t" && i + 1 < args.size()) {
      only = parse_type(args[++i]);
      if (!only) {
        out += "unknown query type: " + args[i] + "\n";
        return false;
      }
    } else if (args[i].rfind("-t", 0) == 0 && args[i].size() > 2) {
      only = parse_type(args[i].substr(2));
      if (!only) {
        out += "unknown query type: " + args[i].substr(2) + "\n";
        return false;
      }
    } else if (domain.empty() && args[i][0] != '-') {
      domain = args[i];
    } else {
      out += "usage: ls [-t TYPE | -d] DOMAIN\n";
      return false;
    }
  }
  if (domain.empty()) {
    out += "usage: ls [-t TYPE | -d] DOMAIN\n";
    return false;
  }
  std::error_code ec;
  dns::name zone = dns::name::from_text(domain, ec);
  if (ec) {
    err += "dnslookup: '" + domain + "' is not a legal name\n";
    return false;
  }
  if (s.server.addresses.empty()) {
    err += "dnslookup: no server to ask\n";
    return false;
  }
  out += "[" + s.server.userarg + "]\n";
  flush_output(out, err);
  // Each message's records are printed as they come (a zone may be larger than memory).
  std::size_t shown = 0;
  std::size_t listed = 0;
  auto print = [&](const dns::message&, std::span<const dns::record> records, bool closing) {
    if (closing) records = records.first(records.size() - 1);  // the closing SOA repeats the first
    for (const dns::record& rec : records) {
      ++listed;
      const bool wanted = all || (only ? rec.type == *only
                                       : (rec.type == dns::rr_type::a || rec.type == dns::rr_type::aaaa ||
                                          rec.type == dns::rr_type::ns));
      if (!wanted) continue;
      std::string owner = " " + relative_owner(rec.owner, zone);
      if (owner.size() < 31) owner.resize(31, ' ');
      std::string type = dns::to_string(rec.type);
      if (type.size() < 6) type.resize(6, ' ');
      std::string data = rec.type == dns::rr_type::ns ? "server = " + display_name(*dns::rdata_name(rec.rdata))
                                                      : dns::rdata_to_text(rec.type, rec.rdata);
      out += owner + " " + type + " " + data + "\n";
      ++shown;
    }
    flush_output(out, err);
  };
  const transfer_outcome r = sess.transfer(s, zone, print);
  if (r.error) {
    out += "*** Can't list domain " + domain + ": " + transfer_error_text(s, r) + "\n";
    return false;
  }
  char summary[96];
  std::snprintf(summary, sizeof summary, ";; %zu of %zu records shown (%zu messages)\n", shown, listed, r.result.messages);
  out += summary;
  return true;
}

}  // namespace dnskit::cli
