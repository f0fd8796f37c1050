#include "dnskit/nameserver/server.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <csignal>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include <fmt/core.h>
#include <fmt/ranges.h>
#include <openssl/rand.h>

#include "dnskit/nameserver/acl.hpp"
#include "dnskit/nameserver/responder.hpp"
#include "config_lists.hpp"
#include "config_reload.hpp"
#include "descriptor_limit.hpp"
#include "listener_socket.hpp"
#include "log.hpp"
#include "notify_sender.hpp"
#include "query_log_format.hpp"
#include "reload_summary.hpp"
#include "reload_zones.hpp"
#include "secondary_set.hpp"
#include "zone_journal.hpp"
#include "zone_updater.hpp"
#include "server_asio.hpp"
#include "config_tsig.hpp"
#include "server_context.hpp"
#include "http_server.hpp"
#include "server_status.hpp"
#include "server_cookie.hpp"
#include "server_worker.hpp"
#include "service_notify.hpp"

namespace dnskit::nameserver {
namespace {

// How long a graceful stop may take before the workers are stopped outright.
constexpr auto stop_deadline = std::chrono::seconds(5);

// `running`: the options in use, on a reload; a random cookie secret is kept across reloads
// (a new one would make every client's server cookie stale at once).
bool make_responder_options(const server_config& config, responder_options& out,
                            std::string& error, const responder_options* running = nullptr) {
  out.max_udp_payload = config.edns_udp_size;
  out.minimal_responses = config.minimal_responses;
  if (!detail::build_keyring(config, out.tsig_keys, error)) return false;
  if (!config.version_text.empty()) out.version = config.version_text;
  if (!config.identity_text.empty()) out.identity = config.identity_text;
  // RFC 9018 §4.4: a 128-bit SipHash key; random unless the operator sets one (servers that
  // share an address must share it, RFC 9018 §2).
  if (config.cookie_secret.empty() && running != nullptr) {
    out.cookie_secret = running->cookie_secret;
  } else if (config.cookie_secret.empty()) {
    if (RAND_bytes(out.cookie_secret.data(), static_cast<int>(out.cookie_secret.size())) != 1) {
      error = "cookie-secret: no random bytes from OpenSSL to make one";
      return false;
    }
  } else if (!detail::parse_cookie_secret(config.cookie_secret, out.cookie_secret)) {
    error = "cookie-secret: expected 32 hex digits (a 128-bit SipHash key)";
    return false;
  }
  if (!config.cookie_secret_previous.empty()) {
    detail::cookie_secret previous{};
    if (!detail::parse_cookie_secret(config.cookie_secret_previous, previous)) {
      error = "cookie-secret-previous: expected 32 hex digits (a 128-bit SipHash key)";
      return false;
    }
    out.cookie_secret_previous = previous;
  }
  // Zones without a list of their own use this one; an empty list allows nobody.
  if (!acl::parse(server_allow_transfer(config).entries, out.allow_transfer, error)) {
    error = "allow-transfer: " + error;
    return false;
  }
  for (const zone_config& z : config.zones) {
    if (!z.allow_transfer) continue;
    zone_transfer_acl entry;
    std::error_code ec;
    entry.origin = dns::name::from_text(z.origin, ec);
    if (ec) {
      error = fmt::format("zone '{}': bad origin", z.origin);
      return false;
    }
    if (!acl::parse(*z.allow_transfer, entry.allow, error)) {
      error = fmt::format("zone '{}': allow-transfer: {}", z.origin, error);
      return false;
    }
    out.zone_allow_transfer.push_back(std::move(entry));
  }
  // RFC 2136 §3.3: who may update; nobody unless a list says so.
  if (!acl::parse(config.allow_update, out.allow_update, error)) {
    error = "allow-update: " + error;
    return false;
  }
  for (const zone_config& z : config.zones) {
    if (!z.allow_update) continue;
    zone_transfer_acl entry;
    std::error_code ec;
    entry.origin = dns::name::from_text(z.origin, ec);
    if (ec || !acl::parse(*z.allow_update, entry.allow, error)) {
      error = fmt::format("zone '{}': allow-update: {}", z.origin, ec ? "bad origin" : error);
      return false;
    }
    out.zone_allow_update.push_back(std::move(entry));
  }
  return secondary_set::notify_sources(config, out.secondaries, error);
}

// What the reload thread hands back to the control thread.
struct reload_outcome {
  // Re-read configuration (nullptr: the running one is kept) and the query processor built
  // from it; `load` points into fresh->zones (a unique_ptr, so the zones do not move).
  std::unique_ptr<server_config> fresh;
  std::shared_ptr<const responder> processor;
  std::optional<zone_load_report> load;
  std::string config_error;  // not empty: the configuration was refused, nothing changed
  std::vector<std::string> needs_restart;
  // POST /reload?zone=: the one zone read (a copy of its configuration: `load` points into it);
  // empty for a whole reload.
  std::vector<zone_config> only_zone;
};

}  // namespace

struct server::impl {
  server_config config;
  std::vector<endpoint_spec> bound;
  std::unique_ptr<server_context> context;
  // The one writer of the served set: dynamic updates (RFC 2136), and every publication.
  std::shared_ptr<zone_updater> updater;
  std::vector<std::unique_ptr<server_worker>> workers;
  unsigned threads = 0;  // --threads: the TCP workers, and the UDP workers of each listener
  asio::io_context control{1};
  asio::executor_work_guard<asio::io_context::executor_type> control_work =
      asio::make_work_guard(control);
  std::optional<asio::signal_set> signals;
  // Zone files waiting to be rewritten after dynamic updates (zonefile-sync), a timer per zone
  // while one waits; control thread only. After `control`: destroyed before it.
  std::map<dns::name, std::unique_ptr<asio::steady_timer>> file_syncs;
  notify_sender notifier{control};
  zone_load_report last_load;
  // The zones read from files (reloaded on SIGHUP: load_zones skips secondary zones) and the
  // secondary zones (transferred, on the control thread); what is served is both together
  // (publish_zones).
  std::unique_ptr<secondary_set> secondaries;
  bool stopping = false;
  const std::chrono::system_clock::time_point started = std::chrono::system_clock::now();
  std::unique_ptr<http_server> http;  // --http; after `workers`: stopped before they go
  // Reloads run on their own thread, so that the control thread keeps handling signals: a
  // SIGTERM in the middle of a long reload sets `cancel_reload`, the loader gives up at its next
  // record, and the server stops in bounded time. Only the control thread touches `reloading`,
  // `reload_pending` and `reload_thread`.
  std::atomic<bool> cancel_reload{false};
  std::thread reload_thread;
  bool reloading = false;
  bool reload_pending = false;  // a SIGHUP came during a reload: another one follows it
  std::atomic<bool> reload_lost{false};  // a reload ended but could not say so (no memory)
  // POST /reload requests waiting for their answer: those the next reload to start will
  // answer, and those the running one will. After `http`: destroyed before it (they hold its
  // connections).
  std::vector<http_handlers::reload_done> waiting_next;
  std::vector<http_handlers::reload_done> waiting_running;
  // POST /reload?zone= requests waiting for the reload thread, one entry per zone, in order.
  struct zone_reload_request {
    dns::name origin;
    std::vector<http_handlers::reload_done> waiting;
  };
  std::deque<zone_reload_request> zone_reloads;

