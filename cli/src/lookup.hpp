#pragma once
// One lookup as nslookup does it, independent of how it is shown: an address becomes a PTR
// question for its reverse name; a name is tried with the search list; without an explicit
// type, A is asked first and then AAAA for the name the A answer's CNAME chain ends at.
// Each exchange is reported as a `step` to a sink as soon as it is done, so the output can
// follow the network as it happens.
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "session.hpp"

namespace dnskit::cli {

struct step {
  exchange ex;
  dns::rr_type type = dns::rr_type::a;
  bool intermediate = false;  // a search-list candidate that failed; another follows
  bool follow_up = false;     // the AAAA of the default pair
  bool default_pair = false;  // part of nslookup's default A + AAAA
  std::string textname;       // nslookup's "*** Can't find <textname>: No answer"
};

struct lookup_request {
  std::string input;  // as typed
  bool reverse = false;
  dns::name qname;               // absolute name (or the reverse name)
  std::vector<dns::name> candidates;  // names to ask, in order, after the search list
  std::vector<dns::rr_type> types;    // explicit types, or {A} for the default pair
  bool default_pair = false;
  std::string error;                  // non-empty: the input is not a usable name
};

// Works out what to ask for `input` under `s` (IDN, address, search list, types): the
// library's IDN conversion and search order (resolver::search_names).
lookup_request plan_lookup(const settings& s, std::string_view input);

struct lookup_summary {
  bool rcode_error = false;  // some response had an rcode other than NOERROR
  bool unreachable = false;  // some question got no answer from any server
  bool any_response = false;
};

using step_sink = std::function<void(const step&)>;

// Runs the plan through `sess` under `s`, reporting each exchange to `sink` in order.
lookup_summary run_lookup(session& sess, const settings& s, const lookup_request& req, const step_sink& sink);

// The name a CNAME chain in `answer` leads to from `start` (RFC 1034 §3.6.2), at most 16 links.
dns::name chase_cname(const std::vector<dns::record>& answer, const dns::name& start);

}  // namespace dnskit::cli
