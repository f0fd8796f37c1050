#pragma once
// Errors of the resolver: one enum and one category, as Asio's error.hpp does it.
//
// Values 1..25 are c-ares's ARES_* status codes one to one (ARES_ENODATA == errc::nodata, ...),
// so a c-ares status converts without a table. The DNS outcomes a caller must tell apart are all
// among them: NODATA, FORMERR, SERVFAIL, NXDOMAIN (ARES_ENOTFOUND), NOTIMP, REFUSED, timeout,
// connection refused, bad name. Values from 64 up are dnskit's own.
//
// The codes are boost::system::error_code (what Asio completion signatures carry); every one
// converts implicitly to std::error_code, and `ec == errc::nxdomain` works with both.
// Cancellation (resolver::cancel(), destruction, a cancel_token) is reported as
// boost::asio::error::operation_aborted, never as errc::cancelled or errc::destruction.
#include <cstdint>
#include <system_error>
#include <type_traits>

#include "dnskit/dns/rr_type.hpp"
#include "dnskit/resolver/detail/asio.hpp"

namespace dnskit::resolver {

using error_code = boost::system::error_code;

enum class errc {
  nodata = 1,               // ARES_ENODATA: NOERROR without an answer of the type asked
  formerr = 2,              // ARES_EFORMERR: the server said FORMERR
  servfail = 3,             // ARES_ESERVFAIL: the server said SERVFAIL
  nxdomain = 4,             // ARES_ENOTFOUND: the name does not exist (NXDOMAIN)
  notimp = 5,               // ARES_ENOTIMP: the server said NOTIMP
  refused = 6,              // ARES_EREFUSED: the server said REFUSED
  bad_query = 7,            // ARES_EBADQUERY
  bad_name = 8,             // ARES_EBADNAME: the name is not a valid domain name
  bad_family = 9,           // ARES_EBADFAMILY
  bad_response = 10,        // ARES_EBADRESP: the response could not be decoded
  connection_refused = 11,  // ARES_ECONNREFUSED: no server could be contacted
  timeout = 12,             // ARES_ETIMEOUT: no answer in time (also a per-query deadline)
  eof = 13,                 // ARES_EOF
  file_error = 14,          // ARES_EFILE: resolv.conf or the hosts file could not be read
  no_memory = 15,           // ARES_ENOMEM
  destruction = 16,         // ARES_EDESTRUCTION (reported as operation_aborted)
  bad_string = 17,          // ARES_EBADSTR
  bad_flags = 18,           // ARES_EBADFLAGS
  no_name = 19,             // ARES_ENONAME: not a numeric address where one was required
  bad_hints = 20,           // ARES_EBADHINTS
  not_initialized = 21,     // ARES_ENOTINITIALIZED
  load_iphlpapi = 22,       // ARES_ELOADIPHLPAPI (Windows only)
  addr_get_network_params = 23,  // ARES_EADDRGETNETWORKPARAMS (Windows only)
  cancelled = 24,           // ARES_ECANCELLED (reported as operation_aborted)
  bad_service = 25,         // ARES_ESERVICE

  // dnskit's own
  other_rcode = 64,         // a response whose rcode has no value above (YXDOMAIN, NOTAUTH, BADVERS...)
  bad_server = 65,          // a server address in options that does not parse
  bad_option = 66,          // another option out of range
  transfer_time_limit = 67,  // a zone transfer did not end within transfer_options::deadline
  bad_transfer = 68,        // a transfer message broke RFC 5936 §2.2 (no SOA first, empty, another ID)
  bad_signature = 69,       // a TSIG-signed exchange whose signature did not verify (RFC 8945 §5.3)
};

// The category's name is "dnskit.resolver"; messages are c-ares's for 1..25.
const boost::system::error_category& category() noexcept;

inline boost::system::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), category()};
}

// A c-ares status as an error code: ARES_SUCCESS -> no error; ARES_EDESTRUCTION and
// ARES_ECANCELLED -> boost::asio::error::operation_aborted; the rest -> errc of the same value.
boost::system::error_code from_ares_status(int status) noexcept;

// The error a response code stands for: NOERROR -> no error, NXDOMAIN -> errc::nxdomain,
// SERVFAIL, REFUSED, FORMERR, NOTIMP -> their errc, anything else -> errc::other_rcode.
boost::system::error_code from_rcode(dns::rcode rc) noexcept;

}  // namespace dnskit::resolver

template <>
struct boost::system::is_error_code_enum<dnskit::resolver::errc> : std::true_type {};
// std::error_code{errc::nxdomain} also works: it goes through the Boost code's conversion.
template <>
struct std::is_error_code_enum<dnskit::resolver::errc> : std::true_type {};