  // Logs from the reload thread where even formatting a line may run out of memory.
  static void log_quietly(const char* what, const char* why) noexcept {
    try {
      log::error("{}{}", what, why);
    } catch (...) {  // the line is lost, the server goes on
    }
  }

  server::config_reader reread;  // set: each reload re-reads the configuration first

  explicit impl(server_config c) : config(std::move(c)) {}

  // Counts each zone's load in the report (for /metrics); `replaced`: the configuration was
  // re-read, and zones no longer in it are forgotten.
  void record_zone_loads(const zone_load_report& report, bool replaced) {
    const auto now = std::chrono::system_clock::now();
    std::vector<std::string> origins;
    for (const zone_load_status& s : report.zones) {
      if (s.config == nullptr) continue;
      std::error_code ec;
      const dns::name origin = dns::name::from_text(s.config->origin, ec);
      origins.push_back(ec ? s.config->origin : origin.to_text());
    }
    std::lock_guard lock(context->zone_loads_mutex);
    if (replaced) {
      std::erase_if(context->zone_loads, [&](const auto& entry) {
        return std::find(origins.begin(), origins.end(), entry.first) == origins.end();
      });
    }
    std::size_t i = 0;
    for (const zone_load_status& s : report.zones) {
      if (s.config == nullptr) continue;
      auto& record = context->zone_loads[origins[i++]];
      record.file = s.config->file.string();
      record.last_failed = !s.loaded;
      record.last_error = s.error;
      if (s.loaded) {
        ++record.ok;
        record.last_success = now;
      } else {
        ++record.failed;
      }
    }
  }

  static zones::journal_limits journal_limits(const server_config& c) {
    return {c.journal_max_changes, c.journal_max_size};
  }

  // After a dynamic update (on the updating worker's thread): every worker looks at the new
  // version, and the zone's secondaries are told (RFC 1996 §3.5, RFC 2136 §3.7) from the
  // control thread, which owns the NOTIFY sender and the configuration.
  void zone_updated(const dns::name& origin) {
    for (auto& w : workers) w->zones_changed();
    asio::post(control, [this, origin] {
      if (stopping) return;
      const auto zone = context->zones.load()->get(origin);
      if (!zone) return;
      for (const zone_config& z : config.zones) {
        std::error_code ec;
        if (!z.is_secondary() && dns::name::from_text(z.origin, ec) == origin && !ec) {
          notifier.notify(zone->soa().to_record(), notify_targets(z));
        }
      }
      schedule_file_sync(origin);
    });
  }

