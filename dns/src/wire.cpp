#include "dnskit/dns/wire.hpp"

#include <algorithm>
#include <cstring>

#include "dnskit/dns/errc.hpp"
#include "dnskit/dns/rdata.hpp"
#include "name_wire.hpp"
#include "rdata_descriptor.hpp"
#include "text_util.hpp"

namespace dnskit::dns {

// ---- wire_reader ----

wire_reader::wire_reader(std::span<const std::uint8_t> message, std::size_t offset)
    : wire_reader(message, offset, message.size()) {}

wire_reader::wire_reader(std::span<const std::uint8_t> message, std::size_t offset, std::size_t end)
    : message_(message), offset_(offset), end_(end) {
  if (end_ > message_.size() || offset_ > end_) {
    end_ = std::min(end_, message_.size());
    offset_ = std::min(offset_, end_);
    ec_ = errc::short_read;
  }
}

void wire_reader::short_read() noexcept { fail(errc::short_read); }

name wire_reader::read_name() {
  if (ec_) return {};
  // Pointers only lead backwards, so the part of the message before `end_` is all a name here
  // may touch; a name running past `end_` is a short read of this (sub-)reader.
  std::error_code ec;
  std::size_t pos = offset_;
  name n = name::read(message_.first(end_), pos, ec);
  if (ec) {
    ec_ = ec;
    return {};
  }
  offset_ = pos;
  return n;
}

wire_reader wire_reader::sub(std::size_t n) {
  if (!need(n)) {
    wire_reader failed(message_, offset_, offset_);
    failed.ec_ = ec_;
    return failed;
  }
  wire_reader r(message_, offset_, offset_ + n);
  offset_ += n;
  return r;
}

// ---- wire_writer ----

wire_writer::wire_writer(std::span<std::uint8_t> buffer) noexcept : buffer_(buffer) {}

bool wire_writer::room(std::size_t n) noexcept {
  if (overflow_) return false;
  if (buffer_.size() - size_ < n) {
    overflow_ = true;
    return false;
  }
  return true;
}

void wire_writer::u8(std::uint8_t v) noexcept {
  if (!room(1)) return;
  buffer_[size_++] = v;
}

void wire_writer::u16(std::uint16_t v) noexcept {
  if (!room(2)) return;
  buffer_[size_] = static_cast<std::uint8_t>(v >> 8);
  buffer_[size_ + 1] = static_cast<std::uint8_t>(v);
  size_ += 2;
}

void wire_writer::u32(std::uint32_t v) noexcept {
  if (!room(4)) return;
  for (int i = 0; i < 4; ++i) buffer_[size_ + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(v >> (24 - 8 * i));
  size_ += 4;
}

void wire_writer::bytes(std::span<const std::uint8_t> b) noexcept {
  if (b.empty() || !room(b.size())) return;
  std::memcpy(buffer_.data() + size_, b.data(), b.size());
  size_ += b.size();
}

void wire_writer::patch_u16(std::size_t at, std::uint16_t v) noexcept {
  if (at + 2 > size_) return;
  buffer_[at] = static_cast<std::uint8_t>(v >> 8);
  buffer_[at + 1] = static_cast<std::uint8_t>(v);
}

void wire_writer::rollback(std::size_t size) noexcept {
  if (size > size_) return;
  size_ = size;
  overflow_ = false;
  // Targets are recorded in increasing offset order.
  while (target_count_ > 0 && targets_[target_count_ - 1] >= size) --target_count_;
}

void wire_writer::limit(std::size_t max_size) noexcept {
  // Never below what is already written: that data stays valid.
  max_size = std::max(max_size, size_);
  if (max_size < buffer_.size()) buffer_ = buffer_.first(max_size);
}

namespace {

// True when the (possibly compressed) name at `at` in our own output equals the uncompressed
// `suffix`, ignoring case. Our output only holds pointers we wrote, strictly backwards, but
// the walk is bounded anyway.
bool matches(std::span<const std::uint8_t> out, std::size_t at, std::span<const std::uint8_t> suffix) noexcept {
  std::size_t j = 0;
  for (int steps = 0; steps < 256; ++steps) {
    if (at >= out.size() || j >= suffix.size()) return false;
    std::uint8_t b = out[at];
    if ((b & 0xC0) == 0xC0) {
      if (at + 1 >= out.size()) return false;
      std::size_t target = (std::size_t{b & 0x3Fu} << 8) | out[at + 1];
      if (target >= at) return false;
      at = target;
      continue;
    }
    if (b != suffix[j]) return false;
    if (b == 0) return true;
    if (at + 1 + b > out.size() || j + 1 + b > suffix.size()) return false;
    if (!detail::iequal_bytes(out.data() + at + 1, suffix.data() + j + 1, b)) return false;
    at += 1 + std::size_t{b};
    j += 1 + std::size_t{b};
  }
  return false;
}

}  // namespace

void wire_writer::write_name(std::span<const std::uint8_t> wire_name, bool compress) noexcept {
  // Find the longest suffix already in the message (RFC 1035 §4.1.4).
  std::size_t literal = wire_name.size();  // bytes written as labels before a pointer or root
  std::size_t pointer = 0;
  bool found = false;
  if (compress && target_count_ > 0) {
    auto written = std::span<const std::uint8_t>(buffer_.data(), size_);
    std::size_t pos = 0;
    while (pos < wire_name.size() && wire_name[pos] != 0 && !found) {
      auto suffix = wire_name.subspan(pos);
      for (std::size_t t = 0; t < target_count_; ++t) {
        if (buffer_[targets_[t]] == suffix[0] || (buffer_[targets_[t]] & 0xC0) == 0xC0) {
          if (matches(written, targets_[t], suffix)) {
            found = true;
            pointer = targets_[t];
            literal = pos;
            break;
          }
        }
      }
      if (!found) pos += 1 + std::size_t{wire_name[pos]};
    }
  }
  if (!found) literal = wire_name.size() - 1;  // all labels, then the root label
  // Write the literal labels, remembering each as a target for later names.
  std::size_t pos = 0;
  while (pos < literal) {
    std::size_t len = wire_name[pos];
    std::size_t at = size_;
    bytes(wire_name.subspan(pos, 1 + len));
    if (overflow_) return;
    if (at < 0x4000 && target_count_ < max_targets) targets_[target_count_++] = static_cast<std::uint16_t>(at);
    pos += 1 + len;
  }
  if (found) {
    u16(static_cast<std::uint16_t>(0xC000 | pointer));
  } else {
    u8(0);
  }
}

void wire_writer::write_rdata(rr_type type, std::span<const std::uint8_t> rdata) noexcept {
  std::size_t length_at = size_;
  u16(0);
  if (overflow_) return;
  const detail::rdata_descriptor* d = rdata_names_compressible(type) ? detail::find_descriptor(type) : nullptr;
  std::size_t start = size_;
  bool done = false;
  if (d != nullptr) {
    // Copy field by field, compressing the names; if the rdata does not match its layout it is
    // written as it is (it was never valid, but it is not ours to change).
    std::size_t pos = 0;
    bool ok = true;
    for (detail::field f : d->view()) {
      std::error_code ec;
      std::size_t n = detail::field_extent(f, rdata.subspan(pos), ec);
      if (ec) {
        ok = false;
        break;
      }
      if (f == detail::field::name_compressed) {
        write_name(rdata.subspan(pos, n), true);
      } else {
        bytes(rdata.subspan(pos, n));
      }
      pos += n;
    }
    if (ok && pos == rdata.size()) {
      done = true;
    } else if (!overflow_) {
      rollback(start);
    }
  }
  if (!done) bytes(rdata);
  if (overflow_) return;
  patch_u16(length_at, static_cast<std::uint16_t>(size_ - start));
}

void write_opt_fixed(wire_writer& w, std::uint16_t payload_size, std::uint8_t extended_rcode,
                     std::uint8_t version, std::uint16_t flags, std::uint16_t rdlength) noexcept {
  w.u8(0);  // the root
  w.u16(static_cast<std::uint16_t>(rr_type::opt));
  w.u16(payload_size);
  w.u8(extended_rcode);
  w.u8(version);
  w.u16(flags);
  w.u16(rdlength);
}

void write_edns_option(wire_writer& w, std::uint16_t code,
                       std::span<const std::uint8_t> data) noexcept {
  w.u16(code);
  w.u16(static_cast<std::uint16_t>(data.size()));
  w.bytes(data);
}

}  // namespace dnskit::dns
