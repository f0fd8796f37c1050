// One refresh of a secondary zone from its primary (secondary_client.hpp).
#include "secondary_client.hpp"

#include <algorithm>
#include <array>
#include <random>

#include <fmt/core.h>

#include "dnskit/dns/serial_number.hpp"
#include "dnskit/zones/update.hpp"
#include "secondary_axfr.hpp"
#include "secondary_ixfr.hpp"

// GCC 12 reports -Wmismatched-new-delete at the end of each coroutine here: Asio 1.18 allocates
// coroutine frames with its recycling allocator and frees them with the matching operator
// delete, which GCC cannot see through once inlined (the resolver's asio.hpp says the same).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

namespace dnskit::nameserver {
namespace {

using std::chrono::steady_clock;

std::uint64_t unix_now() {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::seconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count());
}

// RFC 1035 §4.2.2: each message over TCP goes with a 2-byte length in front.
asio::awaitable<void> send_message(refresh_connection& c, std::vector<std::uint8_t> message,
                                   std::chrono::milliseconds io_timeout) {
  const std::array<std::uint8_t, 2> length = {static_cast<std::uint8_t>(message.size() >> 8),
                                              static_cast<std::uint8_t>(message.size() & 0xff)};
  const std::array<asio::const_buffer, 2> buffers = {asio::buffer(length), asio::buffer(message)};
  c.arm(io_timeout);
  co_await asio::async_write(c.socket(), buffers, asio::use_awaitable);
}

asio::awaitable<void> receive_message(refresh_connection& c, std::vector<std::uint8_t>& message,
                                      std::chrono::milliseconds io_timeout) {
  std::array<std::uint8_t, 2> length{};
  c.arm(io_timeout);
  co_await asio::async_read(c.socket(), asio::buffer(length), asio::use_awaitable);
  message.resize((std::size_t{length[0]} << 8) | length[1]);
  c.arm(io_timeout);
  co_await asio::async_read(c.socket(), asio::buffer(message), asio::use_awaitable);
}

std::chrono::milliseconds since(steady_clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(steady_clock::now() - start);
}

// A read, write or connect that failed, in one line.
std::string io_problem(const refresh_connection& c, const boost::system::system_error& e,
                       const std::string& stage, steady_clock::time_point started,
                       const refresh_request& request) {
  if (c.aborted()) return "stopped";
  if (c.timed_out()) {
    return since(started) >= request.max_time
               ? fmt::format("{}: cut after {} ms (axfr-max-time)", stage, request.max_time.count())
               : fmt::format("{}: no progress for {} ms (tcp-idle-timeout)", stage,
                             request.io_timeout.count());
  }
  if (e.code() == asio::error::eof) return stage + ": the primary closed the connection";
  return stage + ": " + e.code().message();
}

// The changes of an incremental answer applied to `current` in order; nullptr (and `why`) when
// one does not apply: then none is (the caller falls back to AXFR).
std::shared_ptr<const zones::zone> apply_changes(std::shared_ptr<const zones::zone> current,
                                                 const std::vector<zones::zone_change>& changes,
                                                 const zones::check_options& checks,
                                                 std::string& why) {
  for (const zones::zone_change& change : changes) {
    std::string problem;
    current = zones::apply_transferred_change(*current, change, checks, problem);
    if (!current) {
      why = fmt::format("the change from serial {} to {} does not apply: {}", change.serial_from,
                        change.serial_to, problem);
      return nullptr;
    }
  }
  return current;
}

}  // namespace

void refresh_connection::arm(std::chrono::milliseconds io_timeout) {
  const auto now = steady_clock::now();
  const auto until = deadline_ - now > io_timeout ? now + io_timeout : deadline_;
  timer_.expires_at(until);
  timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
    if (ec) return;  // re-armed or cancelled
    self->timed_out_ = true;
    boost::system::error_code ignored;
    self->socket_.close(ignored);  // the pending read or write ends with an error
  });
}

void refresh_connection::reopen() {
  if (aborted_) return;
  boost::system::error_code ignored;
  timer_.cancel();
  socket_.close(ignored);
  timed_out_ = false;
}

void refresh_connection::abort() {
  aborted_ = true;
  boost::system::error_code ignored;
  timer_.cancel();
  socket_.close(ignored);
}