  // The zonefile-sync of a primary zone, in seconds; std::nullopt: never (-1), or not a
  // primary zone of the running configuration.
  std::optional<std::int32_t> zonefile_sync_of(const dns::name& origin) const {
    const zone_config* z = configured_zone(origin);
    if (z == nullptr || z->is_secondary()) return std::nullopt;  // a secondary has its own file
    const std::int32_t delay = z->zonefile_sync.value_or(config.zonefile_sync);
    if (delay < 0) return std::nullopt;
    return delay;
  }

  // After an update (control thread): the zone file is rewritten once the zone's zonefile-sync
  // has passed since the first update it does not hold; updates meanwhile go with it.
  void schedule_file_sync(const dns::name& origin,
                          std::optional<std::chrono::seconds> retry = std::nullopt) {
    if (stopping) return;
    const auto delay = zonefile_sync_of(origin);
    if (!delay) return;
    auto& timer = file_syncs[origin];
    if (timer) return;  // one is waiting already
    timer = std::make_unique<asio::steady_timer>(control,
                                                 retry.value_or(std::chrono::seconds(*delay)));
    timer->async_wait([this, origin](const boost::system::error_code& ec) {
      file_syncs.erase(origin);
      if (ec || stopping || !zonefile_sync_of(origin)) return;  // -1 since (a reload)
      // Not blocked behind a long reload (the control thread handles the signals): tried again.
      if (updater->sync_file(origin, std::chrono::milliseconds(100)) ==
          zone_updater::file_sync::busy) {
        schedule_file_sync(origin, std::chrono::seconds(1));
      }
    });
  }

  // At a graceful stop, after the workers ended (no update comes any more): every primary zone
  // whose file lags behind its updates is written (unless zonefile-sync is -1).
  void sync_files_at_stop() {
    file_syncs.clear();
    for (const zone_config& z : config.zones) {
      std::error_code ec;
      const dns::name origin = dns::name::from_text(z.origin, ec);
      if (ec || !zonefile_sync_of(origin)) continue;
      try {
        updater->sync_file(origin);
      } catch (const std::exception& e) {
        log::error("zone {}: file not written at stop: {}", z.origin, e.what());
      }
    }
  }

  std::vector<notify_target> notify_targets(const zone_config& z) const {
    const std::shared_ptr<const responder> processor = context->zones.processor();
    std::vector<notify_target> out;
    std::string ignored;
    for (const std::string& t : zone_notify(config, z).entries) {
      notify_target target;
      dns::name key_name;
      bool has_key = false;
      if (!detail::parse_notify_target(t, target.at, key_name, has_key, ignored)) continue;
      if (has_key) {
        const dns::tsig::key* k = processor->options().tsig_keys.find(key_name);
        if (k == nullptr) continue;  // validate() refuses such a configuration
        target.key = *k;
      }
      out.push_back(std::move(target));
    }
    return out;
  }

  void wait_signal() {
    signals->async_wait([this](const boost::system::error_code& ec, int signal) {
      if (ec) return;
      if (signal == SIGHUP) {
        // Armed again first: whatever the reload does, the next signal is heard.
        wait_signal();
        do_reload();
      } else {
        log::info("signal {}: stopping", signal == SIGINT ? "SIGINT" : "SIGTERM");
        do_stop();
      }
    });
  }

  // Answers the POST /reload requests in `waiting` (the HTTP thread writes the answers).
  static void answer(std::vector<http_handlers::reload_done>& waiting, unsigned status,
                     const std::string& body) {
    for (auto& done : waiting) done(status, body);
    waiting.clear();
  }
  static std::string failure_json(std::string_view why) {
    reload_summary summary;
    summary.error = why;
    return summary.to_json();
  }

  // POST /reload (`zone` empty) and POST /reload?zone=NAME, on the control thread.
  void reload_requested(const std::string& zone, http_handlers::reload_done done) {
    if (stopping) {
      done(503, failure_json("the server is stopping"));
      return;
    }
    if (!zone.empty()) {
      zone_reload_requested(zone, std::move(done));
      return;
    }
    waiting_next.push_back(std::move(done));
    do_reload();
  }

  const zone_config* configured_zone(const dns::name& origin) const {
    for (const zone_config& z : config.zones) {
      std::error_code ec;
      const dns::name name = dns::name::from_text(z.origin, ec);
      if (!ec && name == origin) return &z;
    }
    return nullptr;
  }

  // One zone (knotc zone-reload, rndc reload ZONE): a zone read from a file is read again on the
  // reload thread, after any reload running or waiting; a secondary zone asks its primary now
  // (202: the refresh's outcome is in the log and /status).
  void zone_reload_requested(const std::string& text, http_handlers::reload_done done) {
    std::error_code ec;
    const dns::name origin = dns::name::from_text(text, ec);  // relative: taken as absolute
    if (ec) {
      done(400, failure_json(fmt::format("zone '{}': not a domain name: {}", text, ec.message())));
      return;
    }
    const zone_config* z = configured_zone(origin);
    if (z == nullptr) {
      done(404, failure_json(fmt::format("zone {}: not a zone of this server", origin.to_text())));
      return;
    }
    if (z->is_secondary()) {
      log::info("zone {}: refresh asked over HTTP", z->origin);
      secondaries->refresh(origin);
      reload_summary summary;
      summary.ok = true;
      const auto served = context->zones.load()->get(origin);
      summary.zones.push_back({z->origin, z->file.string(), "refresh started",
                               served ? std::optional(served->serial()) : std::nullopt, {}});
      done(202, summary.to_json());
      return;
    }
    for (auto& queued : zone_reloads) {
      if (queued.origin == origin) {  // not started yet: one read answers both
        queued.waiting.push_back(std::move(done));
        return;
      }
    }
    zone_reloads.push_back({origin, {}});
    zone_reloads.back().waiting.push_back(std::move(done));
    start_next_reload();
  }

