#pragma once
// The names an async_query asks for, worked out from the text when the operation is initiated:
// the operation then owns parsed names, not a copy of the caller's text.
#include <boost/container/small_vector.hpp>

#include "dnskit/dns/name.hpp"
#include "dnskit/resolver/error.hpp"

namespace dnskit::resolver::detail {

// Without a search list a query has one candidate name: kept inline, no allocation for the list.
using candidate_names = boost::container::small_vector<dns::name, 1>;

// Its implicit move is noexcept, as small_vector's is when the elements' moves are: moving a
// dns::name copies inline octets or steals a heap block, and never throws.
struct query_names {  // NOLINT(bugprone-exception-escape): see above
  candidate_names candidates;  // in the order they are asked (search list applied)
  error_code ec;               // errc::bad_name when the text is not a name
};

}  // namespace dnskit::resolver::detail
