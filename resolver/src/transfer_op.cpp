#include "transfer_op.hpp"

#include <array>
#include <chrono>

#include "core.hpp"
#include "dnskit/dns/rdata.hpp"
#include "dnskit/dns/wire.hpp"

namespace dnskit::resolver::detail {
namespace {

// TSIG's clock (RFC 8945 §4.3.3): seconds since the epoch.
std::uint64_t seconds_now() {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
}

// A query is one question and at most one SOA: far below this.
constexpr std::size_t query_capacity = 1024;
// RFC 1035 §4.2.2: the length prefix of a message over TCP.
constexpr std::size_t length_prefix = 2;

}  // namespace

transfer_op::transfer_op(core& owner, const dns::name& zone, const transfer_options& opts,
                         transfer_sink sink, completion<transfer_result>&& handler)
    : op_base(owner),
      zone_(zone),
      opts_(opts),
      sink_(std::move(sink)),
      handler_(std::move(handler)),
      socket_(owner.executor()),
      step_timer_(owner.executor()),
      end_(opts.type == dns::rr_type::ixfr ? std::optional<std::uint32_t>(opts.ixfr_serial) : std::nullopt) {
  result_.server = {opts.server->address, opts.server->port};
}

void transfer_op::arm_step_timer() {
  step_timer_.expires_after(opts_.message_timeout);
  // Re-arming cancels the previous wait; a wait that had fired already is told apart by the
  // step it was armed for.
  const std::size_t step = ++step_;
  step_timer_.async_wait([self = op_ref(this), step](const boost::system::error_code& ec) {
    auto& op = static_cast<transfer_op&>(*self.get());
    if (ec || op.done() || step != op.step_) return;
    op.complete(errc::timeout);
  });
}

void transfer_op::start() {
  arm_step_timer();
  const boost::asio::ip::tcp::endpoint server(opts_.server->address, opts_.server->port);
  socket_.async_connect(server, [self = op_ref(this)](const boost::system::error_code& ec) {
    auto& op = static_cast<transfer_op&>(*self.get());
    if (op.done()) return;
    if (ec) {
      op.complete(ec);
      return;
    }
    op.send_query();
  });
}

void transfer_op::send_query() {
  id_ = owner().next_query_id();
  // RFC 5936 §2.2.1 / RFC 1995 §3: one question, RD clear, no OPT needed.
  dns::message query = dns::make_query(id_, zone_, opts_.type, opts_.qclass, false, std::nullopt);
  if (opts_.type == dns::rr_type::ixfr) {
    // RFC 1995 §3: the client's SOA in the authority section; only its serial is read.
    dns::record soa;
    soa.owner = zone_;
    soa.type = dns::rr_type::soa;
    soa.klass = opts_.qclass;
    soa.rdata = dns::make_soa({dns::name(), dns::name(), opts_.ixfr_serial, 0, 0, 0, 0});
    query.authority.push_back(std::move(soa));
  }
  buffer_.resize(length_prefix + query_capacity);
  const std::span<std::uint8_t> body = std::span<std::uint8_t>(buffer_).subspan(length_prefix);
  const dns::encode_result encoded = dns::encode(query, body);
  std::size_t size = encoded.size;
  if (opts_.tsig) {
    // RFC 8945 §5.1: the TSIG record last in the additional section; its MAC is kept to
    // check the first response.
    dns::tsig::mac_bytes request_mac;
    if (const std::error_code ec = dns::tsig::sign_request(body, size, *opts_.tsig, seconds_now(), request_mac)) {
      complete(errc::bad_query);
      return;
    }
    verifier_.emplace(*opts_.tsig, request_mac);
  }
  dns::wire_writer prefix(std::span<std::uint8_t>(buffer_).first(length_prefix));
  prefix.u16(static_cast<std::uint16_t>(size));
  buffer_.resize(length_prefix + size);
  boost::asio::async_write(socket_, boost::asio::buffer(buffer_),
                           [self = op_ref(this)](const boost::system::error_code& ec, std::size_t) {
                             auto& op = static_cast<transfer_op&>(*self.get());
                             if (op.done()) return;
                             if (ec) {
                               op.complete(ec);
                               return;
                             }
                             op.read_length();
                           });
}

void transfer_op::read_length() {
  // Each message has its own time (a large zone may take longer than one timeout in all); the
  // transfer as a whole has the deadline.
  arm_step_timer();
  buffer_.resize(length_prefix);
  boost::asio::async_read(socket_, boost::asio::buffer(buffer_),
                          [self = op_ref(this)](const boost::system::error_code& ec, std::size_t) {
                            auto& op = static_cast<transfer_op&>(*self.get());
                            if (op.done()) return;
                            if (ec) {
                              op.complete(ec == boost::asio::error::eof ? error_code(errc::eof) : ec);
                              return;
                            }
                            dns::wire_reader length(op.buffer_);
                            op.read_message(length.u16());
                          });
}

void transfer_op::read_message(std::size_t size) {
  buffer_.resize(size);
  boost::asio::async_read(socket_, boost::asio::buffer(buffer_),
                          [self = op_ref(this)](const boost::system::error_code& ec, std::size_t) {
                            auto& op = static_cast<transfer_op&>(*self.get());
                            if (op.done()) return;
                            if (ec) {
                              op.complete(ec == boost::asio::error::eof ? error_code(errc::eof) : ec);
                              return;
                            }
                            op.accept_message();
                          });
}

void transfer_op::accept_message() {
  dns::message m;
  if (dns::decode(buffer_, m) || !m.hdr.qr) {
    complete(errc::bad_response);
    return;
  }
  result_.bytes += buffer_.size();
  if (m.hdr.id != id_) {
    complete(errc::bad_transfer);  // RFC 5936 §2.2: every message carries the query's ID
    return;
  }
  if (verifier_) {
    result_.tsig = verifier_->verify(buffer_, seconds_now());
    const bool acceptable =
        result_.tsig == dns::tsig::status::verified || result_.tsig == dns::tsig::status::unsigned_message;
    // A refusal says more than the signature the server could not give it (NOTAUTH with
    // BADKEY...): the rcode goes first, below.
    if (!acceptable && m.rcode() == dns::rcode::noerror) {
      complete(errc::bad_signature);
      return;
    }
  }
  if (m.rcode() != dns::rcode::noerror) {
    result_.rcode = m.rcode();
    complete(from_rcode(m.rcode()));
    return;
  }
  if (m.answer.empty()) {
    complete(errc::bad_transfer);  // an empty message would let a server stall for ever
    return;
  }
  std::size_t taken = 0;
  for (const dns::record& r : m.answer) {
    error_code ec;
    ++taken;
    const bool last = end_.take(r, ec);
    if (ec) {
      complete(ec);
      return;
    }
    if (last) break;
  }
  const bool finished = end_.finished();
  if (finished && verifier_ && !verifier_->last_verified()) {
    complete(errc::bad_signature);  // RFC 8945 §5.3.1: the last message must be signed
    return;
  }
  ++result_.messages;
  result_.records += taken;
  sink_(m, std::span<const dns::record>(m.answer.data(), taken), finished);
  if (done()) return;  // the sink cancelled the transfer
  if (finished) {
    complete({});
    return;
  }
  read_length();
}

void transfer_op::abort(error_code ec) { finish(ec); }

void transfer_op::complete(error_code ec) {
  if (!finish(ec)) return;
  // Ended from its own handler: the core may park its idle c-ares sockets now, as after an
  // abort (the caller of abort() does the same).
  owner().abandon_orphans();
}

bool transfer_op::finish(error_code ec) {
  if (!mark_done()) return false;
  // Pending reads, writes and the step timer end with operation_aborted and find the
  // operation done.
  boost::system::error_code ignored;
  socket_.close(ignored);
  step_timer_.cancel();
  handler_.post(ec, std::move(result_));
  return true;
}

}  // namespace dnskit::resolver::detail