  // Whether a reload runs now (one that ended without saying so is counted as over).
  bool reload_running() {
    if (reloading && reload_lost.exchange(false)) {
      reloading = false;
      reload_pending = false;
      answer(waiting_running, 500, failure_json("the reload could not report its result"));
    }
    return reloading;
  }

  // When the reload thread is free: a whole reload asked for during the last one first, then
  // the zones asked for one by one.
  void start_next_reload() {
    if (stopping || reload_running()) return;
    if (reload_pending) {
      reload_pending = false;
      do_reload();
      return;
    }
    if (zone_reloads.empty()) return;
    zone_reload_request request = std::move(zone_reloads.front());
    zone_reloads.pop_front();
    const zone_config* z = configured_zone(request.origin);
    if (z == nullptr || z->is_secondary()) {  // a configuration reload changed it meanwhile
      answer(request.waiting, 404,
             failure_json(fmt::format("zone {}: not a zone of this server", request.origin.to_text())));
      start_next_reload();
      return;
    }
    log::info("reloading zone {}", z->origin);
    service_notify::reloading();
    waiting_running = std::move(request.waiting);
    start_reload_thread([this, one = *z, previous = updater->primaries()](reload_outcome& outcome) {
      outcome.only_zone.push_back(one);
      outcome.load = load_zones(outcome.only_zone, previous.get(), zone_load_options(config, &cancel_reload));
      if (!outcome.load->cancelled) {
        std::lock_guard writer(updater->writer_lock());
        journal_against_served(*outcome.load, journal_limits(config));
        if (!outcome.load->cancelled) updater->install_zone(*outcome.load);
      }
    });
  }

  // Under the writer lock: the difference of each zone read from the version served now (which
  // may hold dynamic updates its file does not) goes to its journal (zone_journal.hpp).
  void journal_against_served(zone_load_report& load, const zones::journal_limits& limits) {
    const auto current = updater->primaries();
    journal_zone_changes(load, current.get(), limits, &cancel_reload,
                         [this](const dns::name& origin) { return updater->ahead_of_file(origin); });
  }

  void do_stop() {
    if (stopping) return;
    stopping = true;
    service_notify::stopping();
    answer(waiting_running, 503, failure_json("the server is stopping"));
    answer(waiting_next, 503, failure_json("the server is stopping"));
    for (auto& request : zone_reloads) answer(request.waiting, 503, failure_json("the server is stopping"));
    zone_reloads.clear();
    if (http) http->stop();
    if (signals) {
      boost::system::error_code ignored;
      signals->cancel(ignored);
    }
    cancel_reload.store(true);
    notifier.cancel();
    for (auto& [origin, timer] : file_syncs) timer->cancel();  // written after the workers end
    if (secondaries) secondaries->stop();
    for (auto& w : workers) w->stop();
    control_work.reset();
  }

  void join_reload_thread() {
    if (reload_thread.joinable()) reload_thread.join();
  }

  void do_reload() {
    if (stopping) return;
    if (reload_running()) {
      if (!reload_pending) log::info("reload requested during a reload: it follows this one");
      reload_pending = true;
      return;
    }
    if (reread) {
      log::info("reloading the configuration and its zones");
    } else {
      log::info("reloading {} zone(s)", config.zones.size());
    }
    if (secondaries) secondaries->refresh_all();  // a secondary's SIGHUP: ask its primary now
    service_notify::reloading();
    if (context->query_logger) context->query_logger->reopen();  // after log rotation
    waiting_running.insert(waiting_running.end(), std::make_move_iterator(waiting_next.begin()),
                           std::make_move_iterator(waiting_next.end()));
    waiting_next.clear();
    start_reload_thread([this, previous = updater->primaries(),
                         running = context->zones.processor()](reload_outcome& outcome) {
      if (!reread || read_config(outcome, running->options())) {
        const server_config& use = outcome.fresh ? *outcome.fresh : config;
        // The files are read without the writer lock (updates go on meanwhile); their versions
        // are then weighed against the versions served at that moment.
        outcome.load = load_zones(use.zones, previous.get(), zone_load_options(use, &cancel_reload));
        if (!outcome.load->cancelled) {
          std::lock_guard writer(updater->writer_lock());
          journal_against_served(*outcome.load, journal_limits(use));
          if (!outcome.load->cancelled) updater->install(*outcome.load, use.zones, journal_limits(use));
        }
      }
    });
  }