asio::awaitable<refresh_result> refresh(std::shared_ptr<refresh_connection> connection,
                                        refresh_request request) {
  refresh_connection& c = *connection;
  refresh_result result;
  const auto started = steady_clock::now();
  c.set_deadline(started + request.max_time);
  const dns::tsig::key* key = request.key ? &*request.key : nullptr;
  std::mt19937 random(std::random_device{}());
  std::string stage = "connect";
  try {
    c.arm(request.io_timeout);
    co_await c.socket().async_connect(request.primary, asio::use_awaitable);

    // RFC 1035 §4.3.5: the primary's SOA first; its serial says whether to transfer.
    stage = "SOA query";
    std::vector<std::uint8_t> message;
    dns::tsig::mac_bytes mac;
    const auto soa_id = static_cast<std::uint16_t>(random());
    co_await send_message(c, make_transfer_query(request.origin, dns::rr_type::soa, soa_id, key,
                                                 unix_now(), mac),
                          request.io_timeout);
    co_await receive_message(c, message, request.io_timeout);
    const auto serial =
        read_soa_answer(message, request.origin, soa_id, key, mac, unix_now(), result.error);
    if (!serial) {
      result.error = stage + ": " + result.error;
      result.took = since(started);
      co_return result;
    }
    result.primary_serial = *serial;
    if (request.our_serial && !dns::serial_newer(*serial, *request.our_serial)) {
      result.what = *serial == *request.our_serial ? refresh_result::kind::current
                                                   : refresh_result::kind::older;
      result.took = since(started);
      co_return result;
    }

    // RFC 1995 §3: the differences from our copy's serial, our SOA in the authority section.
    if (request.current) {
      stage = "IXFR";
      std::string why_not;
      try {
        ixfr_reader::settings s;
        s.origin = request.origin;
        s.our_serial = request.current->serial();
        s.id = static_cast<std::uint16_t>(random());
        s.key = key;
        s.max_bytes = request.max_bytes;
        s.checks = request.checks;
        s.source = "IXFR from " + request.primary_text;
        const dns::record our_soa = request.current->soa().to_record();
        co_await send_message(c, make_transfer_query(request.origin, dns::rr_type::ixfr, s.id,
                                                     key, unix_now(), s.request_mac, &our_soa),
                              request.io_timeout);
        ixfr_reader reader(std::move(s));
        ixfr_reader::status st = ixfr_reader::status::more;
        while (st == ixfr_reader::status::more) {
          co_await receive_message(c, message, request.io_timeout);
          st = reader.add(message, unix_now());
        }
        result.records = reader.records();
        result.bytes = reader.bytes();
        result.primary_serial = reader.serial();
        switch (st) {
          case ixfr_reader::status::current:
            // The primary's SOA said newer, its IXFR says not (it changed between the two).
            result.what = dns::serial_newer(request.current->serial(), reader.serial())
                              ? refresh_result::kind::older
                              : refresh_result::kind::current;
            break;
          case ixfr_reader::status::full:
            result.zone = reader.build(result.diagnostics);
            result.axfr_style = true;
            if (result.zone) result.what = refresh_result::kind::transferred;
            else why_not = "the zone checks refuse its AXFR-style answer";
            break;
          case ixfr_reader::status::incremental:
            result.changes = reader.take_changes();
            result.zone = apply_changes(request.current, result.changes, request.checks, why_not);
            if (result.zone) {
              result.what = refresh_result::kind::transferred;
              result.incremental = true;
            }
            break;
          default:
            why_not = reader.error();
            break;
        }
      } catch (const boost::system::system_error& e) {
        if (c.aborted()) throw;
        why_not = io_problem(c, e, stage, started, request);
      }
      if (why_not.empty()) {
        c.abort();
        result.took = since(started);
        co_return result;
      }
      // Whatever the IXFR left on the connection goes with it; the AXFR starts afresh.
      result = {};
      result.primary_serial = *serial;
      result.why_axfr = why_not.starts_with("IXFR") ? why_not : "IXFR: " + why_not;
      c.reopen();
      stage = "connect";
      c.arm(request.io_timeout);
      co_await c.socket().async_connect(request.primary, asio::use_awaitable);
    } else {
      result.why_axfr = "no copy yet";
    }

    // RFC 5936 §2.2: the whole zone, SOA first and last.
    stage = "AXFR";
    axfr_reader::settings s;
    s.origin = request.origin;
    s.id = static_cast<std::uint16_t>(random());
    s.key = key;
    s.max_bytes = request.max_bytes;
    s.checks = request.checks;
    s.source = "AXFR from " + request.primary_text;
    co_await send_message(c, make_transfer_query(request.origin, dns::rr_type::axfr, s.id, key,
                                                 unix_now(), s.request_mac),
                          request.io_timeout);
    axfr_reader reader(std::move(s));
    axfr_reader::status st = axfr_reader::status::more;
    while (st == axfr_reader::status::more) {
      co_await receive_message(c, message, request.io_timeout);
      st = reader.add(message, unix_now());
    }
    c.abort();  // done with the connection (the timer goes with it)
    result.records = reader.records();
    result.bytes = reader.bytes();
    if (st == axfr_reader::status::failed) {
      result.error = stage + ": " + reader.error();
    } else {
      result.primary_serial = reader.serial();
      result.zone = reader.build(result.diagnostics);
      result.what = result.zone ? refresh_result::kind::transferred : refresh_result::kind::rejected;
    }
  } catch (const boost::system::system_error& e) {
    result.error = io_problem(c, e, stage, started, request);
  } catch (const std::exception& e) {  // out of memory building a huge zone, say
    result.what = refresh_result::kind::failed;
    result.zone.reset();
    result.error = stage + ": " + e.what();
  }
  c.abort();
  result.took = since(started);
  co_return result;
}

}  // namespace dnskit::nameserver

#pragma GCC diagnostic pop
