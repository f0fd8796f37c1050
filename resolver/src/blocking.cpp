#include "dnskit/resolver/blocking.hpp"

namespace dnskit::resolver {
namespace {

// Runs one operation on a private io_context. The resolver's own timeouts bound the run.
template <typename Result, typename Start>
Result run_one(const options& opts, error_code& ec, Start start) {
  ec = {};
  Result out{};
  try {
    boost::asio::io_context io;
    resolver r(io, opts);
    start(r, [&](error_code e, Result value) {
      ec = e;
      out = std::move(value);
    });
    io.run();
  } catch (const boost::system::system_error& e) {
    ec = e.code();
  }
  return out;
}

template <typename Result>
Result or_throw(Result value, const error_code& ec, std::string_view what) {
  if (ec) throw boost::system::system_error(ec, std::string(what));
  return value;
}

}  // namespace

dns::message query(std::string_view name, dns::rr_type type, const options& opts,
                   const query_options& qopts, error_code& ec) {
  return run_one<dns::message>(opts, ec, [&](resolver& r, auto handler) {
    r.async_query(name, type, qopts, std::move(handler));
  });
}

dns::message query(std::string_view name, dns::rr_type type, const options& opts,
                   const query_options& qopts) {
  error_code ec;
  auto m = query(name, type, opts, qopts, ec);
  return or_throw(std::move(m), ec, name);
}

resolve_result resolve(std::string_view host, const options& opts, const resolve_options& ropts,
                       error_code& ec) {
  return run_one<resolve_result>(opts, ec, [&](resolver& r, auto handler) {
    r.async_resolve(host, ropts, std::move(handler));
  });
}

resolve_result resolve(std::string_view host, const options& opts, const resolve_options& ropts) {
  error_code ec;
  auto r = resolve(host, opts, ropts, ec);
  return or_throw(std::move(r), ec, host);
}

std::vector<std::string> reverse(const boost::asio::ip::address& address, const options& opts,
                                 const query_options& qopts, error_code& ec) {
  return run_one<std::vector<std::string>>(opts, ec, [&](resolver& r, auto handler) {
    r.async_reverse(address, qopts, std::move(handler));
  });
}

std::vector<std::string> reverse(const boost::asio::ip::address& address, const options& opts,
                                 const query_options& qopts) {
  error_code ec;
  auto names = reverse(address, opts, qopts, ec);
  return or_throw(std::move(names), ec, address.to_string());
}

}  // namespace dnskit::resolver
