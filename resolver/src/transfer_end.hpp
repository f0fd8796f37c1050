#pragma once
// Where a zone transfer ends, record by record, as the rules of AXFR (RFC 5936 §2.2) and IXFR
// (RFC 1995 §4) put it. Pure: no I/O, tested on its own.
//
// AXFR: the zone's SOA first, the same SOA again last.
// IXFR: the new SOA first; then either the SOA alone (the client is up to date), the whole zone
// as for AXFR (the second record is not an SOA), or difference sequences, each "old SOA,
// deletions, new SOA, additions", closed by the new SOA once more where the next sequence's old
// SOA would stand.
#include <cstddef>
#include <cstdint>
#include <optional>

#include "dnskit/dns/record.hpp"
#include "dnskit/resolver/error.hpp"

namespace dnskit::resolver::detail {

class transfer_end {
 public:
  // `ixfr_serial`: the serial the client holds (IXFR), none for AXFR.
  explicit transfer_end(std::optional<std::uint32_t> ixfr_serial = std::nullopt) noexcept
      : ixfr_serial_(ixfr_serial) {}

  // Takes the next record. True when it is the last one of the transfer; `ec` set
  // (errc::bad_transfer) when the first record is not an SOA.
  bool take(const dns::record& r, error_code& ec);

  bool finished() const noexcept { return finished_; }
  std::size_t records() const noexcept { return records_; }

 private:
  enum class shape : std::uint8_t { unknown, whole_zone, differences };

  std::optional<std::uint32_t> ixfr_serial_;
  std::uint32_t first_serial_ = 0;
  std::size_t records_ = 0;
  std::size_t soas_after_first_ = 0;  // differences: SOAs seen after the first record
  shape shape_ = shape::unknown;
  bool finished_ = false;
};

}  // namespace dnskit::resolver::detail
