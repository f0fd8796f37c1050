#pragma once
// The search list applied to a name, as res_search and c-ares do it, for programs that ask
// each candidate themselves (a lookup tool that shows every step). async_query with
// query_options::search uses the same order.
#include <string_view>
#include <string>
#include <vector>

#include "dnskit/dns/name.hpp"
#include "dnskit/resolver/error.hpp"

namespace dnskit::resolver {

// The names to ask for `text`, in order: the name alone when it ends with a dot (absolute);
// otherwise as typed first when it has at least `ndots` dots, then under each of `domains`,
// and as typed last when it has fewer. UTF-8 text is taken in its IDNA2008 form (idn.hpp);
// search domains that are not names, or too long under one, are skipped. Errors:
// errc::bad_name (empty text, not a name, not a valid IDN), with no names.
std::vector<dns::name> search_names(std::string_view text, const std::vector<std::string>& domains, int ndots,
                                    error_code& ec);

}  // namespace dnskit::resolver
