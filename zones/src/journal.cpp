// The journal of a zone's changes: the file format (journal.hpp) and the condensed history IXFR
// answers from (RFC 1995 §4). The difference between two versions is zone_diff.cpp.
#include "dnskit/zones/journal.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string_view>
#include <system_error>
#include <unordered_map>

#include <openssl/evp.h>

#include "dnskit/dns/rdata.hpp"
#include "dnskit/dns/wire.hpp"

namespace dnskit::zones {

namespace {

constexpr std::uint32_t entry_magic = 0x444b4a31;  // "DKJ1"
constexpr std::size_t entry_header_size = 8;       // magic, payload length
constexpr std::size_t checksum_size = 8;
constexpr std::size_t payload_header_size = 16;    // serials and counts
// A change no larger than this is accepted from the file: a corrupted length must not make the
// reader allocate gigabytes.
constexpr std::uint32_t max_payload = std::uint32_t{1} << 30;

using checksum = std::array<std::uint8_t, checksum_size>;

checksum payload_checksum(std::span<const std::uint8_t> payload) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int size = 0;
  checksum out{};
  if (EVP_Digest(payload.data(), payload.size(), digest.data(), &size, EVP_sha256(), nullptr) ==
          1 &&
      size >= checksum_size) {
    std::copy_n(digest.begin(), checksum_size, out.begin());
  }
  return out;
}

void put_u32(std::vector<std::uint8_t>& out, std::uint32_t v) {
  out.push_back(static_cast<std::uint8_t>(v >> 24));
  out.push_back(static_cast<std::uint8_t>(v >> 16));
  out.push_back(static_cast<std::uint8_t>(v >> 8));
  out.push_back(static_cast<std::uint8_t>(v));
}

std::uint32_t get_u32(std::span<const std::uint8_t> b) {
  return (std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16) | (std::uint32_t{b[2]} << 8) |
         std::uint32_t{b[3]};
}

// A record as a comparable key: lowercase owner, type, class, TTL, rdata (RFC 1995 §4 compares
// whole RRs; a TTL change is a deletion and an addition).
std::string record_key(const dns::record& r) {
  const auto owner = r.owner.lowercase();
  std::string key;
  key.reserve(owner.wire().size() + 10 + r.rdata.size());
  key.append(reinterpret_cast<const char*>(owner.wire().data()),  // NOLINT: bytes as chars
             owner.wire().size());
  const std::array<std::uint32_t, 3> fields{static_cast<std::uint32_t>(r.type),
                                            static_cast<std::uint32_t>(r.klass), r.ttl};
  for (std::uint32_t f : fields) {
    for (int shift = 24; shift >= 0; shift -= 8) key.push_back(static_cast<char>(f >> shift));
  }
  key.append(reinterpret_cast<const char*>(r.rdata.data()), r.rdata.size());  // NOLINT: same
  return key;
}

std::optional<std::uint32_t> soa_serial(const dns::record& r) {
  if (r.type != dns::rr_type::soa) return std::nullopt;
  const auto fields = dns::soa(r.rdata);
  if (!fields) return std::nullopt;
  return fields->serial;
}

std::size_t encoded_upper_bound(const std::vector<dns::record>& records) {
  std::size_t n = 0;
  for (const auto& r : records) n += r.owner.wire().size() + 10 + r.rdata.size();
  return n;
}

// fsync of the directory that holds `path`, so that a rename or a new file is durable.
bool sync_directory(const std::filesystem::path& path) {
  std::filesystem::path dir = path.parent_path();
  if (dir.empty()) dir = ".";
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return false;
  const bool ok = ::fsync(fd) == 0;
  ::close(fd);
  return ok;
}

bool write_all(int fd, std::span<const std::uint8_t> bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    bytes = bytes.subspan(static_cast<std::size_t>(n));
  }
  return true;
}

std::string io_error(const std::filesystem::path& path, const char* what) {
  return path.string() + ": " + what + ": " + std::strerror(errno);
}

}  // namespace

zone_history::zone_history(std::vector<zone_change> changes, std::uint64_t file_size)
    : changes_(std::move(changes)), file_size_(file_size) {}

std::optional<std::uint32_t> zone_history::last_serial() const noexcept {
  if (changes_.empty()) return std::nullopt;
  return changes_.back().serial_to;
}

