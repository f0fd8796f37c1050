#pragma once
// A zone's journal: the history of its changes, for IXFR (RFC 1995) and dynamic updates
// (RFC 2136), kept in memory and in an append-only file beside the zone file (DESIGN.md §8:
// `FILE.jnl`, as BIND names it).
//
// File format (every integer big-endian), one entry per change, nothing else:
//   u32 magic "DKJ1" | u32 payload length | payload | 8 bytes: the first 8 of SHA-256(payload)
// payload: u32 serial from | u32 serial to | u32 removed count | u32 added count | the removed
// records | the added records, in DNS wire form (dns::write_record; names may be compressed
// against earlier names of the same payload). The first removed record is the SOA of `from`,
// the first added one the SOA of `to`, as in an IXFR answer (RFC 1995 §4).
// A crash can leave a torn last entry: reading stops at the first entry that is short, whose
// checksum does not match or whose payload does not decode, and reports its offset; that entry
// and everything after it is never applied. Opening the file to append cuts such a tail first.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "dnskit/dns/record.hpp"

namespace dnskit::zones {

class zone;

// One change from serial_from to serial_to. removed[0] and added[0] are the two SOAs.
struct zone_change {
  std::uint32_t serial_from = 0;
  std::uint32_t serial_to = 0;
  std::vector<dns::record> removed;
  std::vector<dns::record> added;

  friend bool operator==(const zone_change&, const zone_change&) = default;
};

// The difference between two versions of a zone: records of `before` not in `after` (removed)
// and of `after` not in `before` (added), compared owner (case-insensitively), type, class, TTL
// and rdata; each list starts with its version's SOA. Allocates (the reload path, not queries).
// When `cancel` is set while it runs (a server stopping) it gives up early and what it returns
// is incomplete: the caller checks `cancel` and drops it.
zone_change diff_zones(const zone& before, const zone& after,
                       const std::atomic<bool>* cancel = nullptr);

// The limits of a journal: the oldest changes are dropped when either is passed.
struct journal_limits {
  std::size_t max_changes = 1000;
  std::uint64_t max_bytes = std::uint64_t{16} << 20;
};

// The changes of one zone in order, each starting where the one before ended. Immutable once
// made: a new version is a new object (the server swaps them with the zone set).
class zone_history {
 public:
  zone_history() = default;
  // `file_size`: the bytes of the journal file that hold these changes (where the next entry
  // is appended).
  explicit zone_history(std::vector<zone_change> changes, std::uint64_t file_size = 0);

  std::span<const zone_change> changes() const noexcept { return changes_; }
  bool empty() const noexcept { return changes_.empty(); }
  // The serial the history ends at (the zone's current serial); nullopt when empty.
  std::optional<std::uint32_t> last_serial() const noexcept;
  std::uint64_t file_size() const noexcept { return file_size_; }

  // RFC 1995 §4 with condensation: the net difference from `serial` to last_serial(), as one
  // change (removed[0]: the SOA of `serial`; added[0]: the current SOA). nullopt when the
  // history does not reach back to `serial`.
  std::optional<zone_change> condensed_since(std::uint32_t serial) const;

 private:
  std::vector<zone_change> changes_;
  std::uint64_t file_size_ = 0;
};

// The journal file of a zone: path = zone file + ".jnl".
std::filesystem::path journal_path(const std::filesystem::path& zone_file);

// Encodes one entry as it is stored in the file (header, payload, checksum).
std::vector<std::uint8_t> encode_journal_entry(const zone_change& change);
// Wraps any payload bytes in an entry's header and checksum (for tests and the fuzzer, which
// must get past the checksum to reach the payload decoder).
std::vector<std::uint8_t> seal_journal_payload(std::span<const std::uint8_t> payload);

struct journal_read_result {
  std::vector<zone_change> changes;  // the whole entries, in file order, each one continuing
                                     // the one before
  std::uint64_t good_size = 0;       // bytes of whole, valid entries at the start of the file
  // Why reading stopped before the end: "FILE: offset N: ..." (empty when the file was whole
  // or absent).
  std::string problem;
  bool exists = false;
};

// Decodes a journal held in memory (the file's bytes). `name` is used in `problem`.
journal_read_result decode_journal(std::span<const std::uint8_t> bytes, const std::string& name);

// Reads the journal file at `path` (an absent file is an empty journal).
journal_read_result read_journal(const std::filesystem::path& path);

// Appends `change` to the journal at `path` and fsyncs it before returning, first cutting the
// file to `good_size` (a torn tail left by a crash). Returns false with `error` ("FILE: why")
// when the file cannot be written; the file then holds the changes it held before.
// On success `good_size` becomes the file's new size.
bool append_journal(const std::filesystem::path& path, std::uint64_t& good_size,
                    const zone_change& change, std::string& error);
// Replaces the journal with exactly `changes` (used to drop the oldest ones, trim_changes):
// written to FILE.jnl.tmp, synced, renamed over FILE.jnl, the directory synced, so a crash
// leaves the old journal or the new one. An empty list removes the file.
// Returns the new file's size in `size`.
bool rewrite_journal(const std::filesystem::path& path, std::span<const zone_change> changes,
                     std::uint64_t& size, std::string& error);

// The newest changes of `changes` that fit `limits` (by count, and by their encoded size).
std::vector<zone_change> trim_changes(std::vector<zone_change> changes,
                                      const journal_limits& limits);

}  // namespace dnskit::zones
