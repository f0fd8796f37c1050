#include "dnskit/resolver/error.hpp"

#include <ares.h>

#include <string>

namespace dnskit::resolver {
namespace {

// Boost's error_category has a protected non-virtual destructor by design (categories are
// never deleted through the base); GCC's -Wnon-virtual-dtor does not know that.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnon-virtual-dtor"
class resolver_category final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "dnskit.resolver"; }

  std::string message(int value) const override {
    if (value >= ARES_ENODATA && value <= ARES_ESERVICE) return ares_strerror(value);
    switch (static_cast<errc>(value)) {
      case errc::other_rcode: return "DNS server returned an unexpected response code";
      case errc::bad_server: return "bad server address (expected ip, ip:port or [ipv6]:port)";
      case errc::bad_option: return "resolver option out of range";
      case errc::transfer_time_limit: return "the transfer did not end within its time limit";
      case errc::bad_transfer: return "the transfer broke the protocol (RFC 5936)";
      case errc::bad_signature: return "the TSIG signature did not verify";
      default: return "unknown resolver error " + std::to_string(value);
    }
  }
};
#pragma GCC diagnostic pop

}  // namespace

const boost::system::error_category& category() noexcept {
  static const resolver_category instance;
  return instance;
}

boost::system::error_code from_ares_status(int status) noexcept {
  switch (status) {
    case ARES_SUCCESS: return {};
    // Both mean "this request was dropped by the channel" (ares_cancel, ares_destroy): Asio's
    // word for that is operation_aborted.
    case ARES_EDESTRUCTION:
    case ARES_ECANCELLED: return boost::asio::error::operation_aborted;
    default: return {status, category()};
  }
}

boost::system::error_code from_rcode(dns::rcode rc) noexcept {
  switch (rc) {
    case dns::rcode::noerror: return {};
    case dns::rcode::formerr: return errc::formerr;
    case dns::rcode::servfail: return errc::servfail;
    case dns::rcode::nxdomain: return errc::nxdomain;
    case dns::rcode::notimp: return errc::notimp;
    case dns::rcode::refused: return errc::refused;
    default: return errc::other_rcode;
  }
}

}  // namespace dnskit::resolver
