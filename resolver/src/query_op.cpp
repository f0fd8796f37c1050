#include "query_op.hpp"

#include "dnskit/resolver/search.hpp"

#include <ares.h>

#include <algorithm>
#include <array>
#include <optional>
#include <limits>
#include <string>

#include "core.hpp"
#include "dnskit/resolver/idn.hpp"
#include "dnskit/resolver/observer.hpp"

namespace dnskit::resolver::detail {

query_op::query_op(core& owner, candidate_names&& candidates, const query_params& params,
                   const dns::decode_options& decode, completion<dns::message>&& handler)
    : op_base(owner),
      candidates_(std::move(candidates)),
      params_(params),
      decode_(decode),
      handler_(std::move(handler)) {}

query_event query_op::current_event() const {
  query_event ev;
  ev.question = {candidates_[index_], params_.type, params_.qclass};
  ev.payload_size = params_.edns ? params_.edns->udp_payload_size : 0;
  ev.recursion_desired = params_.recursion_desired;
  ev.time = std::chrono::steady_clock::now();
  return ev;
}

void query_op::send_current() {
  const dns::name& qname = candidates_[index_];
  if (owner().cache().enabled() && answered_from_cache()) return;
  // c-ares 1.18's ares_send keeps the ID it is given, so each query gets an unpredictable one
  // here (RFC 5452 §9.2); c-ares still matches answers by ID and question together.
  const std::uint16_t id = owner().next_query_id();
  // Written on the stack: no message object, no heap buffer per query.
  query_buffer buffer;
  const std::span<const std::uint8_t> wire(buffer.data(), write_query(buffer, id, qname, params_));

  core& c = owner();
  if (observer* w = c.watcher()) {
    w->on_query_start(current_event());
  }
  c.request_started(*this);
  // The reference given to c-ares comes back in on_answer, called exactly once (answer,
  // timeout, ares_cancel, ares_destroy), possibly before ares_send returns.
  ares_send(c.channel(), wire.data(), static_cast<int>(wire.size()), &query_op::on_answer,
            op_ref(this).detach());
  c.request_sent();
}

void query_op::on_answer(void* arg, int status, int timeouts, unsigned char* abuf, int alen) {
  const op_ref self = op_ref::adopt(static_cast<op_base*>(arg));
  auto& op = static_cast<query_op&>(*self.get());
  std::span<const std::uint8_t> answer;
  if (abuf != nullptr && alen > 0) answer = {abuf, static_cast<std::size_t>(alen)};
  op.answered(status, timeouts, answer);
}

void query_op::answered(int status, int timeouts, std::span<const std::uint8_t> answer) {
  core& c = owner();
  c.request_finished(*this);

  // The response is decoded straight into the outcome the handler will get, unless the
  // operation completed already (deadline, cancel): then its outcome may still be waiting for
  // delivery, and this late answer is decoded aside, for the observer only.
  dns::message late;
  dns::message& msg = done() ? late : result_;
  error_code ec;
  if (status != ARES_SUCCESS) {
    ec = from_ares_status(status);
    msg = dns::message{};
  } else if (dns::decode(answer, msg, decode_) || !msg.hdr.qr) {
    // Undecodable, or not a response at all (QR=0 over TCP; over UDP such datagrams are
    // dropped before c-ares sees them, socket_io.cpp).
    ec = errc::bad_response;
    msg = dns::message{};
  } else {
    ec = from_rcode(msg.rcode());
    // NOERROR with an empty answer section: the name exists, the type does not (RFC 2308 §2.2).
    if (!ec && msg.answer.empty()) ec = errc::nodata;
  }

  if (observer* w = c.watcher()) {
    query_event ev = current_event();
    ev.result = ec;
    ev.response_size = answer.size();
    ev.timeouts = timeouts;
    w->on_query_end(ev);
  }

  if (done()) return;  // completed already (deadline, cancel): the late answer is absorbed

  // No answer in this round: another, when asked for (query_options::rounds). Over TCP a
  // refused connection is final, as in dig's engine.
  const bool unanswered = ec == errc::timeout || ec == errc::eof ||
                          (ec == errc::connection_refused && !c.opts().tcp_only);
  if (unanswered && rounds_left_ > 0 && !c.draining() && !c.closed()) {
    --rounds_left_;
    send_current();
    return;
  }

  if (c.cache().enabled() && (!ec || ec == errc::nxdomain || ec == errc::nodata)) {
    c.cache().store(cache_key(), answer, msg, ec == errc::nodata, std::chrono::steady_clock::now());
  }
  conclude(ec);
}

std::string_view query_op::cache_key() const {
  return owner().cache().key(candidates_[index_], params_.type, params_.qclass,
                             params_.edns && params_.edns->dnssec_ok, params_.checking_disabled,
                             decode_.answer_only);
}

bool query_op::answered_from_cache() {
  core& c = owner();
  if (!c.cache().find(cache_key(), std::chrono::steady_clock::now(), decode_, result_)) return false;
  error_code ec = from_rcode(result_.rcode());
  if (!ec && result_.answer.empty()) ec = errc::nodata;  // RFC 2308 §2.2, as answered() says
  if (observer* w = c.watcher()) {
    query_event ev = current_event();
    ev.result = ec;
    w->on_cache_hit(ev);
  }
  conclude(ec);
  return true;
}

void query_op::conclude(error_code ec) {
  core& c = owner();
  dns::message& msg = result_;
  const bool not_here = ec == errc::nxdomain || ec == errc::nodata;
  if (not_here && index_ + 1 < candidates_.size() && !c.draining() && !c.closed()) {
    if (ec == errc::nodata && !nodata_) nodata_ = std::move(msg);
    ++index_;
    rounds_left_ = rounds_ - 1;
    send_current();
    return;
  }
  // As res_search: the name existed under some suffix, so "no data" says more than the last
  // candidate's NXDOMAIN.
  if (ec == errc::nxdomain && nodata_) {
    ec = errc::nodata;
    msg = std::move(*nodata_);
  }
  complete(ec);
}

void query_op::abort(error_code ec) {
  if (done()) return;  // its outcome may be waiting for delivery
  result_ = dns::message{};
  complete(ec);
}

void query_op::complete(error_code ec) {
  if (!mark_done()) return;
  core& c = owner();
  if (c.collecting()) {
    result_ec_ = ec;
    c.defer(op_ref(this));
    return;
  }
  handler_.post(ec, std::move(result_));
}

void query_op::deliver(bool now) {
  if (now) {
    handler_.complete_on(owner().executor(), result_ec_, std::move(result_));
  } else {
    handler_.post(result_ec_, std::move(result_));
  }
}

namespace {

bool is_ascii(std::string_view text) noexcept {
  return std::all_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

}  // namespace

candidate_names search_candidates(std::string_view typed, bool search,
                                  const std::vector<std::string>& domains, int ndots,
                                  error_code& ec) {
  ec = {};
  candidate_names out;
  std::error_code nec;
  // A name typed in Unicode is asked in its ASCII form (RFC 5891 §5, idn.hpp); ASCII text
  // comes back as it is, without a copy.
  std::string reason;
  std::optional<std::string> converted;
  std::string_view text = typed;
  if (!is_ascii(typed)) {
    converted = to_ascii_name(typed, reason);
    if (!converted) {
      ec = errc::bad_name;
      return out;
    }
    text = *converted;
  }
  if (text.empty()) {
    ec = errc::bad_name;
    return out;
  }
  const bool absolute = text.back() == '.' && !(text.size() >= 2 && text[text.size() - 2] == '\\');
  dns::name as_is = dns::name::from_text(text, nec);  // relative text is completed with the root
  if (nec) {
    ec = errc::bad_name;
    return out;
  }
  if (!search || absolute) {
    out.push_back(std::move(as_is));
    return out;
  }
  // Dots between labels (escaped dots are part of a label).
  int dots = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\') {
      ++i;
    } else if (text[i] == '.') {
      ++dots;
    }
  }
  const bool as_is_first = dots >= ndots;
  if (as_is_first) out.push_back(as_is);
  for (const auto& domain : domains) {
    const dns::name origin = dns::name::from_text(domain, nec);
    if (nec) continue;  // a search domain that is not a name is skipped, as c-ares does
    dns::name candidate = dns::name::from_text(text, origin, nec);
    if (nec) continue;  // too long under this suffix
    out.push_back(std::move(candidate));
  }
  if (!as_is_first) out.push_back(std::move(as_is));
  return out;
}

}  // namespace dnskit::resolver::detail

namespace dnskit::resolver {

std::vector<dns::name> search_names(std::string_view text, const std::vector<std::string>& domains, int ndots,
                                    error_code& ec) {
  detail::candidate_names names = detail::search_candidates(text, true, domains, ndots, ec);
  return {std::make_move_iterator(names.begin()), std::make_move_iterator(names.end())};
}

}  // namespace dnskit::resolver
