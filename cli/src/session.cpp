#include "session.hpp"

#include <algorithm>
#include <optional>
#include <utility>

namespace dnskit::cli {

// Keeps what the resolver's observer reports for the exchange in progress.
class session::recorder final : public resolver::observer {
 public:
  std::vector<net_event> events;
  bool saw_truncation = false;

  void on_open(const resolver::socket_event& e) override { add(net_event::kind::open, e); }
  void on_connect(const resolver::socket_event& e) override { add(net_event::kind::connect, e); }
  void on_send(const resolver::socket_event& e) override { add(net_event::kind::send, e); }
  void on_receive(const resolver::socket_event& e) override {
    net_event& ev = add(net_event::kind::receive, e);
    if (ev.has_header && ev.header.tc && e.proto == resolver::transport::udp) saw_truncation = true;
  }
  void on_close(const resolver::socket_event& e) override { add(net_event::kind::close, e); }
  void on_query_start(const resolver::query_event& q) override {
    net_event ev;
    ev.what = net_event::kind::query_start;
    ev.time = q.time;
    ev.question = q.question;
    ev.recursion_desired = q.recursion_desired;
    events.push_back(std::move(ev));
  }
  void on_query_end(const resolver::query_event& q) override {
    net_event ev;
    ev.what = net_event::kind::query_end;
    ev.time = q.time;
    ev.question = q.question;
    ev.error = q.result;
    ev.bytes = q.response_size;
    events.push_back(std::move(ev));
  }

