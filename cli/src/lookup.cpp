#include "lookup.hpp"

#include <algorithm>

#include "dnskit/dns/errc.hpp"
#include "dnskit/resolver/idn.hpp"
#include "dnskit/resolver/search.hpp"

namespace dnskit::cli {
namespace {

std::string reason_text(const std::error_code& ec) {
  if (ec == dns::errc::empty_label) return "empty label";
  if (ec == dns::errc::label_too_long) return "label too long";
  if (ec == dns::errc::name_too_long) return "name too long";
  if (ec == dns::errc::bad_escape) return "bad escape";
  return ec.message();
}

// Whether `text` may be an IP address at all: IPv6 text holds a colon, IPv4 text (inet_pton's
// dotted quad) only digits and dots. Most names are neither and skip the parse (bulk mode asks
// this of every name).
bool may_be_address(std::string_view text) noexcept {
  if (text.find(':') != std::string_view::npos) return true;
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return (c >= '0' && c <= '9') || c == '.'; });
}

}  // namespace

dns::name chase_cname(const std::vector<dns::record>& answer, const dns::name& start) {
  dns::name current = start;
  for (int links = 0; links < 16; ++links) {
    auto it = std::find_if(answer.begin(), answer.end(), [&](const dns::record& r) {
      return r.type == dns::rr_type::cname && r.owner == current;
    });
    if (it == answer.end()) break;
    auto target = dns::rdata_name(it->rdata);
    if (!target) break;
    current = *target;
  }
  return current;
}

lookup_request plan_lookup(const settings& s, std::string_view input) {
  lookup_request req;
  req.input = std::string(input);
  req.default_pair = s.default_lookups();
  req.types = s.default_lookups() ? std::vector<dns::rr_type>{dns::rr_type::a} : s.types;

  boost::system::error_code addr_ec = boost::asio::error::invalid_argument;
  boost::asio::ip::address address;
  if (may_be_address(input)) address = boost::asio::ip::make_address(std::string(input), addr_ec);
  if (!addr_ec) {
    // nslookup turns an address into a PTR question whatever type is set.
    req.reverse = true;
    req.qname = resolver::reverse_name(address);
    req.candidates = {req.qname};
    req.types = {dns::rr_type::ptr};
    return req;
  }

  std::string idn_error;
  auto ascii = resolver::to_ascii_name(input, idn_error);
  if (!ascii) {
    req.error = "'" + std::string(input) + "' is not a legal name (" + idn_error + ")";
    return req;
  }
  std::error_code ec;
  req.qname = dns::name::from_text(*ascii, ec);
  if (ec || ascii->empty()) {
    req.error = "'" + std::string(input) + "' is not a legal name (" +
                (ascii->empty() ? std::string("empty name") : reason_text(ec)) + ")";
    return req;
  }
  // res_search's order (and dig's engine): as typed first when it has at least ndots dots,
  // otherwise after the search domains; the library knows it.
  resolver::error_code search_ec;
  const std::vector<std::string> no_domains;
  std::vector<dns::name> names =
      resolver::search_names(*ascii, s.search ? s.search_list : no_domains, s.ndots, search_ec);
  if (search_ec || names.empty()) {
    req.error = "'" + std::string(input) + "' is not a legal name (" + search_ec.message() + ")";
    return req;
  }
  req.candidates = std::move(names);
  return req;
}

lookup_summary run_lookup(session& sess, const settings& s, const lookup_request& req, const step_sink& sink) {
  lookup_summary summary;

  // Asks each candidate in turn; NXDOMAIN moves on to the next one (dig's next_origin()).
  // Returns false when no server answered.
  auto ask_all = [&](dns::rr_type type, const std::vector<dns::name>& candidates, bool follow_up,
                     const std::string& textname, step& last) -> bool {
    for (std::size_t i = 0; i < candidates.size(); ++i) {
      step st;
      st.type = type;
      st.follow_up = follow_up;
      st.default_pair = req.default_pair;
      st.textname = textname;
      st.ex = sess.ask(s, candidates[i], type);
      // resolv.conf's servers: an answer without RA is no use for a recursive question, so
      // nslookup moves on to the next server (its check_ra).
      std::size_t next_server = 1;
      while (st.ex.has_response && s.server_from_resolv_conf && s.recurse && !st.ex.response.hdr.ra &&
             next_server < s.server.addresses.size()) {
        st.intermediate = true;
        sink(st);
        st.intermediate = false;
        st.ex = sess.ask(s, candidates[i], type, next_server++);
      }
      if (!st.ex.has_response) {
        summary.unreachable = true;
        sink(st);
        last = std::move(st);
        return false;
      }
      summary.any_response = true;
      const bool more = i + 1 < candidates.size();
      if (st.ex.response.rcode() == dns::rcode::nxdomain && more) {
        st.intermediate = true;
        sink(st);
        continue;
      }
      if (st.ex.response.rcode() != dns::rcode::noerror) summary.rcode_error = true;
      sink(st);
      last = std::move(st);
      return true;
    }
    return true;
  };

  for (dns::rr_type type : req.types) {
    step last;
    const bool reached = ask_all(type, req.candidates, false, req.input, last);
    if (!reached) break;
    if (req.default_pair && type == dns::rr_type::a && last.ex.response.rcode() == dns::rcode::noerror) {
      // The AAAA half asks the name the A answer's CNAME chain ends at, as it is (no search).
      dns::name target = chase_cname(last.ex.response.answer, last.ex.question.qname);
      std::string text = target.to_text();
      if (text.size() > 1) text.pop_back();
      step aaaa;
      if (!ask_all(dns::rr_type::aaaa, {target}, true, text, aaaa)) break;
    }
  }
  return summary;
}

}  // namespace dnskit::cli
