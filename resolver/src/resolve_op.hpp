#pragma once
// async_resolve's operation: ares_getaddrinfo (hosts file, search list, ndots, A and AAAA).
#include <string>

#include "dnskit/resolver/detail/completion.hpp"
#include "dnskit/resolver/resolver.hpp"
#include "op_base.hpp"

struct ares_addrinfo;

namespace dnskit::resolver::detail {

class resolve_op final : public op_base {
 public:
  resolve_op(core& owner, std::string host, address_family family, completion<resolve_result> handler);

  void start() override;
  void abort(error_code ec) override { complete(ec, resolve_result{}); }

 private:
  static void on_result(void* arg, int status, int timeouts, ares_addrinfo* result);
  void complete(error_code ec, resolve_result r);

  std::string host_;
  address_family family_;
  completion<resolve_result> handler_;
};

}  // namespace dnskit::resolver::detail