 private:
  net_event& add(net_event::kind k, const resolver::socket_event& e) {
    net_event ev;
    ev.what = k;
    ev.proto = e.proto;
    ev.local = e.local;
    ev.remote = e.remote;
    ev.bytes = e.bytes;
    ev.time = e.time;
    ev.error = e.error;
    // A UDP datagram is one whole message; over TCP a chunk starts with the 2-byte length
    // (RFC 1035 §4.2.2) when c-ares writes or reads a message at once, as it does.
    std::span<const std::uint8_t> data = e.data;
    if (e.proto == resolver::transport::tcp && data.size() >= 2 + dns::header::size) data = data.subspan(2);
    if ((k == net_event::kind::send || k == net_event::kind::receive) && data.size() >= dns::header::size) {
      ev.has_header = !dns::decode_header(data, ev.header);
    }
    events.push_back(std::move(ev));
    return events.back();
  }
};

std::string server_text(const resolver::socket_address& a) {
  return a.address.to_string() + "#" + std::to_string(a.port);
}

session::session() : recorder_(std::make_shared<recorder>()) {}

session::~session() = default;

resolver::resolver& session::resolver_for(const settings& s, bool tcp, std::size_t first_server) {
  resolver::options opts;
  for (std::size_t i = first_server; i < s.server.addresses.size(); ++i) {
    opts.servers.push_back({s.server.addresses[i], s.port});
  }
  opts.timeout = std::chrono::milliseconds(s.timeout_ms(tcp));
  // One round over the servers per c-ares request: the tries are query_options::rounds, each
  // with the same timeout (c-ares would double it on each of its own rounds).
  opts.tries = 1;
  opts.tcp_only = tcp;
  opts.no_recursion = !s.recurse;
  opts.resolv_conf = "/dev/null";  // everything comes from the settings, nothing from the system
  opts.search_domains = std::vector<std::string>{};  // the search list is applied by plan_lookup
  opts.hosts_file = false;
  opts.observer = recorder_;

  // What a channel fixes, as one key.
  std::string key = std::to_string(opts.timeout->count()) + (tcp ? "/tcp" : "/udp") + (s.recurse ? "/rd" : "/nord");
  for (const auto& server : opts.servers) key += " " + server.to_string();

  const auto found = std::find_if(channels_.begin(), channels_.end(), [&](const channel& c) { return c.key == key; });
  if (found != channels_.end()) {
    std::rotate(found, found + 1, channels_.end());
    return *channels_.back().r;
  }
  // A few channels stay (UDP and TCP, the servers of `NAME SERVER` lookups); the least
  // recently used one goes when another is needed.
  constexpr std::size_t kept = 4;
  if (channels_.size() >= kept) channels_.erase(channels_.begin());
  channels_.push_back({std::move(key), std::make_unique<resolver::resolver>(io_, opts)});
  ++built_;
  return *channels_.back().r;
}

exchange session::ask(const settings& s, const dns::name& qname, dns::rr_type type, std::size_t first_server) {
  exchange ex;
  ex.question = {qname, type, s.qclass};

  // ANY and zone transfers go over TCP unless vc/novc was set (dig's engine does the same).
  const bool tcp = s.vc || (!s.vc_set && (type == dns::rr_type::any || type == dns::rr_type::axfr ||
                                          type == dns::rr_type::ixfr));
  const std::size_t servers = first_server < s.server.addresses.size() ? s.server.addresses.size() - first_server : 1;
  const std::chrono::milliseconds timeout(s.timeout_ms(tcp));
  if (first_server < s.server.addresses.size()) ex.server = {s.server.addresses[first_server], s.port};

  resolver::query_options qopts = question_options(s);
  qopts.search = false;
  qopts.rounds = s.tries;
  // A guard only: each round ends by itself after the timeout for each server.
  qopts.deadline = timeout * static_cast<int>(servers) * s.tries + std::chrono::seconds(1);

  recorder_->events.clear();
  recorder_->saw_truncation = false;
  resolver::error_code ec;
  dns::message response;
  const auto asked = std::chrono::steady_clock::now();
  try {
    resolver::resolver& r = resolver_for(s, tcp, first_server);
    r.async_query(qname, type, qopts, [&](resolver::error_code e, dns::message m) {
      ec = e;
      response = std::move(m);
    });
    io_.restart();
    io_.run();
  } catch (const boost::system::system_error& e) {
    ec = e.code();
  }
  ex.error = ec;

  // Who was asked and what came back, from the observer's events: one query_start and
  // query_end per round, the sockets' sends and receives between them.
  std::chrono::steady_clock::time_point first_send{}, last_receive{};
  bool used_tcp = false;
  std::optional<std::uint16_t> answer_id;
  for (const net_event& e : recorder_->events) {
    if (e.what == net_event::kind::query_start) {
      first_send = {};  // each round's time is its own
    } else if (e.what == net_event::kind::send) {
      if (first_send == std::chrono::steady_clock::time_point{}) first_send = e.time;
      ex.bytes_sent += e.bytes;
      if (e.remote.port != 0) ex.server = e.remote;
      used_tcp = e.proto == resolver::transport::tcp;
    } else if (e.what == net_event::kind::receive && e.bytes > 0 && !e.error) {
      last_receive = e.time;
      if (e.has_header) answer_id = e.header.id;
      ex.bytes_received += e.bytes;
      if (e.remote.port != 0) ex.server = e.remote;
    } else if (e.what == net_event::kind::query_end && (e.error == resolver::errc::timeout ||
                                                        e.error == resolver::errc::connection_refused ||
                                                        e.error == resolver::errc::eof ||
                                                        e.error == resolver::errc::bad_response)) {
      ex.failures.push_back({ex.server, e.error, tcp});
    }
  }
  ex.proto = used_tcp ? resolver::transport::tcp : resolver::transport::udp;
  const bool no_answer = ec == resolver::errc::timeout || ec == resolver::errc::connection_refused ||
                         ec == resolver::errc::eof || ec == resolver::errc::bad_response;
  if (!no_answer) {
    if (first_send != std::chrono::steady_clock::time_point{} && last_receive >= first_send) {
      ex.time_ms = std::chrono::duration<double, std::milli>(last_receive - first_send).count();
    }
    ex.has_response = !response.questions.empty() || response.hdr.qr;
    ex.response = std::move(response);
    // The ID as it was on the wire (the decoded message may not keep it).
    if (answer_id) ex.response.hdr.id = *answer_id;
  } else {
    // No answer: the time is what was spent waiting for one, all tries.
    ex.time_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - asked).count();
    // The guard deadline (or a failure before anything was sent) leaves no round's end seen.
    if (ex.failures.empty()) ex.failures.push_back({ex.server, ec, tcp});
  }
  ex.truncated_retry = recorder_->saw_truncation;
  ex.events = recorder_->events;
  return ex;
}

transfer_outcome session::transfer(const settings& s, const dns::name& zone, const resolver::transfer_sink& sink) {
  transfer_outcome out;
  resolver::transfer_options t;
  t.qclass = s.qclass;
  if (!s.server.addresses.empty()) t.server = resolver::server_address{s.server.addresses.front(), s.port};
  t.message_timeout = std::chrono::milliseconds(s.timeout_ms(true));
  t.deadline = std::chrono::seconds(s.transfer_timeout);
  t.tsig = s.tsig_key;
  try {
    // The transfer has a TCP connection of its own: any channel of the run will do.
    resolver::resolver& r = resolver_for(s, s.vc, 0);
    r.async_transfer(zone.to_text(), t, sink, [&](resolver::error_code ec, resolver::transfer_result result) {
      out.error = ec;
      out.result = std::move(result);
    });
    io_.restart();
    io_.run();
  } catch (const boost::system::system_error& e) {
    out.error = e.code();
  }
  return out;
}

}  // namespace dnskit::cli
