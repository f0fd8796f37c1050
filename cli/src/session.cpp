#include "session.hpp"

#include <algorithm>
#include <optional>

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

session::session(const settings& s) : settings_(s), recorder_(std::make_shared<recorder>()) {}

session::~session() = default;

exchange session::ask(const dns::name& qname, dns::rr_type type, std::size_t first_server) {
  exchange ex;
  ex.question = {qname, type, settings_.qclass};

  // ANY and zone transfers go over TCP unless vc/novc was set (dig's engine does the same).
  const bool tcp = settings_.vc || (!settings_.vc_set && (type == dns::rr_type::any ||
                                                          type == dns::rr_type::axfr ||
                                                          type == dns::rr_type::ixfr));
  resolver::options opts;
  for (std::size_t i = first_server; i < settings_.server.addresses.size(); ++i) {
    opts.servers.push_back({settings_.server.addresses[i], settings_.port});
  }
  opts.timeout = std::chrono::milliseconds(settings_.timeout_ms(tcp));
  opts.tries = 1;  // each try is ours: c-ares would double the timeout on every round
  opts.tcp_only = tcp;
  opts.no_recursion = !settings_.recurse;
  opts.resolv_conf = "/dev/null";  // everything comes from the settings, nothing from the system
  opts.hosts_file = false;
  opts.observer = recorder_;
  ex.server = opts.servers.empty() ? resolver::socket_address{} :
                                     resolver::socket_address{opts.servers.front().address, settings_.port};

  resolver::query_options qopts = question_options(settings_);
  qopts.search = false;
  // A try asks each server once, each for the timeout: it ends then whatever c-ares would still
  // do, so the run is bounded by timeout × servers × retry.
  qopts.deadline = *opts.timeout * static_cast<int>(std::max<std::size_t>(opts.servers.size(), 1));

  recorder_->events.clear();
  recorder_->saw_truncation = false;
  const std::string text = qname.to_text();
  const auto asked = std::chrono::steady_clock::now();
  for (int attempt = 0; attempt < settings_.tries; ++attempt) {
    resolver::error_code ec;
    dns::message response;
    const std::size_t first_event = recorder_->events.size();
    try {
      resolver::resolver r(io_, opts);
      r.async_query(text, type, qopts, [&](resolver::error_code e, dns::message m) {
        ec = e;
        response = std::move(m);
      });
      io_.restart();
      io_.run();
    } catch (const boost::system::system_error& e) {
      ec = e.code();
    }
    ex.error = ec;

    // Who was asked and what came back, from the observer's events of this try.
    std::chrono::steady_clock::time_point first_send{}, last_receive{};
    bool used_tcp = false;
    std::optional<std::uint16_t> answer_id;
    for (std::size_t i = first_event; i < recorder_->events.size(); ++i) {
      const net_event& e = recorder_->events[i];
      if (e.what == net_event::kind::send) {
        if (first_send == std::chrono::steady_clock::time_point{}) first_send = e.time;
        ex.bytes_sent += e.bytes;
        if (e.remote.port != 0) ex.server = e.remote;
        used_tcp = e.proto == resolver::transport::tcp;
      } else if (e.what == net_event::kind::receive && e.bytes > 0 && !e.error) {
        last_receive = e.time;
        if (e.has_header) answer_id = e.header.id;
        ex.bytes_received += e.bytes;
        if (e.remote.port != 0) ex.server = e.remote;
      }
    }
    ex.proto = used_tcp ? resolver::transport::tcp : resolver::transport::udp;
    if (first_send != std::chrono::steady_clock::time_point{} && last_receive >= first_send) {
      ex.time_ms = std::chrono::duration<double, std::milli>(last_receive - first_send).count();
    }
    const bool no_answer = ec == resolver::errc::timeout || ec == resolver::errc::connection_refused ||
                           ec == resolver::errc::eof || ec == resolver::errc::bad_response;
    if (!no_answer) {
      ex.has_response = !response.questions.empty() || response.hdr.qr;
      ex.response = std::move(response);
      // The ID as it was on the wire (the decoded message may not keep it).
      if (answer_id) ex.response.hdr.id = *answer_id;
      break;
    }
    // No answer: the time is what was spent waiting for one, all tries so far.
    ex.time_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - asked).count();
    ex.failures.push_back({ex.server, ec, tcp});
    if (tcp && ec == resolver::errc::connection_refused) break;  // dig's engine: no TCP retry
  }
  ex.truncated_retry = recorder_->saw_truncation;
  ex.events = recorder_->events;
  return ex;
}

}  // namespace dnskit::cli