  // Runs `work` on the reload thread; its outcome goes to finish_reload on the control thread.
  void start_reload_thread(std::function<void(reload_outcome&)> work) {
    try {
      join_reload_thread();
      reloading = true;
      // Nothing may escape this thread (that would end the process): every failure is told
      // and leaves the zones as they are.
      reload_thread = std::thread([this, work = std::move(work)]() noexcept {
        std::unique_ptr<reload_outcome> outcome;
        try {
          outcome = std::make_unique<reload_outcome>();
          work(*outcome);
        } catch (const std::exception& e) {
          outcome.reset();
          log_quietly("reload failed, every zone keeps its version: ", e.what());
        } catch (...) {
          outcome.reset();
          log_quietly("reload failed, every zone keeps its version: ", "unknown error");
        }
        try {
          asio::post(control, [this, outcome = std::shared_ptr<reload_outcome>(std::move(outcome))] {
            finish_reload(outcome.get());
          });
        } catch (...) {
          // The control thread learns at the next reload asked for that this one is over.
          reload_lost.store(true);
          log_quietly("reload: cannot hand the result back", "");
        }
      });
    } catch (const std::exception& e) {
      reloading = false;
      log::error("reload failed to start, every zone keeps its version: {}", e.what());
      answer(waiting_running, 500, failure_json(std::string("the reload failed to start: ") + e.what()));
      service_notify::ready();
    }
  }

  // On the reload thread: the configuration as the operator now has it, checked whole. Any
  // error refuses it (false, outcome.config_error set and logged).
  bool read_config(reload_outcome& outcome, const responder_options& running) {
    auto fresh = std::make_unique<server_config>();
    std::string error;
    log::level level{};
    responder_options options;
    if (!reread(*fresh, error) || !validate(*fresh, error)) {
      // error is already "FILE:LINE:COLUMN: ..." when the place is known
    } else if (!log::parse_level(fresh->log_level, level)) {
      error = fmt::format("unknown log level '{}'", fresh->log_level);
    } else if (make_responder_options(*fresh, options, error, &running)) {
      options.updates = updater;
      outcome.needs_restart = keep_restart_settings(config, *fresh, context->rate_limit != nullptr);
      for (const std::string& key : outcome.needs_restart) {
        log::warning("reload: {} changed in the configuration; it needs a restart, the running "
                     "value stays", key);
      }
      outcome.processor = std::make_shared<const responder>(std::move(options));
      outcome.fresh = std::move(fresh);
      return true;
    }
    outcome.config_error = error;
    log::error("reload: configuration refused, the running one and every zone stay as they "
               "were: {}", error);
    return false;
  }

  void finish_reload(reload_outcome* outcome) {
    reloading = false;
    join_reload_thread();
    if (stopping) return;
    reload_summary summary;
    if (outcome != nullptr && outcome->load && !outcome->load->cancelled) {
      summary = outcome->only_zone.empty() ? publish_reload(*outcome) : publish_zone_reload(*outcome);
    } else {
      context->counters.reloads_failed.fetch_add(1, std::memory_order_relaxed);
      if (outcome != nullptr && !outcome->config_error.empty()) {
        summary.config = reload_summary::configuration::refused;
        summary.error = outcome->config_error;
      } else {
        summary.error = "the reload failed, every zone keeps its version (see the log)";
      }
      service_notify::ready();
    }
    try {
      answer(waiting_running, summary.ok ? 200 : 500, summary.to_json());
    } catch (const std::exception& e) {
      log::error("reload: cannot answer POST /reload: {}", e.what());
      waiting_running.clear();
    }
    start_next_reload();
  }

  // Publishes the primary zones as they are now (read from files, then updated) with the
  // secondaries' current copies, as one set, answered by `processor` (the running one when
  // null).
  void publish_zones(std::shared_ptr<const responder> processor = nullptr) {
    updater->publish(secondaries ? secondaries->served()
                                 : std::vector<std::shared_ptr<const zones::zone>>{},
                     secondaries ? secondaries->histories()
                                 : std::vector<std::shared_ptr<const zones::zone_history>>{},
                     std::move(processor));
    for (auto& w : workers) w->zones_changed();
  }

  // A secondary zone's copy changed (control thread): serve it, and after a transfer tell this
  // zone's own secondaries (RFC 1996 §3.5).
  void secondary_changed(const zone_config& z, bool transferred) {
    if (stopping) return;
    publish_zones();
    if (!transferred) return;
    const auto set = context->zones.load();
    std::error_code ec;
    if (const auto zone = set->get(dns::name::from_text(z.origin, ec))) {
      notifier.notify(zone->soa().to_record(), notify_targets(z));
    }
  }

