// dns::name keeps names of up to 47 wire octets inside the object and longer ones on the heap
// (detail/name_storage.hpp). These tests walk every size across that boundary, and count the
// allocations that the inline form exists to avoid.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

#include "dnskit/dns/detail/name_storage.hpp"
#include "dnskit/dns/errc.hpp"
#include "dnskit/dns/name.hpp"
#include "dnskit_test/counting_new.hpp"

using dnskit::dns::errc;
using dnskit::dns::name;
using dnskit::test::allocation_counter;

namespace {

using bytes = std::vector<std::uint8_t>;

constexpr std::size_t inline_capacity = dnskit::dns::detail::name_storage::inline_capacity;

// Uncompressed wire labels (no root label) filling exactly `size` octets (0 or at least 2: a
// label takes its length octet and one more), letters in mixed case
// so that case-preserving copies can be told from lowered ones.
bytes labels_of_size(std::size_t size, char first = 'a') {
  bytes out;
  std::size_t left = size;
  char c = first;
  while (left > 0) {
    std::size_t len = std::min<std::size_t>(name::max_label_size, left - 1);
    if (left - 1 - len == 1) --len;  // never leave a single octet: it cannot be a label
    out.push_back(static_cast<std::uint8_t>(len));
    for (std::size_t i = 0; i < len; ++i) {
      out.push_back(static_cast<std::uint8_t>(i % 2 == 0 ? c : c - 'a' + 'A'));
      c = c == 'z' ? 'a' : static_cast<char>(c + 1);
    }
    left -= 1 + len;
  }
  return out;
}

// A name of exactly `size` wire octets (3..255: "a." is the shortest name below the root).
name name_of_size(std::size_t size, char first = 'a') {
  bytes wire = labels_of_size(size - 1, first);
  wire.push_back(0);
  std::error_code ec;
  name n = name::from_wire(wire, ec);
  REQUIRE_FALSE(ec);
  REQUIRE(n.wire_size() == size);
  return n;
}

bytes wire_of(const name& n) { return bytes(n.wire().begin(), n.wire().end()); }

}  // namespace

TEST_CASE("name: every size keeps its bytes through copies and moves", "[unit]") {
  for (std::size_t size = 3; size <= name::max_wire_size; ++size) {
    CAPTURE(size);
    const name original = name_of_size(size);
    const bytes wire = wire_of(original);

    name copy = original;
    CHECK(copy.identical(original));
    CHECK(copy.hash() == original.hash());

    name moved = std::move(copy);
    CHECK(wire_of(moved) == wire);
    // A moved-from name is still a name: its old value (inline) or the root (heap).
    CHECK((copy.is_root() || copy.identical(original)));  // NOLINT(bugprone-use-after-move)
    CHECK(copy.to_text().back() == '.');

    // Assignments between every pair of forms: short over long, long over short, same form.
    for (const std::size_t other_size : {std::size_t{1}, std::size_t{17}, inline_capacity,
                                         inline_capacity + 1, std::size_t{74}, name::max_wire_size}) {
      CAPTURE(other_size);
      name target = other_size == 1 ? name{} : name_of_size(other_size, 'q');
      target = original;
      CHECK(target.identical(original));
      name source = other_size == 1 ? name{} : name_of_size(other_size, 'q');
      const bytes source_wire = wire_of(source);
      target = std::move(source);
      CHECK(wire_of(target) == source_wire);
      const name& same = target;
      target = same;  // self-assignment
      CHECK(wire_of(target) == source_wire);
    }

    // The operations that build new names from old ones cross the boundary too.
    CHECK(original.lowercase() == original);
    CHECK(original.strip_left(0).identical(original));
    CHECK(original.strip_left(1).wire_size() < size);
    CHECK(original.is_subdomain_of(original.parent()));
    std::error_code ec;
    const name longer = original.prepend("x", ec);
    if (size + 2 <= name::max_wire_size) {
      REQUIRE_FALSE(ec);
      CHECK(longer.parent().identical(original));
    } else {
      CHECK(ec == errc::name_too_long);
    }
    CHECK(name::from_text(original.to_text()).identical(original));
  }
}

TEST_CASE("name: compressed reads that cross the inline size", "[unit]") {
  // The message holds a suffix at offset 0 and, after it, a prefix of labels ending with a
  // pointer to the suffix; reading the second name joins the two.
  for (const std::size_t suffix_size : {std::size_t{3}, std::size_t{17}, inline_capacity - 3,
                                        inline_capacity, inline_capacity + 1, std::size_t{120}}) {
    for (std::size_t prefix_size = 2; suffix_size + prefix_size <= name::max_wire_size + 8;
         ++prefix_size) {
      CAPTURE(suffix_size, prefix_size);
      const name suffix = name_of_size(suffix_size);
      bytes msg = wire_of(suffix);
      const std::size_t start = msg.size();
      const bytes prefix = labels_of_size(prefix_size, 'k');
      msg.insert(msg.end(), prefix.begin(), prefix.end());
      msg.push_back(0xC0);
      msg.push_back(0);
      msg.push_back(0xEE);  // a byte after the name, which the read must not take

      std::size_t offset = start;
      std::error_code ec;
      const name n = name::read(msg, offset, ec);
      if (prefix_size + suffix_size > name::max_wire_size) {
        CHECK(ec == errc::name_too_long);
        CHECK(offset == start);
        CHECK(n.is_root());
        continue;
      }
      REQUIRE_FALSE(ec);
      CHECK(offset == msg.size() - 1);
      bytes expected = prefix;
      expected.insert(expected.end(), suffix.wire().begin(), suffix.wire().end());
      CHECK(wire_of(n) == expected);
    }
  }
}

TEST_CASE("name: names up to the inline size are read, copied and moved without the heap",
          "[unit]") {
  for (const std::size_t size : {std::size_t{3}, std::size_t{17}, inline_capacity}) {
    CAPTURE(size);
    bytes msg = wire_of(name_of_size(size));
    std::size_t allocations = 0;
    bool same = false;
    {
      const allocation_counter counter;
      std::size_t offset = 0;
      std::error_code ec;
      name n = name::read(msg, offset, ec);
      name copy = n;
      name moved = std::move(copy);
      same = !ec && moved.wire_size() == size && moved.parent().wire_size() < size;
      allocations = counter.count();
    }
    CHECK(same);
    CHECK(allocations == 0);
  }
}

TEST_CASE("name: a longer name takes one heap block, once", "[unit]") {
  for (const std::size_t size : {inline_capacity + 1, std::size_t{74}, name::max_wire_size}) {
    CAPTURE(size);
    bytes msg = wire_of(name_of_size(size));
    std::size_t read_allocations = 0;
    std::size_t copy_allocations = 0;
    std::size_t move_allocations = 0;
    {
      const allocation_counter counter;
      std::size_t offset = 0;
      std::error_code ec;
      name n = name::read(msg, offset, ec);  // label by label, yet moved to the heap only once
      read_allocations = counter.count();
      name copy = n;
      copy_allocations = counter.count() - read_allocations;
      name moved = std::move(copy);
      move_allocations = counter.count() - read_allocations - copy_allocations;
      REQUIRE((!ec && moved.identical(n)));
    }
    CHECK(read_allocations == 1);
    CHECK(copy_allocations == 1);
    CHECK(move_allocations == 0);
  }
}
