#pragma once
// Private to dns::name: the bytes of one uncompressed wire name (at most 255 octets), kept inside
// the object up to `inline_capacity` octets and in one heap block beyond that, so copying or
// decoding a typical name allocates nothing.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <utility>

namespace dnskit::dns::detail {

class name_storage {
 public:
  // A size octet and 47 bytes make the whole object 48 bytes (name.hpp says why 48).
  static constexpr std::size_t inline_capacity = 47;
  static constexpr std::size_t max_size = 255;  // RFC 1035 §3.1

  // One zero octet: the root name.
  name_storage() noexcept { set_root(); }

  name_storage(const name_storage& other) {
    if (!other.on_heap()) {
      rep_ = other.rep_;
      return;
    }
    const std::size_t n = other.size();
    std::uint8_t* bytes = allocate(n);
    std::memcpy(bytes, other.data(), n);
    rep_.large = {static_cast<std::uint8_t>(n), static_cast<std::uint8_t>(n), bytes};
  }

  // The source keeps a valid value: its own bytes when they were inline, the root otherwise.
  name_storage(name_storage&& other) noexcept : rep_(other.rep_) {
    if (other.on_heap()) other.set_root();
  }

  name_storage& operator=(const name_storage& other) {
    if (this != &other) {
      name_storage copy(other);
      *this = std::move(copy);
    }
    return *this;
  }

  name_storage& operator=(name_storage&& other) noexcept {
    if (this != &other) {
      release();
      rep_ = other.rep_;
      if (other.on_heap()) other.set_root();
    }
    return *this;
  }

  ~name_storage() { release(); }

  std::size_t size() const noexcept { return rep_.small.size; }  // the octet both forms share
  const std::uint8_t* data() const noexcept { return on_heap() ? rep_.large.bytes : rep_.small.bytes; }
  std::uint8_t* data() noexcept { return on_heap() ? rep_.large.bytes : rep_.small.bytes; }

  // Holds exactly `n` octets (n <= max_size) from now on, with unspecified contents that the
  // caller writes through the returned pointer. A heap block is exactly `n` octets.
  std::uint8_t* assign_uninitialized(std::size_t n) {
    if (n <= inline_capacity) {
      release();
      rep_.small.size = static_cast<std::uint8_t>(n);
      return rep_.small.bytes;
    }
    std::uint8_t* bytes = allocate(n);
    release();
    rep_.large = {static_cast<std::uint8_t>(n), static_cast<std::uint8_t>(n), bytes};
    return bytes;
  }

  // Grows to `n` octets (size() <= n <= max_size), keeping the contents. Growing past the inline
  // bytes takes a block of max_size octets, so a name built label by label (decoding) moves to
  // the heap at most once.
  std::uint8_t* grow(std::size_t n) {
    if (n <= inline_capacity) {  // then size() <= n: the name is inline
      rep_.small.size = static_cast<std::uint8_t>(n);
      return rep_.small.bytes;
    }
    if (!on_heap()) {
      std::uint8_t* bytes = allocate(max_size);
      std::memcpy(bytes, rep_.small.bytes, size());
      rep_.large = {static_cast<std::uint8_t>(n), static_cast<std::uint8_t>(max_size), bytes};
      return bytes;
    }
    if (n > rep_.large.capacity) {  // an exactly sized block (a copy, a parsed name)
      std::uint8_t* bytes = allocate(max_size);
      std::memcpy(bytes, rep_.large.bytes, size());
      delete[] rep_.large.bytes;
      rep_.large.bytes = bytes;
      rep_.large.capacity = static_cast<std::uint8_t>(max_size);
    }
    rep_.large.size = static_cast<std::uint8_t>(n);
    return rep_.large.bytes;
  }

  friend bool operator==(const name_storage& a, const name_storage& b) noexcept {
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size()) == 0;
  }

 private:
  // The size octet comes first in both forms (a common initial sequence, so it can be read
  // whichever form is active), and it tells the forms apart: above inline_capacity means heap.
  struct inline_form {
    std::uint8_t size;
    std::uint8_t bytes[inline_capacity];
  };
  struct heap_form {
    std::uint8_t size;
    std::uint8_t capacity;
    std::uint8_t* bytes;
  };
  union representation {
    inline_form small;
    heap_form large;
  };

  bool on_heap() const noexcept { return size() > inline_capacity; }

  static std::uint8_t* allocate(std::size_t n) { return new std::uint8_t[n]; }

  void release() noexcept {
    if (on_heap()) delete[] rep_.large.bytes;
  }

  void set_root() noexcept { rep_.small = inline_form{1, {}}; }

  representation rep_;
};

}  // namespace dnskit::dns::detail
