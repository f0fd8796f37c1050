#include "transfer_end.hpp"

#include "dnskit/dns/rdata.hpp"

namespace dnskit::resolver::detail {
namespace {

std::optional<std::uint32_t> soa_serial(const dns::record& r) {
  if (r.type != dns::rr_type::soa) return std::nullopt;
  auto fields = dns::soa(r.rdata);
  if (!fields) return std::nullopt;
  return fields->serial;
}

// RFC 1982 serial arithmetic: `a` is not newer than `b`.
bool serial_not_after(std::uint32_t a, std::uint32_t b) noexcept {
  return a == b || static_cast<std::int32_t>(a - b) < 0;
}

}  // namespace

bool transfer_end::take(const dns::record& r, error_code& ec) {
  ec = {};
  if (finished_) return true;
  const std::optional<std::uint32_t> serial = soa_serial(r);
  ++records_;
  if (records_ == 1) {
    // RFC 5936 §2.2 and RFC 1995 §4: the first record is the zone's (new) SOA.
    if (!serial) {
      ec = errc::bad_transfer;
      return false;
    }
    first_serial_ = *serial;
    // RFC 1995 §2: a client up to date gets the SOA alone.
    if (ixfr_serial_ && serial_not_after(first_serial_, *ixfr_serial_)) finished_ = true;
    return finished_;
  }
  if (shape_ == shape::unknown) {
    // RFC 1995 §4: an SOA second starts difference sequences; anything else is a whole zone.
    shape_ = ixfr_serial_ && serial ? shape::differences : shape::whole_zone;
  }
  if (!serial) return false;
  if (shape_ == shape::whole_zone) {
    // RFC 5936 §2.2: the closing SOA is the zone's SOA again; an SOA anywhere else would be
    // a broken zone, and ending there keeps the transfer finite.
    finished_ = true;
  } else {
    // SOAs alternate: odd ones open deletions (an old serial), even ones additions. The new
    // SOA where deletions would open closes the transfer.
    ++soas_after_first_;
    finished_ = soas_after_first_ % 2 == 1 && *serial == first_serial_;
  }
  return finished_;
}

}  // namespace dnskit::resolver::detail