std::optional<zone_change> zone_history::condensed_since(std::uint32_t serial) const {
  auto first = std::find_if(changes_.begin(), changes_.end(),
                            [&](const zone_change& c) { return c.serial_from == serial; });
  if (first == changes_.end()) return std::nullopt;
  // Net effect of the changes in order: a record added then removed (or removed then added
  // back) cancels out. Keyed maps keep the first-seen order stable through `order`.
  std::unordered_map<std::string, const dns::record*> removed;
  std::unordered_map<std::string, const dns::record*> added;
  std::vector<std::pair<std::string, bool>> order;  // key, added
  for (auto it = first; it != changes_.end(); ++it) {
    for (std::size_t i = 1; i < it->removed.size(); ++i) {
      std::string key = record_key(it->removed[i]);
      if (added.erase(key) == 0 && removed.emplace(key, &it->removed[i]).second) {
        order.emplace_back(std::move(key), false);
      }
    }
    for (std::size_t i = 1; i < it->added.size(); ++i) {
      std::string key = record_key(it->added[i]);
      if (removed.erase(key) == 0 && added.emplace(key, &it->added[i]).second) {
        order.emplace_back(std::move(key), true);
      }
    }
  }
  zone_change out;
  out.serial_from = serial;
  out.serial_to = changes_.back().serial_to;
  out.removed.push_back(first->removed.front());
  out.added.push_back(changes_.back().added.front());
  for (const auto& [key, is_added] : order) {
    auto& map = is_added ? added : removed;
    auto found = map.find(key);
    if (found == map.end()) continue;
    (is_added ? out.added : out.removed).push_back(*found->second);
    map.erase(found);  // a key seen twice in `order` is emitted once
  }
  return out;
}

std::filesystem::path journal_path(const std::filesystem::path& zone_file) {
  std::filesystem::path p = zone_file;
  p += ".jnl";
  return p;
}

std::vector<std::uint8_t> encode_journal_entry(const zone_change& change) {
  const std::size_t bound =
      payload_header_size + encoded_upper_bound(change.removed) + encoded_upper_bound(change.added);
  std::vector<std::uint8_t> payload(bound);
  dns::wire_writer w(payload);
  w.u32(change.serial_from);
  w.u32(change.serial_to);
  w.u32(static_cast<std::uint32_t>(change.removed.size()));
  w.u32(static_cast<std::uint32_t>(change.added.size()));
  // Uncompressed: a journal gives back exactly the records it was given, the case of every
  // name included (a compressed name would take the case of the name it points to).
  for (const auto& r : change.removed) dns::write_record(w, r, false);
  for (const auto& r : change.added) dns::write_record(w, r, false);
  payload.resize(w.size());
  return seal_journal_payload(payload);
}

std::vector<std::uint8_t> seal_journal_payload(std::span<const std::uint8_t> payload) {
  std::vector<std::uint8_t> entry;
  entry.reserve(entry_header_size + payload.size() + checksum_size);
  put_u32(entry, entry_magic);
  put_u32(entry, static_cast<std::uint32_t>(payload.size()));
  entry.insert(entry.end(), payload.begin(), payload.end());
  const checksum sum = payload_checksum(payload);
  entry.insert(entry.end(), sum.begin(), sum.end());
  return entry;
}

namespace {

// One payload into a change; false (with `why`) when it does not decode or is inconsistent.
bool decode_payload(std::span<const std::uint8_t> payload, zone_change& out, std::string& why) {
  dns::wire_reader r(payload);
  out.serial_from = r.u32();
  out.serial_to = r.u32();
  const std::uint32_t removed = r.u32();
  const std::uint32_t added = r.u32();
  if (r.error()) {
    why = "payload shorter than its header";
    return false;
  }
  // Counts are untrusted: every record takes at least 11 bytes.
  if (removed == 0 || added == 0 || std::uint64_t{removed} + added > r.remaining() / 11) {
    why = "record counts do not fit the payload";
    return false;
  }
  auto read_list = [&](std::uint32_t count, std::vector<dns::record>& list) {
    list.resize(count);
    for (auto& rec : list) {
      if (dns::read_record(r, rec)) return false;
    }
    return true;
  };
  if (!read_list(removed, out.removed) || !read_list(added, out.added)) {
    why = "a record does not decode";
    return false;
  }
  if (!r.at_end()) {
    why = "bytes after the last record";
    return false;
  }
  if (soa_serial(out.removed.front()) != out.serial_from ||
      soa_serial(out.added.front()) != out.serial_to) {
    why = "the SOAs do not match the serials";
    return false;
  }
  return true;
}

}  // namespace

