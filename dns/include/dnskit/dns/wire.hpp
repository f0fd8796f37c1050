#pragma once
// Bounded readers and writers of DNS wire format. Every read checks the bounds and records the
// first failure (a "sticky" error): once it fails, every later read returns zeros, so a decoder can
// read a whole structure and check the error once. The writer never writes past its buffer; it
// stops and reports errc::no_space instead.
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <system_error>

#include "dnskit/dns/name.hpp"
#include "dnskit/dns/rr_type.hpp"

namespace dnskit::dns {

class wire_reader {
 public:
  // `message` is the whole DNS message (compression pointers are resolved against it); reading
  // starts at `offset` and stops at `end` (default: the end of the message).
  explicit wire_reader(std::span<const std::uint8_t> message, std::size_t offset = 0);
  wire_reader(std::span<const std::uint8_t> message, std::size_t offset, std::size_t end);

  // Inline: decoding a message calls these several times per record.
  std::uint8_t u8() noexcept {
    if (!need(1)) return 0;
    return message_[offset_++];
  }
  std::uint16_t u16() noexcept {
    if (!need(2)) return 0;
    const auto v = static_cast<std::uint16_t>(message_[offset_] << 8 | message_[offset_ + 1]);
    offset_ += 2;
    return v;
  }
  std::uint32_t u32() noexcept {
    if (!need(4)) return 0;
    const std::uint32_t v = std::uint32_t{message_[offset_]} << 24 |
                            std::uint32_t{message_[offset_ + 1]} << 16 |
                            std::uint32_t{message_[offset_ + 2]} << 8 | message_[offset_ + 3];
    offset_ += 4;
    return v;
  }
  std::span<const std::uint8_t> bytes(std::size_t n) noexcept {
    if (!need(n)) return {};
    const auto s = message_.subspan(offset_, n);
    offset_ += n;
    return s;
  }
  name read_name();  // possibly compressed (see name::read)

  // A reader over the next `n` bytes (e.g. an RDATA of rdlength n); this reader skips them.
  wire_reader sub(std::size_t n);

  std::size_t offset() const noexcept { return offset_; }
  std::size_t remaining() const noexcept { return ec_ ? 0 : end_ - offset_; }
  bool at_end() const noexcept { return offset_ == end_; }
  std::span<const std::uint8_t> message() const noexcept { return message_; }

  const std::error_code& error() const noexcept { return ec_; }
  void fail(std::error_code ec) noexcept {
    if (!ec_) ec_ = ec;
  }

 private:
  bool need(std::size_t n) noexcept {
    if (ec_ || end_ - offset_ < n) {
      short_read();
      return false;
    }
    return true;
  }
  void short_read() noexcept;  // records errc::short_read unless an error is already there

  std::span<const std::uint8_t> message_;
  std::size_t offset_;
  std::size_t end_;
  std::error_code ec_;
};

// Writes into a caller-owned buffer; no allocation, so the server's per-query path can use it.
// Name compression (RFC 1035 §4.1.4) remembers where earlier names start in this buffer.
class wire_writer {
 public:
  explicit wire_writer(std::span<std::uint8_t> buffer) noexcept;

  void u8(std::uint8_t v) noexcept;
  void u16(std::uint16_t v) noexcept;
  void u32(std::uint32_t v) noexcept;
  void bytes(std::span<const std::uint8_t> b) noexcept;

  // Writes an uncompressed wire name (from name::wire() or stored zone data), compressing it
  // against names written before when `compress` is true (case-insensitively, as RFC 1035
  // §4.1.4 compares labels: a later name takes the case of the one it points to), and
  // remembering its labels below offset 0x4000 as targets for later names (first 256 only).
  void write_name(std::span<const std::uint8_t> wire_name, bool compress = true) noexcept;
  void write_name(const name& n, bool compress = true) noexcept { write_name(n.wire(), compress); }

  // Writes RDLENGTH and the rdata of `type` given in canonical (uncompressed) form, compressing
  // the embedded names of the RFC 1035 types (NS, CNAME, SOA, PTR, MX, ...; RFC 3597 §4) and never
  // those of any other type.
  void write_rdata(rr_type type, std::span<const std::uint8_t> rdata) noexcept;

  // Overwrites a 16-bit value written earlier (counts, lengths).
  void patch_u16(std::size_t at, std::uint16_t v) noexcept;

  // Size written so far. rollback() undoes everything after `size` (compression targets
  // included) and clears the overflow flag, so a record that does not fit can be taken back
  // whole and the writer used again (e.g. to add the OPT record or set TC).
  std::size_t size() const noexcept { return size_; }
  void rollback(std::size_t size) noexcept;

  // Shrinks the usable buffer (e.g. to the client's UDP payload size); never grows it, and never
  // below size().
  void limit(std::size_t max_size) noexcept;
  std::size_t capacity() const noexcept { return buffer_.size(); }

  bool overflow() const noexcept { return overflow_; }
  std::span<const std::uint8_t> data() const noexcept { return buffer_.first(size_); }

 private:
  bool room(std::size_t n) noexcept;

  static constexpr std::size_t max_targets = 256;
  std::span<std::uint8_t> buffer_;
  std::size_t size_ = 0;
  bool overflow_ = false;
  // Offsets (< 0x4000) of names written so far, usable as compression targets. Only the first
  // target_count_ entries are ever read, so the array is left uninitialised: zero-filling 512
  // bytes cost ~5% of a whole response on the server's hot path.
  std::array<std::uint16_t, max_targets> targets_;
  std::size_t target_count_ = 0;
};

// The fixed part of an OPT pseudo-record (RFC 6891 §6.1.2-3): root owner, TYPE OPT, CLASS = the
// UDP payload size, TTL = extended rcode, version and the 16 flag bits (edns_flags), then
// RDLENGTH, the total size of the options that follow, each written with write_edns_option.
void write_opt_fixed(wire_writer& w, std::uint16_t payload_size, std::uint8_t extended_rcode,
                     std::uint8_t version, std::uint16_t flags, std::uint16_t rdlength) noexcept;

// One EDNS option: {code, length, data} (RFC 6891 §6.1.2).
void write_edns_option(wire_writer& w, std::uint16_t code,
                       std::span<const std::uint8_t> data) noexcept;

}  // namespace dnskit::dns
