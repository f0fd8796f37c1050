// Bulk mode: many names through one resolver (one c-ares channel, one socket per server), up
// to --parallel questions in flight. Results come back in any order and are printed in input
// order as soon as every earlier one is done, so memory holds only the window in flight.
#include <unistd.h>

#include <cstdio>
#include <deque>
#include <fstream>
#include <functional>
#include <iostream>
#include <string_view>

#include "bulk_report.hpp"
#include "commands.hpp"
#include "dnskit/dns/rdata.hpp"
#include "json_format.hpp"
#include "nslookup_format.hpp"
#include "render.hpp"
#include "session.hpp"

namespace dnskit::cli {
namespace {

struct job {
  std::string input;
  dns::rr_type type = dns::rr_type::a;
  bool reverse = false;
  dns::name qname;  // what is asked (absolute); as text only when a message needs it
  std::string bad;  // not a usable name
  std::size_t line = 0;  // in the input, for messages
};

struct result {
  bool done = false;
  resolver::error_code ec;
  dns::message response;
  double time_ms = 0;
};

std::string plain(const dns::name& n) {
  std::string text = n.to_text();
  if (text.size() > 1) text.pop_back();
  return text;
}

// The blanks that separate the words of an input line: those of `std::istream >>` in the "C"
// locale (isspace), without a stream and its locale per line.
bool is_blank(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

// The next word of `rest` (empty at the end), and `rest` moved past it.
std::string_view next_word(std::string_view& rest) noexcept {
  std::size_t begin = 0;
  while (begin < rest.size() && is_blank(rest[begin])) ++begin;
  std::size_t end = begin;
  while (end < rest.size() && !is_blank(rest[end])) ++end;
  const std::string_view word = rest.substr(begin, end - begin);
  rest.remove_prefix(end);
  return word;
}

// What failed, as one word for --short's "NAME ERROR" lines and the summary.
std::string failure_kind(const resolver::error_code& ec) {
  if (ec == resolver::errc::timeout) return "TIMEOUT";
  if (ec == resolver::errc::connection_refused) return "REFUSED-CONNECTION";
  return "UNREACHABLE";
}

// --stats for one name: its time and size (the resolver's one socket serves every name, so
// per-name bytes sent and the answering server are not told apart here).
std::string bulk_stats_line(const job& j, const result& r) {
  char time[32];
  std::snprintf(time, sizeof time, "%.3f", r.time_ms);
  return ";; " + dns::to_string(j.type) + " " + j.qname.to_text() + " answered in " + time + " ms, " +
         std::to_string(dns::encode(r.response).size()) + " bytes received\n";
}

// One name's output in the chosen mode, and its outcome counted in `report`.
void print_result(const settings& s, const style& st, const job& j, const result& r, std::string& out,
                  std::string& err, bool& failed, bulk_report& report) {
  const bool answered = !r.ec || r.ec == resolver::errc::nodata || r.ec == resolver::errc::nxdomain ||
                        r.ec == resolver::errc::servfail || r.ec == resolver::errc::refused ||
                        r.ec == resolver::errc::formerr || r.ec == resolver::errc::notimp ||
                        r.ec == resolver::errc::other_rcode;
  if (!j.bad.empty()) {
    err += "dnslookup: " + (*s.bulk == "-" ? std::string("<stdin>") : *s.bulk) + ":" + std::to_string(j.line) +
           ": " + j.bad + "\n";
    if (s.mode == output_mode::short_) out += j.input + "\tBADINPUT\n";
    report.failed("bad input lines", std::nullopt);
    failed = true;
    return;
  }
  if (!answered) {
    report.failed(r.ec == resolver::errc::timeout              ? std::string("timeouts")
                  : r.ec == resolver::errc::connection_refused ? std::string("connections refused")
                                                               : r.ec.message(),
                  std::nullopt);
  } else if (r.response.rcode() == dns::rcode::nxdomain) {
    report.nxdomain(r.time_ms);
  } else if (r.response.rcode() != dns::rcode::noerror) {
    report.failed(dns::to_string(r.response.rcode()), r.time_ms);
  } else {
    report.answered(r.time_ms);
  }
  if (s.mode == output_mode::json) {
    exchange ex;
    ex.question = {j.qname, j.type, s.qclass};
    ex.error = r.ec;
    ex.has_response = answered;
    if (answered) ex.response = r.response;
    ex.server = {s.server.addresses.front(), s.port};
    ex.proto = s.vc ? resolver::transport::tcp : resolver::transport::udp;
    ex.time_ms = r.time_ms;
    if (answered) ex.bytes_received = dns::encode(r.response).size();
    out += json_item(s, exchange_json(ex, j.input, s.server.userarg));
    if (!answered || r.response.rcode() != dns::rcode::noerror) failed = true;
    return;
  }
  if (!answered) {
    err += ";; " + j.input + ": " +
           (r.ec == resolver::errc::timeout ? std::string("timed out")
            : r.ec == resolver::errc::connection_refused ? std::string("connection refused")
                                                          : r.ec.message()) + "\n";
    // --short keeps every name in its output: "NAME ERROR".
    if (s.mode == output_mode::short_) out += j.input + "\t" + failure_kind(r.ec) + "\n";
    failed = true;
    return;
  }
  const dns::message& m = r.response;
  if (s.mode == output_mode::short_) {
    if (m.rcode() != dns::rcode::noerror) {
      out += j.input + "\t" + dns::to_string(m.rcode()) + "\n";
      failed = true;
    }
    for (const dns::record& rec : m.answer) {
      if (rec.type != j.type && j.type != dns::rr_type::any) continue;
      // Appended in place: no temporary strings per line.
      out += j.input;
      out += '\t';
      dns::append_rdata_text(rec.type, rec.rdata, out);
      out += '\n';
    }
    if (s.stats) err += bulk_stats_line(j, r);
    return;
  }
  // nslookup's words, without the Server: header (printed once at the top).
  if (m.rcode() != dns::rcode::noerror) {
    out += st.paint(role::error, "** server can't find " +
                                     plain(m.questions.empty() ? j.qname : m.questions.front().qname) +
                                     ": " + dns::to_string(m.rcode())) + "\n";
    failed = true;
  } else {
    if (!m.hdr.aa) out += "Non-authoritative answer:\n";
    if (m.answer.empty()) out += "*** Can't find " + j.input + ": No answer\n";
    else print_section(out, m.answer, true, st);
  }
  if (s.stats) out += bulk_stats_line(j, r);
  out += "\n";
}

// The names a regular file holds (lines that are not blank or comments), for the ETA;
// std::nullopt for standard input or a pipe.
std::optional<std::size_t> count_names(const std::string& path) {
  if (path == "-") return std::nullopt;
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::size_t names = 0;
  for (std::string line; std::getline(in, line);) {
    const std::size_t first = line.find_first_not_of(" \t\r");
    if (first != std::string::npos && line[first] != '#' && line[first] != ';') ++names;
  }
  return names;
}

}  // namespace

int run_bulk(const settings& s, const style& st) {
  std::ifstream file;
  std::istream* in = &std::cin;
  if (*s.bulk != "-") {
    file.open(*s.bulk);
    if (!file) {
      std::fprintf(stderr, "dnslookup: cannot read '%s'\n", s.bulk->c_str());
      return 1;
    }
    in = &file;
  }
  const dns::rr_type default_type = s.types.empty() ? dns::rr_type::a : s.types.front();

  // One thread runs everything: the hint lets Asio's scheduler keep the handlers it queues from
  // inside handlers on that thread, without its lock.
  boost::asio::io_context io(1);
  resolver::options opts;
  for (const auto& a : s.server.addresses) opts.servers.push_back({a, s.port});
  opts.timeout = std::chrono::milliseconds(s.timeout_ms(s.vc));
  // Tries as for a single lookup: the library's rounds, each with the same timeout.
  opts.tries = 1;
  opts.tcp_only = s.vc;
  opts.no_recursion = !s.recurse;
  opts.resolv_conf = "/dev/null";
  opts.hosts_file = false;
  // Hundreds of answers can arrive between two reads of the one UDP socket: the resolver's
  // automatic settings (0) ask for a 4 MiB receive buffer and hand c-ares no more queries than
  // the buffer the kernel grants holds, so --parallel 1000 never turns lost answers into
  // timeouts (the rest wait in the resolver's queue) even where rmem_max is the stock 208 KiB.
  opts.socket_receive_buffer = 0;
  opts.max_in_flight = 0;
  // A name listed twice is asked once: the resolver's cache lives for this run only.
  opts.cache_entries = 10000;
  resolver::resolver res(io, opts);

  resolver::query_options qopts = question_options(s);
  qopts.rounds = s.tries;
  // Short and nslookup-style lines print the answer section only; JSON shows every section.
  qopts.answer_only = s.mode != output_mode::json;

  // Progress only for a person: stderr a terminal (a log file would fill with "\r" lines).
  const bool progress = ::isatty(STDERR_FILENO) == 1;
  bulk_report report(progress ? count_names(*s.bulk) : std::nullopt, progress);

  std::string out, err;
  if (s.mode == output_mode::nslookup) {
    out += "Server:\t\t" + s.server.userarg + "\n";
    out += "Address:\t" + s.server.addresses.front().to_string() + "#" + std::to_string(s.port) + "\n\n";
  }

  // The window: jobs read and not yet printed, front = the next to print.
  std::deque<std::pair<job, result>> window;
  std::size_t window_base = 0;  // input index of window.front()
  std::size_t in_flight = 0;
  bool input_done = false;
  bool failed = false;
  std::size_t line_count = 0;

  std::string input_line;  // one buffer for every line read
  auto read_job = [&](job& j) -> bool {
    while (std::getline(*in, input_line)) {
      if (++line_count > 100'000'000) return false;
      std::string_view rest = input_line;
      const std::string_view name = next_word(rest);
      if (name.empty() || name[0] == '#' || name[0] == ';') continue;
      const std::string_view type = next_word(rest);
      j.input = std::string(name);
      j.line = line_count;
      j.type = default_type;
      if (!type.empty()) {
        auto t = parse_type(type);
        if (!t) {
          j.bad = "unknown query type: " + std::string(type) + " (for " + j.input + ")";
          return true;
        }
        j.type = *t;
      }
      lookup_request req = plan_lookup(s, name);
      if (!req.error.empty()) {
        j.bad = req.error;
        return true;
      }
      j.reverse = req.reverse;
      if (req.reverse) j.type = dns::rr_type::ptr;
      j.qname = std::move(req.candidates.front());
      return true;
    }
    return false;
  };

  auto flush_ready = [&] {
    while (!window.empty() && window.front().second.done) {
      print_result(s, st, window.front().first, window.front().second, out, err, failed, report);
      window.pop_front();
      ++window_base;
    }
    const std::string line = report.progress_line();
    if (out.size() > (1 << 16) || err.size() > (1 << 12) || !line.empty()) {
      // Other output on the terminal starts on a clean line, not after the progress text.
      if (report.progress_shown()) std::fputs("\r\033[K", stderr);
      flush_output(out, err);
    }
    if (!line.empty()) {
      std::fputs(line.c_str(), stderr);
      std::fflush(stderr);
    }
  };

  std::function<void()> fill;
  fill = [&] {
    while (!input_done && in_flight < static_cast<std::size_t>(s.parallel)) {
      job j;
      if (!read_job(j)) {
        input_done = true;
        break;
      }
      const std::size_t index = window_base + window.size();
      window.emplace_back(std::move(j), result{});
      job& queued = window.back().first;
      if (!queued.bad.empty()) {
        window.back().second.done = true;
        continue;
      }
      ++in_flight;
      const auto started = std::chrono::steady_clock::now();
      res.async_query(queued.qname, queued.type, qopts,
                      [&, index, started](resolver::error_code ec, dns::message m) {
                        --in_flight;
                        result& r = window[index - window_base].second;
                        r.done = true;
                        r.ec = ec;
                        r.response = std::move(m);
                        r.time_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
                        flush_ready();
                        fill();
                      });
    }
    flush_ready();
  };
  fill();
  io.run();
  flush_ready();
  flush_output(out, err);
  err += report.summary(res.cache_stats().hits);
  flush_output(out, err);
  return failed ? 1 : 0;
}

}  // namespace dnskit::cli
