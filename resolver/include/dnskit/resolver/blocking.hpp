#pragma once
// Blocking convenience functions for simple programs: each makes a resolver on a private
// io_context, runs one operation to its end and returns. Asio's dual form: the error_code&
// overloads never throw for DNS outcomes (and still return the response for NXDOMAIN, NODATA,
// SERVFAIL, REFUSED...); the others throw boost::system::system_error on any error.
// Safe to call from several threads at once (nothing is shared).
#include <string>
#include <string_view>
#include <vector>

#include "dnskit/dns/message.hpp"
#include "dnskit/resolver/resolver.hpp"

namespace dnskit::resolver {

dns::message query(std::string_view name, dns::rr_type type, const options& opts,
                   const query_options& qopts, error_code& ec);
dns::message query(std::string_view name, dns::rr_type type, const options& opts = {},
                   const query_options& qopts = {});

resolve_result resolve(std::string_view host, const options& opts, const resolve_options& ropts,
                       error_code& ec);
resolve_result resolve(std::string_view host, const options& opts = {},
                       const resolve_options& ropts = {});

std::vector<std::string> reverse(const boost::asio::ip::address& address, const options& opts,
                                 const query_options& qopts, error_code& ec);
std::vector<std::string> reverse(const boost::asio::ip::address& address, const options& opts = {},
                                 const query_options& qopts = {});

}  // namespace dnskit::resolver
