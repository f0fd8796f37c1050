// One secondary zone: its copy, its timers and its refreshes (secondary_zone.hpp).
#include "secondary_zone.hpp"

#include <algorithm>

#include <fmt/core.h>

#include "dnskit/dns/rdata.hpp"
#include "log.hpp"
#include "reload_zones.hpp"
#include "secondary_zone_file.hpp"

namespace dnskit::nameserver {
namespace {

using std::chrono::seconds;
using std::chrono::steady_clock;

// Without a copy there is no SOA to take RETRY from: try again this soon.
constexpr seconds retry_without_copy{10};
// Timers are bounded, whatever a primary's SOA says: at least a second (a zero REFRESH would
// spin), at most RFC 1035's 32-bit seconds but no further than a week between checks.
constexpr seconds shortest_timer{1};
constexpr seconds longest_refresh{7 * 24 * 3600};

seconds bounded(std::uint32_t value, seconds longest) {
  return std::clamp(seconds(value), shortest_timer, longest);
}

std::string soa_problem_lines(const std::vector<zones::diagnostic>& diagnostics) {
  std::string text = first_error(diagnostics);
  return text.empty() ? "refused by the zone checks" : text;
}

// After a failed IXFR, the AXFR's failure says why the IXFR was not used as well.
std::string fallback_text(const refresh_result& result) {
  if (result.why_axfr.empty() || !result.why_axfr.starts_with("IXFR")) return {};
  return " (after " + result.why_axfr + ")";
}

}  // namespace

secondary_zone::secondary_zone(asio::io_context& io, secondary_settings settings,
                               changed_handler changed)
    : io_(io),
      settings_(std::move(settings)),
      changed_(std::move(changed)),
      name_(settings_.origin.to_text()),
      refresh_timer_(io),
      expire_timer_(io) {
  status_.origin = name_;
  status_.file = settings_.file.string();
  status_.primary = settings_.primary_text;
}

secondary_zone_status secondary_zone::status() const {
  std::lock_guard lock(status_mutex_);
  return status_;
}

void secondary_zone::update_status(std::optional<std::string> refresh_result) {
  const auto now = std::chrono::system_clock::now();
  std::lock_guard lock(status_mutex_);
  status_.serial = zone_ ? std::optional(zone_->serial()) : std::nullopt;
  status_.records = zone_ ? std::optional(static_cast<std::uint32_t>(zone_->record_count())) : std::nullopt;
  status_.state = !zone_ ? "no copy" : expired_ ? "expired" : "serving";
  if (expire_at_) {
    status_.expires_at = now + std::chrono::duration_cast<std::chrono::system_clock::duration>(
                                   *expire_at_ - steady_clock::now());
  }
  if (refresh_result) {
    status_.last_refresh = now;
    status_.last_refresh_result = std::move(*refresh_result);
  }
}

std::chrono::seconds secondary_zone::refresh_interval() const {
  const auto soa = zone_ ? dns::soa(zone_->soa().rdata) : std::nullopt;
  return soa ? bounded(soa->refresh, longest_refresh) : retry_without_copy;
}

std::chrono::seconds secondary_zone::retry_interval() const {
  const auto soa = zone_ ? dns::soa(zone_->soa().rdata) : std::nullopt;
  return soa ? bounded(soa->retry, longest_refresh) : retry_without_copy;
}

std::chrono::seconds secondary_zone::expire_interval() const {
  const auto soa = zone_ ? dns::soa(zone_->soa().rdata) : std::nullopt;
  return soa ? bounded(soa->expire, seconds(0xffffffffu)) : seconds(0);
}

std::string secondary_zone::serving_text() const {
  if (!zone_) return "not served yet";
  if (expired_) return fmt::format("expired (serial {}): SERVFAIL", zone_->serial());
  return fmt::format("still serving serial {}", zone_->serial());
}

void secondary_zone::load_file() {
  std::error_code ec;
  if (!std::filesystem::exists(settings_.file, ec)) {
    log::info("zone {}: no copy in {} yet: transferring from {}", name_, settings_.file.string(),
              settings_.primary_text);
    return;
  }
  zones::load_result loaded;
  try {
    loaded = zones::load_zone(settings_.origin, settings_.file, settings_.load);
  } catch (const std::exception& e) {
    log::error("zone {} ({}): {}", name_, settings_.file.string(), e.what());
  }
  for (const auto& d : loaded.diagnostics) {
    if (d.is_error) log::error("{}", d.to_string());
    else log::warning("{}", d.to_string());
  }
  if (!loaded.ok()) {
    log::error("zone {}: the copy in {} does not load: transferring from {}", name_,
               settings_.file.string(), settings_.primary_text);
    return;
  }
  zone_ = std::move(loaded.zone);
  load_journal();
  // The copy was good when the file was last written or touched (after each successful
  // refresh): its expiry counts from then, so a copy too old is not served at all.
  const auto written = std::filesystem::last_write_time(settings_.file, ec);
  auto expires = steady_clock::now() + expire_interval();
  if (!ec) {
    const auto age = std::chrono::system_clock::now() - std::chrono::file_clock::to_sys(written);
    if (age > steady_clock::duration::zero()) {
      expires -= std::chrono::duration_cast<steady_clock::duration>(age);
    }
  }
  if (expires <= steady_clock::now()) {
    expired_ = true;
    expire_at_ = expires;
    update_status();
    log::warning("zone {}: the copy in {} (serial {}) is older than its expire time: not served "
                 "until the primary {} confirms it", name_, settings_.file.string(),
                 zone_->serial(), settings_.primary_text);
    return;
  }
  arm_expire(expires);
  update_status();
  log::info("zone {}: serving serial {} from {}, {} records, then checking {}", name_,
            zone_->serial(), settings_.file.string(), zone_->record_count(), settings_.primary_text);
}

void secondary_zone::start() {
  asio::post(io_, [self = shared_from_this()] { self->refresh(); });
}

void secondary_zone::refresh_now() {
  if (stopped_) return;
  if (busy_) {
    again_ = true;  // RFC 1996 §4.4: the change may have come after our SOA query
    return;
  }
  refresh();
}

void secondary_zone::stop() {
  stopped_ = true;
  refresh_timer_.cancel();
  expire_timer_.cancel();
  if (connection_) connection_->abort();
}

void secondary_zone::refresh() {
  if (stopped_ || busy_) return;
  busy_ = true;
  refresh_timer_.cancel();
  refresh_request request;
  request.origin = settings_.origin;
  request.primary = settings_.primary;
  request.primary_text = settings_.primary_text;
  request.key = settings_.key;
  if (zone_) {
    request.our_serial = zone_->serial();
    request.current = zone_;
  }
  request.io_timeout = settings_.io_timeout;
  request.max_time = settings_.max_time;
  request.max_bytes = settings_.load.max_file_size;
  request.checks = settings_.load.checks;
  connection_ = std::make_shared<refresh_connection>(io_);
  asio::co_spawn(io_, nameserver::refresh(connection_, std::move(request)),
                 [self = shared_from_this()](const std::exception_ptr& e, refresh_result result) {
                   if (e) {  // refresh() catches everything; kept as a guard
                     result = {};
                     result.error = "the refresh ended with an exception";
                   }
                   self->finished(std::move(result));
                 });
}

void secondary_zone::finished(refresh_result result) {
  busy_ = false;
  connection_.reset();
  if (stopped_) return;
  using kind = refresh_result::kind;
  std::string outcome;
  switch (result.what) {
    case kind::transferred:
      took_new_version(result);
      outcome = "transferred";
      break;
    case kind::current:
      log::debug("zone {}: serial {} is current at {}", name_, result.primary_serial,
                 settings_.primary_text);
      confirmed();
      schedule(refresh_interval());
      outcome = "current";
      break;
    case kind::older:
      // RFC 1982: a primary going back in serial is an operator's mistake; keep ours (as BIND).
      log::warning("zone {}: primary {} has serial {}, older than our {}: keeping ours", name_,
                   settings_.primary_text, result.primary_serial, zone_ ? zone_->serial() : 0);
      confirmed();
      schedule(refresh_interval());
      outcome = "older serial at the primary";
      break;
    case kind::rejected:
      log::error("zone {}: AXFR from {} of serial {} not taken{}: {}; {}", name_,
                 settings_.primary_text, result.primary_serial, fallback_text(result),
                 soa_problem_lines(result.diagnostics), serving_text());
      schedule(retry_interval());
      outcome = "rejected: " + soa_problem_lines(result.diagnostics);
      break;
    case kind::failed:
      log::error("zone {}: refresh from {} failed: {}{}; {}", name_, settings_.primary_text,
                 result.error, fallback_text(result), serving_text());
      schedule(retry_interval());
      outcome = "failed: " + result.error;
      break;
  }
  update_status(std::move(outcome));
  if (again_) {
    again_ = false;
    asio::post(io_, [self = shared_from_this()] { self->refresh_now(); });
  }
}

void secondary_zone::took_new_version(refresh_result& result) {
  for (const auto& d : result.diagnostics) log::warning("{}", d.to_string());
  const std::shared_ptr<const zones::zone> before = zone_;
  zone_ = std::move(result.zone);
  expired_ = false;
  // One line per transfer saying how it came (as Knot and BIND log theirs).
  if (result.incremental) {
    log::info("zone {}: transferred serial {} from {} by IXFR, serial {} -> {}: {} change(s), "
              "{} records, {} bytes in {} ms", name_, zone_->serial(), settings_.primary_text,
              before->serial(), zone_->serial(), result.changes.size(), result.records,
              result.bytes, result.took.count());
  } else {
    std::string how = before ? fmt::format("was {}; ", before->serial()) : std::string{};
    how += result.axfr_style ? "the primary answered the IXFR with the whole zone"
                             : result.why_axfr;
    log::info("zone {}: transferred serial {} from {} by AXFR ({}): {} records, {} bytes in {} ms",
              name_, zone_->serial(), settings_.primary_text, how, result.records, result.bytes,
              result.took.count());
  }
  // The differences are on disk before this version is served: IXFR out answers only with
  // what a restart would answer with too.
  std::vector<zones::zone_change> changes = std::move(result.changes);
  if (!result.incremental && before) changes.push_back(zones::diff_zones(*before, *zone_));
  record_changes(before.get(), std::move(changes));
  // Served before it is written: a full disk costs the copy on disk, not the answers.
  changed_(true);
  const auto written = write_zone_file(
      *zone_, settings_.file,
      fmt::format("zone {} serial {}, transferred from {}", name_, zone_->serial(),
                  settings_.primary_text));
  if (written) {
    log::error("zone {}: cannot write {}: {}; serving serial {} from memory", name_,
               settings_.file.string(), written.message(), zone_->serial());
  }
  arm_expire(steady_clock::now() + expire_interval());
  schedule(refresh_interval());
}

void secondary_zone::load_journal() {
  const std::filesystem::path path = zones::journal_path(settings_.file);
  zones::journal_read_result read = zones::read_journal(path);
  if (!read.problem.empty()) log::warning("journal {}", read.problem);
  if (!read.exists) return;
  std::uint64_t size = read.good_size;
  std::string error;
  if (read.changes.empty() || read.changes.back().serial_to != zone_->serial()) {
    // Differences that lead elsewhere than the copy would make IXFR out send wrong data.
    if (!read.changes.empty()) {
      log::warning("journal {}: ends at serial {} but the copy in {} has serial {}: dropped",
                   path.string(), read.changes.back().serial_to, settings_.file.string(),
                   zone_->serial());
    }
    if (!zones::rewrite_journal(path, {}, size, error)) log::error("journal {}", error);
    return;
  }
  const std::size_t count = read.changes.size();
  std::vector<zones::zone_change> kept =
      zones::trim_changes(std::move(read.changes), settings_.journal);
  if ((kept.size() != count || size != read.good_size) &&
      !zones::rewrite_journal(path, kept, size, error)) {
    log::error("journal {}", error);
    return;
  }
  if (kept.empty()) return;
  log::info("journal {}: {} change(s), serials {} to {}", path.string(), kept.size(),
            kept.front().serial_from, kept.back().serial_to);
  history_ = std::make_shared<const zones::zone_history>(std::move(kept), size);
}

void secondary_zone::record_changes(const zones::zone* before,
                                    std::vector<zones::zone_change> changes) {
  const std::filesystem::path path = zones::journal_path(settings_.file);
  std::vector<zones::zone_change> all;
  std::uint64_t size = 0;
  if (history_ && before != nullptr && history_->last_serial() == before->serial()) {
    all.assign(history_->changes().begin(), history_->changes().end());
    size = history_->file_size();
  }
  history_.reset();  // whatever happens below, the old history does not end at the new copy
  std::string error;
  bool written = true;
  if (size == 0) {
    // No history these changes continue (or none at all): the journal starts again with them.
    written = zones::rewrite_journal(path, changes, size, error);
  } else {
    for (const auto& change : changes) {
      written = zones::append_journal(path, size, change, error);
      if (!written) break;
    }
  }
  if (!written) {
    log::error("zone {}: journal {}: IXFR out answers with the whole zone until the next "
               "transfer", name_, error);
    return;
  }
  if (changes.empty()) return;
  for (auto& change : changes) all.push_back(std::move(change));
  const std::size_t count = all.size();
  all = zones::trim_changes(std::move(all), settings_.journal);
  if (all.size() != count && !zones::rewrite_journal(path, all, size, error)) {
    log::error("zone {}: journal {}", name_, error);
    return;
  }
  history_ = std::make_shared<const zones::zone_history>(std::move(all), size);
}

void secondary_zone::confirmed() {
  // The file's time says when the copy was last confirmed (load_file counts expiry from it).
  std::error_code ignored;
  if (zone_) {
    std::filesystem::last_write_time(settings_.file, std::filesystem::file_time_type::clock::now(),
                                     ignored);
  }
  if (expired_ && zone_) {
    expired_ = false;
    log::info("zone {}: serial {} confirmed by {}: served again", name_, zone_->serial(),
              settings_.primary_text);
    changed_(false);
  }
  if (zone_) arm_expire(steady_clock::now() + expire_interval());
}

void secondary_zone::schedule(std::chrono::seconds after) {
  refresh_timer_.expires_after(after);
  refresh_timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
    if (!ec) self->refresh();
  });
}

void secondary_zone::arm_expire(std::chrono::steady_clock::time_point at) {
  expire_at_ = at;
  expire_timer_.expires_at(at);
  expire_timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
    if (ec || self->stopped_ || !self->zone_ || self->expired_) return;
    // RFC 1035 §3.3.13: past EXPIRE without a refresh the zone is no longer authoritative.
    self->expired_ = true;
    log::error("zone {}: expired: no successful refresh from {} for {} s; answering SERVFAIL",
               self->name_, self->settings_.primary_text, self->expire_interval().count());
    self->update_status();
    self->changed_(false);
  });
}

}  // namespace dnskit::nameserver
