#include "dnskit/resolver/resolver.hpp"

#include <algorithm>
#include <cctype>

#include "core.hpp"
#include "dnskit/dns/rdata.hpp"
#include "dnskit/resolver/idn.hpp"
#include "query_op.hpp"
#include "resolve_op.hpp"
#include "transfer_op.hpp"

namespace dnskit::resolver {
namespace {

// "localhost", "localhost.", "www.localhost"... in any case (RFC 6761 §6.3).
bool is_localhost(std::string_view host) {
  if (!host.empty() && host.back() == '.') host.remove_suffix(1);
  constexpr std::string_view label = "localhost";
  if (host.size() < label.size()) return false;
  const std::string_view tail = host.substr(host.size() - label.size());
  const bool match = std::equal(tail.begin(), tail.end(), label.begin(), [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) == b;
  });
  return match && (host.size() == label.size() || host[host.size() - label.size() - 1] == '.');
}

}  // namespace

resolver::resolver(const executor_type& ex, const options& opts)
    : executor_(ex), core_(std::make_shared<detail::core>(ex, opts)) {}

resolver::~resolver() {
  if (core_) core_->shutdown();
}

resolver::resolver(resolver&& other) noexcept
    : executor_(std::move(other.executor_)), core_(std::move(other.core_)) {}

resolver& resolver::operator=(resolver&& other) noexcept {
  if (this != &other) {
    if (core_) core_->shutdown();
    executor_ = other.executor_;
    core_ = std::move(other.core_);
  }
  return *this;
}

resolver::executor_type resolver::get_executor() const noexcept { return executor_; }

options resolver::effective_options() const { return core_ ? core_->effective_options() : options{}; }

std::size_t resolver::pending() const noexcept { return core_ ? core_->pending() : 0; }

cache_statistics resolver::cache_stats() const noexcept { return core_ ? core_->cache().stats() : cache_statistics{}; }

void resolver::cancel() {
  if (core_) core_->cancel_all();
}

detail::query_names resolver::names_for(std::string_view name, const query_options& opts) const {
  if (!core_) return {};  // start_query completes the operation with operation_aborted
  error_code ec;
  // Built in place (the elements of a braced list are evaluated in order, so `ec` is set when
  // it is copied).
  return {detail::search_candidates(name, opts.search, core_->search_domains(), core_->ndots(), ec),
          ec};
}

void resolver::start_query(detail::query_names&& names, dns::rr_type type, const query_options& opts,
                           query_completion&& done) {
  if (!core_ || core_->closed()) {
    done.post(boost::asio::error::operation_aborted, {});
    return;
  }
  if (names.ec) {
    done.post(names.ec, {});
    return;
  }
  detail::query_params params;
  params.type = type;
  params.qclass = opts.qclass;
  params.recursion_desired = opts.recursion_desired.value_or(!core_->opts().no_recursion);
  params.checking_disabled = opts.checking_disabled;
  const std::uint16_t size = opts.edns_payload_size.value_or(core_->opts().edns_payload_size);
  if (size > 0 || opts.dnssec_ok || !opts.edns_options.empty()) {
    dns::edns e;
    // RFC 6891 §6.2.5: values below 512 are treated as 512.
    e.udp_payload_size = size == 0 ? 1232 : std::max<std::uint16_t>(size, 512);
    e.dnssec_ok = opts.dnssec_ok;
    e.options = opts.edns_options;
    params.edns = e;
  }
  dns::decode_options decode;
  decode.answer_only = opts.answer_only;
  decode.query_had_opt = params.edns.has_value();
  auto* op = new detail::query_op(*core_, std::move(names.candidates), params, decode, std::move(done));
  op->set_rounds(opts.rounds);
  core_->launch(detail::op_ref(op), opts.deadline, opts.cancel);
}

