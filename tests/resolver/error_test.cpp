#include <ares.h>

#include <catch2/catch.hpp>
#include <system_error>

#include "dnskit/resolver/error.hpp"

using namespace dnskit;
using resolver::errc;

TEST_CASE("errc values are c-ares status codes one to one", "[unit]") {
  CHECK(static_cast<int>(errc::nodata) == ARES_ENODATA);
  CHECK(static_cast<int>(errc::nxdomain) == ARES_ENOTFOUND);
  CHECK(static_cast<int>(errc::servfail) == ARES_ESERVFAIL);
  CHECK(static_cast<int>(errc::refused) == ARES_EREFUSED);
  CHECK(static_cast<int>(errc::formerr) == ARES_EFORMERR);
  CHECK(static_cast<int>(errc::timeout) == ARES_ETIMEOUT);
  CHECK(static_cast<int>(errc::connection_refused) == ARES_ECONNREFUSED);
  CHECK(static_cast<int>(errc::bad_name) == ARES_EBADNAME);
  CHECK(static_cast<int>(errc::cancelled) == ARES_ECANCELLED);
  CHECK(static_cast<int>(errc::bad_service) == ARES_ESERVICE);
  for (int status = ARES_ENODATA; status <= ARES_ESERVICE; ++status) {
    if (status == ARES_EDESTRUCTION || status == ARES_ECANCELLED) continue;
    const auto ec = resolver::from_ares_status(status);
    CHECK(ec.value() == status);
    CHECK(ec.category() == resolver::category());
    CHECK(ec.message() == ares_strerror(status));
  }
}

TEST_CASE("c-ares cancellation becomes operation_aborted", "[unit]") {
  CHECK(!resolver::from_ares_status(ARES_SUCCESS));
  CHECK(resolver::from_ares_status(ARES_EDESTRUCTION) == boost::asio::error::operation_aborted);
  CHECK(resolver::from_ares_status(ARES_ECANCELLED) == boost::asio::error::operation_aborted);
}

TEST_CASE("rcodes map to their errors", "[unit]") {
  CHECK(!resolver::from_rcode(dns::rcode::noerror));
  CHECK(resolver::from_rcode(dns::rcode::nxdomain) == errc::nxdomain);
  CHECK(resolver::from_rcode(dns::rcode::servfail) == errc::servfail);
  CHECK(resolver::from_rcode(dns::rcode::refused) == errc::refused);
  CHECK(resolver::from_rcode(dns::rcode::formerr) == errc::formerr);
  CHECK(resolver::from_rcode(dns::rcode::notimp) == errc::notimp);
  CHECK(resolver::from_rcode(dns::rcode::notauth) == errc::other_rcode);
  CHECK(resolver::from_rcode(dns::rcode::badvers) == errc::other_rcode);
}

TEST_CASE("resolver errors convert to std::error_code and still compare", "[unit]") {
  const boost::system::error_code b = errc::nxdomain;
  const std::error_code s = b;
  CHECK(s == errc::nxdomain);
  CHECK(s != errc::nodata);
  CHECK(std::string(s.category().name()) == "dnskit.resolver");
  CHECK(s.message() == b.message());
  const std::error_code direct = errc::timeout;
  CHECK(direct == errc::timeout);
  const std::error_code aborted = boost::system::error_code(boost::asio::error::operation_aborted);
  CHECK(aborted == std::errc::operation_canceled);
  CHECK(resolver::make_error_code(errc::other_rcode).message().find("response code") != std::string::npos);
}