  // One zone's line in the reload's answer and in the log; after a new version, NOTIFY.
  void summarize_zone_load(const zone_load_status& s, reload_summary& summary) {
    summary.zones.push_back({s.config->origin, s.config->file.string(),
                             !s.loaded ? "failed"
                             : s.old_serial && *s.old_serial == s.zone->serial() ? "unchanged"
                                                                                 : "loaded",
                             s.zone ? std::optional(s.zone->serial()) : std::nullopt, s.error});
    if (s.zone && s.ahead_of_file) schedule_file_sync(s.zone->origin());
    if (!s.loaded) {
      if (s.zone) {
        log::error("zone {} ({}): reload failed, still serving serial {}", s.config->origin,
                   s.config->file.string(), s.zone->serial());
      } else {
        log::error("zone {} ({}): reload failed, not served", s.config->origin,
                   s.config->file.string());
      }
      return;
    }
    if (s.old_serial && *s.old_serial == s.zone->serial()) {
      log::info("zone {}: reloaded, serial {} unchanged", s.config->origin, s.zone->serial());
      return;
    }
    if (s.old_serial) {
      log::info("zone {}: reloaded, serial {} -> {}, {} records", s.config->origin,
                *s.old_serial, s.zone->serial(), s.zone->record_count());
    } else {
      log::info("zone {}: loaded, serial {}, {} records", s.config->origin, s.zone->serial(),
                s.zone->record_count());
    }
    // RFC 1996 §3.5: tell the secondaries the zone changed.
    notifier.notify(s.zone->soa().to_record(), notify_targets(*s.config));
  }

  // A reloaded rate-limit or rate-limit-slip, on the table made at start; 0 stops limiting (the
  // table stays, counting, until a restart).
  void apply_rate_limit() {
    if (config.rate_limit == 0) {
      context->rate_limit->reconfigure(rate_limiter::max_limit, 0);
      log::info("rate limit: off (until rate-limit is set again)");
      return;
    }
    context->rate_limit->reconfigure(config.rate_limit, config.rate_limit_slip);
    log::info("rate limit: {} identical answers/s, slip {}", context->rate_limit->limit(),
              context->rate_limit->slip());
  }

  // POST /reload?zone=: the zone read takes its place among the zones served; the others stay as
  // they are, with their IXFR histories.
  reload_summary publish_zone_reload(reload_outcome& outcome) {
    zone_load_report& report = *outcome.load;
    reload_summary summary;
    summary.ok = report.failed == 0;
    if (report.zones.size() != 1) {  // cannot be: load_zones reports each zone it was given
      summary.ok = false;
      summary.error = "the zone was not read";
      return summary;
    }
    std::error_code ec;
    zone_load_status status = report.zones.front();
    const dns::name origin = dns::name::from_text(status.config->origin, ec);
    // The running configuration's entry, not the reload thread's copy, is remembered.
    status.config = configured_zone(origin);
    if (ec || status.config == nullptr) {  // cannot be: the configuration changes only between reloads
      summary.ok = false;
      summary.error = "the zone left the configuration during its reload";
      return summary;
    }
    record_zone_loads(report, false);
    const auto same = std::find_if(last_load.zones.begin(), last_load.zones.end(),
                                   [&](const zone_load_status& z) { return z.config == status.config; });
    if (same != last_load.zones.end()) *same = status;
    else last_load.zones.push_back(status);
    publish_zones();  // the zone_updater holds the zone read (install_zone) beside the others
    (summary.ok ? context->counters.reloads_ok : context->counters.reloads_failed)
        .fetch_add(1, std::memory_order_relaxed);
    summarize_zone_load(status, summary);
    service_notify::ready();
    return summary;
  }