void resolver::start_resolve(std::string host, const resolve_options& opts, resolve_completion done) {
  if (!core_ || core_->closed()) {
    done.post(boost::asio::error::operation_aborted, {});
    return;
  }
  if (host.empty() || host.find('\0') != std::string::npos) {
    done.post(errc::bad_name, {});
    return;
  }
  // A host name typed in Unicode is looked up in its ASCII form (idn.hpp).
  std::string reason;
  if (auto ascii = to_ascii_name(host, reason)) {
    host = std::move(*ascii);
  } else {
    done.post(errc::bad_name, {});
    return;
  }
  // A numeric address is its own answer (c-ares 1.18 would still ask DNS for some forms).
  boost::system::error_code numeric_ec;
  const auto numeric = boost::asio::ip::make_address(host, numeric_ec);
  if (!numeric_ec) {
    resolve_result r;
    r.canonical_name = host;
    const bool fits = opts.family == address_family::any ||
                      (opts.family == address_family::v4) == numeric.is_v4();
    if (fits) r.addresses.push_back({numeric, 0});
    done.post(fits ? error_code() : error_code(errc::nodata), std::move(r));
    return;
  }
  if (!core_->opts().hosts_file && is_localhost(host)) {
    // RFC 6761 §6.3: "localhost." and the names under it are the loopback addresses, answered
    // here without asking any server (with the hosts file on, its entries say it instead).
    resolve_result r;
    r.canonical_name = host;
    if (r.canonical_name.back() == '.') r.canonical_name.pop_back();
    if (opts.family != address_family::v4) r.addresses.push_back({boost::asio::ip::address_v6::loopback(), 0});
    if (opts.family != address_family::v6) r.addresses.push_back({boost::asio::ip::address_v4::loopback(), 0});
    done.post({}, std::move(r));
    return;
  }
  auto* op = new detail::resolve_op(*core_, std::move(host), opts.family, std::move(done));
  core_->launch(detail::op_ref(op), opts.deadline, opts.cancel);
}

void resolver::start_reverse(const boost::asio::ip::address& address, const query_options& opts,
                             reverse_completion done) {
  query_options o = opts;
  o.search = false;
  o.answer_only = true;  // only the PTR records of the answer section are read below
  // The PTR names are extracted on the resolver's executor, then handed to the caller's
  // handler on its own executor.
  auto extract = [done = std::move(done)](error_code ec, const dns::message& m) mutable {
    std::vector<std::string> names;
    for (const auto& rec : m.answer) {
      if (rec.type != dns::rr_type::ptr) continue;
      if (auto n = dns::rdata_name(rec.rdata)) {
        std::string text = n->to_text();
        if (text.size() > 1 && text.back() == '.') text.pop_back();
        names.push_back(std::move(text));
      }
    }
    if (!ec && names.empty()) ec = errc::nodata;
    done.post(ec, std::move(names));
  };
  detail::query_names names;
  names.candidates.push_back(reverse_name(address));
  start_query(std::move(names), dns::rr_type::ptr, o, query_completion(std::move(extract), executor_));
}

void resolver::start_transfer(const std::string& zone, const transfer_options& opts, transfer_sink sink,
                              transfer_completion done) {
  if (!core_ || core_->closed()) {
    done.post(boost::asio::error::operation_aborted, {});
    return;
  }
  if (opts.type != dns::rr_type::axfr && opts.type != dns::rr_type::ixfr) {
    done.post(errc::bad_query, {});
    return;
  }
  std::string reason;
  const std::optional<std::string> ascii = to_ascii_name(zone, reason);
  std::error_code name_ec;
  const dns::name apex = ascii && !ascii->empty() ? dns::name::from_text(*ascii, name_ec) : dns::name();
  if (!ascii || ascii->empty() || name_ec) {
    done.post(errc::bad_name, {});
    return;
  }
  transfer_options o = opts;
  if (!o.server) {
    const options in_effect = core_->effective_options();
    if (in_effect.servers.empty()) {
      done.post(errc::bad_server, {});
      return;
    }
    o.server = in_effect.servers.front();
  }
  auto* op = new detail::transfer_op(*core_, apex, o, std::move(sink), std::move(done));
  core_->launch(detail::op_ref(op), o.deadline, o.cancel);
}

}  // namespace dnskit::resolver
