#include "notify_sender.hpp"

#include <array>
#include <chrono>

#include "dnskit/dns/message.hpp"
#include "dnskit/dns/rdata.hpp"
#include "log.hpp"

namespace dnskit::nameserver {
namespace {

std::uint64_t unix_time() {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::seconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count());
}

}  // namespace

struct notify_sender::operation : std::enable_shared_from_this<operation> {
  operation(asio::io_context& io, notify_settings s) : socket(io), timer(io), settings(s) {}

  asio::ip::udp::socket socket;
  asio::steady_timer timer;
  notify_settings settings;
  asio::ip::udp::endpoint target;
  std::string target_text;
  std::string zone_text;
  std::uint32_t serial = 0;
  std::uint16_t id = 0;
  std::vector<std::uint8_t> request;
  std::optional<dns::tsig::key> key;  // the NOTIFY is signed with it (RFC 8945)
  std::string key_text;               // " (key NAME)" for the log, empty without a key
  dns::tsig::mac_bytes request_mac;
  std::array<std::uint8_t, 4096> reply{};
  asio::ip::udp::endpoint from;
  unsigned attempt = 0;
  bool done = false;
  notify_counters* counters = nullptr;  // the sender's; it cancels every operation before it goes

  void failed() { counters->failed.fetch_add(1, std::memory_order_relaxed); }

  void start() {
    boost::system::error_code ec;
    socket.open(target.protocol(), ec);
    if (!ec) socket.connect(target, ec);  // only the target's answers reach this socket
    if (ec) {
      log::warning("notify {} serial {} to {}: {}", zone_text, serial, target_text, ec.message());
      failed();
      done = true;
      return;
    }
    receive();
    send();
  }

  void send() {
    if (done) return;
    ++attempt;
    boost::system::error_code ec;
    socket.send(asio::buffer(request), 0, ec);
    if (!ec) counters->sent.fetch_add(1, std::memory_order_relaxed);
    if (ec) log::debug("notify {} to {}: send: {}", zone_text, target_text, ec.message());
    timer.expires_after(settings.first_timeout * (1u << std::min(attempt - 1, 5u)));
    timer.async_wait([self = shared_from_this()](const boost::system::error_code& wait_ec) {
      if (wait_ec || self->done) return;
      if (self->attempt >= self->settings.attempts) {
        log::warning("notify {} serial {} to {}: no answer after {} tries", self->zone_text,
                     self->serial, self->target_text, self->attempt);
        self->failed();
        self->finish();
        return;
      }
      self->send();
    });
  }

  void receive() {
    socket.async_receive(asio::buffer(reply), [self = shared_from_this()](
                                                  const boost::system::error_code& ec, std::size_t n) {
      if (self->done) return;
      if (ec) {
        // ECONNREFUSED after an ICMP port unreachable: keep trying until the attempts run out.
        if (ec == asio::error::operation_aborted) return;
        self->receive();
        return;
      }
      dns::header h;
      if (dns::decode_header(std::span(self->reply.data(), n), h) || !h.qr || h.id != self->id ||
          h.op != dns::opcode::notify) {
        self->receive();  // not the answer to our NOTIFY (RFC 1996 §4.7): ignore it
        return;
      }
      if (self->key) {
        // The answer to a signed NOTIFY must be signed with the same key (RFC 8945 §5.3).
        dns::tsig::response_verifier verifier(*self->key, self->request_mac);
        const auto st = verifier.verify(std::span(self->reply.data(), n), unix_time());
        if (st != dns::tsig::status::verified) {
          log::warning("notify {} serial {} to {}: answer's TSIG: {}", self->zone_text,
                       self->serial, self->target_text, dns::tsig::to_string(st));
          self->failed();
          self->finish();
          return;
        }
      }
      if (h.rcode_low != 0) {
        log::warning("notify {} serial {} to {}: answered {}{}", self->zone_text, self->serial,
                     self->target_text, dns::to_string(static_cast<dns::rcode>(h.rcode_low)),
                     self->key_text);
        self->failed();
      } else {
        self->counters->acknowledged.fetch_add(1, std::memory_order_relaxed);
        log::info("notify {} serial {} to {}: acknowledged{}", self->zone_text, self->serial,
                  self->target_text, self->key_text);
      }
      self->finish();
    });
  }

  void finish() {
    done = true;
    boost::system::error_code ignored;
    timer.cancel();
    socket.close(ignored);
  }
};

notify_sender::notify_sender(asio::io_context& io, notify_settings settings)
    : io_(io), settings_(settings), random_(std::random_device{}()) {}

// cancel() calls steady_timer::cancel(), declared throwing; Asio's timer queue never reports an
// error from it, so nothing can escape the destructor.
notify_sender::~notify_sender() { cancel(); }  // NOLINT(bugprone-exception-escape)

void notify_sender::notify(const dns::record& soa, const std::vector<notify_target>& targets) {
  std::erase_if(operations_, [](const std::weak_ptr<operation>& w) { return w.expired(); });
  const dns::name& zone = soa.owner;
  const auto fields = dns::soa(soa.rdata);
  const std::uint32_t serial = fields ? fields->serial : 0;
  for (const notify_target& target : targets) {
    const endpoint_spec& spec = target.at;
    auto op = std::make_shared<operation>(io_, settings_);
    boost::system::error_code ec;
    op->target = {asio::ip::make_address(spec.address, ec), spec.port};
    if (ec) {
      log::warning("notify {}: bad target {}", zone.to_text(), spec.to_string());
      counters_.failed.fetch_add(1, std::memory_order_relaxed);
      continue;
    }
    op->target_text = spec.to_string();
    op->counters = &counters_;
    op->zone_text = zone.to_text();
    op->serial = serial;
    op->id = static_cast<std::uint16_t>(random_());
    // RFC 1996 §3.3: opcode NOTIFY, AA set, the zone's SOA as the question; §3.7: the new SOA
    // in the answer section, so that the secondary knows the serial without asking.
    dns::message m;
    m.hdr.id = op->id;
    m.hdr.op = dns::opcode::notify;
    m.hdr.aa = true;
    m.questions.push_back({zone, dns::rr_type::soa, dns::rr_class::in});
    m.answer.push_back(soa);
    m.opt.reset();
    op->request = dns::encode(m);
    if (target.key) {
      op->key = target.key;
      op->key_text = " (key " + target.key->key_name.to_text() + ")";
      std::size_t size = op->request.size();
      op->request.resize(size + 512);
      if (const auto sign_ec = dns::tsig::sign_request(op->request, size, *op->key, unix_time(),
                                                       op->request_mac)) {
        log::warning("notify {}: signing for {} failed: {}", zone.to_text(), spec.to_string(),
                     sign_ec.message());
        counters_.failed.fetch_add(1, std::memory_order_relaxed);
        continue;
      }
      op->request.resize(size);
    }
    operations_.push_back(op);
    op->start();
  }
}

void notify_sender::cancel() {
  for (auto& w : operations_) {
    if (auto op = w.lock()) op->finish();
  }
  operations_.clear();
}

}  // namespace dnskit::nameserver