  reload_summary publish_reload(reload_outcome& outcome) {
    zone_load_report& report = *outcome.load;
    reload_summary summary;
    summary.ok = report.failed == 0;
    summary.config = outcome.fresh ? reload_summary::configuration::reread
                                   : reload_summary::configuration::not_reread;
    summary.needs_restart = outcome.needs_restart;
    record_zone_loads(report, outcome.fresh != nullptr);
    const auto before = context->zones.load();
    publish_zones(outcome.processor);
    if (outcome.fresh) {
      last_load = {};  // it points into the configuration replaced here
      const unsigned old_rate_limit = config.rate_limit;
      const unsigned old_slip = config.rate_limit_slip;
      config = std::move(*outcome.fresh);
      log::level level{};
      if (log::parse_level(config.log_level, level)) log::set_level(level);
      if (context->rate_limit && (config.rate_limit != old_rate_limit || config.rate_limit_slip != old_slip)) {
        apply_rate_limit();
      }
      const auto after = context->zones.load();
      for (const auto& z : before->zones()) {
        if (!after->get(z->origin())) {
          log::info("zone {}: not in the configuration any more, no longer served", z->origin().to_text());
          summary.removed.push_back(z->origin().to_text());
        }
      }
    }
    // Counted before the lines below are logged, so whoever reads those sees the count.
    (report.failed == 0 ? context->counters.reloads_ok : context->counters.reloads_failed)
        .fetch_add(1, std::memory_order_relaxed);
    for (const zone_load_status& s : report.zones) {
      if (s.config != nullptr) summarize_zone_load(s, summary);
    }
    last_load = std::move(report);
    service_notify::ready();
    return summary;
  }
};

server::server(server_config config) : impl_(std::make_unique<impl>(std::move(config))) {}

server::~server() {
  // run() joined the workers; when it never ran, nothing was started.
}

bool server::start(std::string& error) {
  impl& s = *impl_;
  if (!validate(s.config, error)) return false;
  log::level level{};
  if (!log::parse_level(s.config.log_level, level)) {
    error = fmt::format("unknown log level '{}' (error, warning, info, debug)", s.config.log_level);
    return false;
  }
  log::set_level(level);

  responder_options options;
  if (!make_responder_options(s.config, options, error)) return false;
  transport_settings transport;
  transport.tcp_idle_timeout = s.config.tcp_idle_timeout;
  transport.tcp_max_connections = s.config.tcp_max_connections;
  transport.tcp_max_pending_output = s.config.tcp_max_buffer;
  transport.axfr_max_concurrent = s.config.axfr_max_concurrent;
  transport.axfr_max_time = s.config.axfr_max_time;
  transport.udp_max_response = std::max<std::uint16_t>(512, s.config.edns_udp_size);
  s.context = std::make_unique<server_context>(transport);
  s.updater = std::make_shared<zone_updater>(
      s.context->zones, [impl = &s](const dns::name& origin) { impl->zone_updated(origin); });
  options.updates = s.updater;
  s.context->metrics = !s.config.http.empty();
  if (s.config.rate_limit > 0) {
    s.context->rate_limit = std::make_unique<rate_limiter>(s.config.rate_limit, s.config.rate_limit_slip);
  }

  // Zones first: a broken zone must stop the start before any port is taken. A secondary zone's
  // file is only its last copy: a missing or broken one is transferred again, not fatal.
  zone_load_report report = load_zones(s.config.zones, nullptr, zone_load_options(s.config));
  if (report.failed > 0) {
    for (const auto& z : report.zones) {
      if (!z.loaded) {
        error = fmt::format("zone {} ({}) not loaded: see the errors above", z.config->origin,
                            z.config->file.string());
        return false;
      }
    }
  }
  journal_zone_changes(report, nullptr, impl::journal_limits(s.config));
  {
    std::lock_guard writer(s.updater->writer_lock());
    s.updater->install(report, s.config.zones, impl::journal_limits(s.config));
  }
  s.context->zones.publish(report.set, std::make_shared<const responder>(std::move(options)));
  s.record_zone_loads(report, false);
  s.secondaries = std::make_unique<secondary_set>(
      s.control, s.config, s.context->zones.processor()->options().tsig_keys,
      [impl = &s](const zone_config& z, bool transferred) { impl->secondary_changed(z, transferred); });
  s.secondaries->load_files();
  s.context->notify_received = [impl = &s](const dns::name& zone, outcome::notify_verdict verdict,
                                           const request_info& client) {
    std::string from = client_text(client);
    if (client.tsig_key != nullptr) from += " key " + client.tsig_key->to_text();
    asio::post(impl->control, [impl, zone, verdict, from = std::move(from)] {
      if (!impl->stopping) impl->secondaries->notified(zone, verdict, from);
    });
  };
  s.publish_zones();

  unsigned threads = s.config.threads;
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  const std::vector<std::string> listen = s.config.listen.empty() ? default_listen() : s.config.listen;
  // `threads` TCP workers, then `threads` UDP workers per listener (server_worker.hpp).
  const auto most_workers = static_cast<unsigned>(threads * (1 + listen.size()));
  // A UDP socket and a TCP acceptor per listener and thread, three for each worker's
  // io_context (epoll, its wake-up and its timer), and some for zone files and logs.
  // The HTTP endpoint's descriptors are kept apart too: a flood of HTTP clients never takes
  // those of DNS TCP connections.
  const std::size_t reserved = 2 * listen.size() * threads + 3 * std::size_t{most_workers} + 64 +
                               (s.config.http.empty() ? std::size_t{0} : http_server::max_connections + 2);
  unsigned max_connections = fit_descriptor_limit(s.config.tcp_max_connections, reserved);
  if (max_connections < s.config.tcp_max_connections) {
    log::warning("tcp-max-connections {} does not fit the open-file limit (ulimit -n): at most {} "
                 "connections", s.config.tcp_max_connections, max_connections);
  }
  if (s.config.query_log) {
    s.context->query_logger = query_log::open(make_query_log_settings(s.config), most_workers, error);
    if (!s.context->query_logger) return false;
  }
  const unsigned per_worker = (max_connections + threads - 1) / threads;
  s.threads = threads;
  for (unsigned i = 0; i < threads; ++i) {
    s.workers.push_back(std::make_unique<server_worker>(*s.context, i, per_worker));
  }

  for (const std::string& text : listen) {
    endpoint_spec spec;
    if (!parse_endpoint(text, spec, error)) return false;
    std::uint16_t port = 0;
    if (auto ec = probe_port(spec, port)) {
      // The default [::1]:53 on a host without IPv6 is skipped, not fatal; an address the
      // operator asked for must work.
      const bool no_ipv6 = ec == std::errc::address_not_available ||
                           ec == std::errc::address_family_not_supported;
      if (s.config.listen.empty() && spec.ipv6 && no_ipv6) {
        log::warning("{} (skipped: no IPv6 on this host)", bind_error_text(spec, ec));
        continue;
      }
      error = bind_error_text(spec, ec);
      return false;
    }
    const auto address = asio::ip::make_address(spec.address);
    const bool shared = threads > 1;
    for (unsigned i = 0; i < threads; ++i) {
      auto udp_worker = std::make_unique<server_worker>(
          *s.context, static_cast<unsigned>(s.workers.size()), per_worker);
      asio::ip::udp::socket udp(udp_worker->io());
      if (auto ec = open_udp(udp, {address, port}, shared)) {
        error = bind_error_text({spec.address, port, spec.ipv6}, ec);
        return false;
      }
      server_worker& tcp_worker = *s.workers[i];
      asio::ip::tcp::acceptor tcp(tcp_worker.io());
      if (auto ec = open_tcp(tcp, {address, port}, shared)) {
        error = bind_error_text({spec.address, port, spec.ipv6}, ec);
        return false;
      }
      udp_worker->add_udp(std::move(udp));
      tcp_worker.add_tcp(std::move(tcp));
      s.workers.push_back(std::move(udp_worker));
    }
    spec.port = port;
    s.bound.push_back(spec);
  }

  if (!s.config.http.empty()) {
    endpoint_spec where;
    if (!parse_endpoint(s.config.http, where, error)) return false;
    http_handlers handlers =
        make_http_handlers({s.context.get(), &s.notifier.counters(), &s.workers, s.bound, s.started,
                            s.secondaries.get()});
    handlers.reload = [&s](std::string zone, http_handlers::reload_done done) {
      asio::post(s.control, [&s, zone = std::move(zone), done = std::move(done)]() mutable {
        s.reload_requested(zone, std::move(done));
      });
    };
    if (!acl::parse(s.config.http_allow_reload, handlers.reload_allowed, error)) {
      error = "http allow-reload: " + error;
      return false;
    }
    s.http = http_server::open(where, std::move(handlers), error);
    if (!s.http) return false;
  }

  for (const auto& z : report.zones) {
    log::info("zone {} serial {}, {} records, from {}", z.config->origin, z.zone->serial(),
              z.zone->record_count(), z.config->file.string());
    log::info("zone {}: {}", z.config->origin, describe_zone_lists(s.config, *z.config));
  }
  s.last_load = std::move(report);
  return true;
}

std::vector<endpoint_spec> server::listening() const { return impl_->bound; }

void server::run(bool install_signal_handlers) {
  impl& s = *impl_;
  if (install_signal_handlers) {
    s.signals.emplace(s.control, SIGINT, SIGTERM, SIGHUP);
    s.wait_signal();
  }
  std::string where;
  for (const auto& b : s.bound) where += " " + b.to_string();
  log::info("listening on udp+tcp{} with {} thread(s), {} zone(s)", where, s.threads,
            s.config.zones.size());
  if (s.http) {
    s.http->start();
    log::info("http: POST /reload from {}",
              s.config.http_allow_reload.empty() ? std::string("nobody")
                                                 : fmt::format("{}", fmt::join(s.config.http_allow_reload, ", ")));
    log::info("http: GET /metrics and /status on {}", s.http->bound().to_string());
  }
  log::always("ready{}", where);
  service_notify::ready();

  std::mutex mutex;
  std::condition_variable cv;
  std::size_t finished = 0;
  std::vector<std::thread> threads;
  for (auto& w : s.workers) {
    threads.emplace_back([&, worker = w.get()] {
      worker->run();
      std::lock_guard lock(mutex);
      ++finished;
      cv.notify_all();
    });
  }
  s.secondaries->start();
  // Secondaries learn about the zones we start with (as NSD and Knot notify at start).
  for (const auto& z : s.last_load.zones) {
    if (z.zone) s.notifier.notify(z.zone->soa().to_record(), s.notify_targets(*z.config));
    if (z.zone && z.ahead_of_file) s.schedule_file_sync(z.zone->origin());  // replayed updates
  }

  for (;;) {
    try {
      s.control.run();
      break;
    } catch (const std::exception& e) {
      log::error("control: {}", e.what());
    }
  }
  // A reload still running was told to give up (do_stop): it ends at its next record.
  s.cancel_reload.store(true);
  s.join_reload_thread();

  {
    std::unique_lock lock(mutex);
    if (!cv.wait_for(lock, stop_deadline, [&] { return finished == threads.size(); })) {
      log::warning("stop: answers still in flight after {} s; closing", stop_deadline.count());
      for (auto& w : s.workers) w->io().stop();
    }
  }
  for (auto& t : threads) t.join();
  s.sync_files_at_stop();
  log::info("stopped");
}

void server::stop() {
  asio::post(impl_->control, [s = impl_.get()] { s->do_stop(); });
}

void server::reread_config_with(config_reader reader) { impl_->reread = std::move(reader); }

void server::reload() {
  asio::post(impl_->control, [s = impl_.get()] { s->do_reload(); });
}

}  // namespace dnskit::nameserver