journal_read_result decode_journal(std::span<const std::uint8_t> bytes, const std::string& name) {
  journal_read_result result;
  result.exists = true;
  std::size_t offset = 0;
  auto stop = [&](std::string_view why) {
    result.problem = name + ": offset " + std::to_string(offset) + ": " + std::string(why) +
                     "; this entry and the " + std::to_string(bytes.size() - offset) +
                     " bytes from it are ignored";
  };
  while (offset < bytes.size()) {
    const auto rest = bytes.subspan(offset);
    if (rest.size() < entry_header_size) {
      stop("torn entry header");
      break;
    }
    if (get_u32(rest) != entry_magic) {
      stop("not a journal entry (bad magic)");
      break;
    }
    const std::uint32_t length = get_u32(rest.subspan(4));
    if (length > max_payload || rest.size() - entry_header_size < std::size_t{length} + checksum_size) {
      stop("torn entry (shorter than its length)");
      break;
    }
    const auto payload = rest.subspan(entry_header_size, length);
    const checksum sum = payload_checksum(payload);
    if (!std::equal(sum.begin(), sum.end(), rest.begin() + entry_header_size + length)) {
      stop("checksum mismatch");
      break;
    }
    zone_change change;
    std::string why;
    if (!decode_payload(payload, change, why)) {
      stop(why);
      break;
    }
    if (!result.changes.empty() && result.changes.back().serial_to != change.serial_from) {
      stop("does not continue the entry before it (serial " +
           std::to_string(result.changes.back().serial_to) + " then " +
           std::to_string(change.serial_from) + ")");
      break;
    }
    result.changes.push_back(std::move(change));
    offset += entry_header_size + length + checksum_size;
  }
  result.good_size = offset;
  return result;
}

journal_read_result read_journal(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    journal_read_result none;
    std::error_code ec;
    if (std::filesystem::exists(path, ec)) none.problem = path.string() + ": cannot be read";
    return none;
  }
  std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                                  std::istreambuf_iterator<char>());
  return decode_journal(bytes, path.string());
}

bool append_journal(const std::filesystem::path& path, std::uint64_t& good_size,
                    const zone_change& change, std::string& error) {
  const std::vector<std::uint8_t> entry = encode_journal_entry(change);
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    error = io_error(path, "cannot open");
    return false;
  }
  const off_t start = static_cast<off_t>(good_size);
  bool ok = ::ftruncate(fd, start) == 0;  // a torn tail goes before anything is added
  if (!ok) error = io_error(path, "cannot cut the torn tail");
  if (ok && ::lseek(fd, start, SEEK_SET) != start) {
    ok = false;
    error = io_error(path, "cannot seek");
  }
  if (ok && !write_all(fd, entry)) {
    ok = false;
    error = io_error(path, "cannot write");
  }
  if (ok && ::fdatasync(fd) != 0) {
    ok = false;
    error = io_error(path, "cannot sync");
  }
  if (!ok) {
    // Whatever part of the entry reached the file is cut again, so the next append does not
    // follow garbage; if even that fails, the reader stops at the torn entry.
    [[maybe_unused]] const int ignored = ::ftruncate(fd, start);
  }
  ::close(fd);
  if (ok && good_size == 0) ok = sync_directory(path);  // the file may be new
  if (!ok && error.empty()) error = io_error(path, "cannot sync its directory");
  if (ok) good_size += entry.size();
  return ok;
}

bool rewrite_journal(const std::filesystem::path& path, std::span<const zone_change> changes,
                     std::uint64_t& size, std::string& error) {
  std::error_code ec;
  size = 0;
  if (changes.empty()) {
    std::filesystem::remove(path, ec);
    if (ec) {
      error = path.string() + ": cannot remove: " + ec.message();
      return false;
    }
    sync_directory(path);  // best effort: an old journal that comes back is checked at load
    return true;
  }
  std::filesystem::path temp = path;
  temp += ".tmp";
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    error = io_error(temp, "cannot open");
    return false;
  }
  bool ok = true;
  std::uint64_t written = 0;
  for (const auto& c : changes) {
    const std::vector<std::uint8_t> entry = encode_journal_entry(c);
    if (!write_all(fd, entry)) {
      ok = false;
      error = io_error(temp, "cannot write");
      break;
    }
    written += entry.size();
  }
  if (ok && ::fdatasync(fd) != 0) {
    ok = false;
    error = io_error(temp, "cannot sync");
  }
  ::close(fd);
  if (ok) {
    std::filesystem::rename(temp, path, ec);
    if (ec) {
      ok = false;
      error = path.string() + ": cannot replace: " + ec.message();
    }
  }
  if (!ok) {
    std::filesystem::remove(temp, ec);
    return false;
  }
  if (!sync_directory(path)) {
    error = io_error(path, "cannot sync its directory");
    return false;
  }
  size = written;
  return true;
}

std::vector<zone_change> trim_changes(std::vector<zone_change> changes,
                                      const journal_limits& limits) {
  std::size_t keep = 0;
  std::uint64_t bytes = 0;
  for (auto it = changes.rbegin(); it != changes.rend(); ++it) {
    const std::uint64_t size = entry_header_size + checksum_size + payload_header_size +
                               encoded_upper_bound(it->removed) + encoded_upper_bound(it->added);
    if (keep >= limits.max_changes || bytes + size > limits.max_bytes) break;
    bytes += size;
    ++keep;
  }
  changes.erase(changes.begin(),
                changes.begin() + static_cast<std::ptrdiff_t>(changes.size() - keep));
  return changes;
}

}  // namespace dnskit::zones
