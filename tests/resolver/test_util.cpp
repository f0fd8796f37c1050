#include "test_util.hpp"

namespace dnskit::resolver::test {

query_outcome query_once(const options& opts, std::string_view name, dns::rr_type type,
                         const query_options& qopts) {
  boost::asio::io_context io;
  query_outcome out;
  resolver r(io, opts);
  r.async_query(name, type, qopts, [&](error_code ec, dns::message m) {
    out.ec = ec;
    out.msg = std::move(m);
    ++out.calls;
  });
  run_bounded(io);
  return out;
}

}  // namespace dnskit::resolver::test
