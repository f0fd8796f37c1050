#include "resolve_op.hpp"

#include <ares.h>
#include <netinet/in.h>

#include <algorithm>
#include <cstring>
#include <memory>

#include "core.hpp"

namespace dnskit::resolver::detail {
namespace {

struct addrinfo_deleter {
  void operator()(ares_addrinfo* p) const noexcept { ares_freeaddrinfo(p); }
};

resolve_result convert(const ares_addrinfo& ai) {
  resolve_result out;
  // The chain of CNAMEs ends at the canonical name; without one it is the name asked.
  const char* canonical = ai.name;
  for (const ares_addrinfo_cname* c = ai.cnames; c != nullptr; c = c->next) {
    if (c->name != nullptr) canonical = c->name;
  }
  if (canonical != nullptr) out.canonical_name = canonical;
  if (!out.canonical_name.empty() && out.canonical_name.back() == '.') out.canonical_name.pop_back();
  for (const ares_addrinfo_node* n = ai.nodes; n != nullptr; n = n->ai_next) {
    resolved_address a;
    a.ttl = n->ai_ttl > 0 ? static_cast<std::uint32_t>(n->ai_ttl) : 0;
    if (n->ai_family == AF_INET && n->ai_addr != nullptr) {
      sockaddr_in in;
      std::memcpy(&in, n->ai_addr, sizeof in);
      boost::asio::ip::address_v4::bytes_type b;
      std::memcpy(b.data(), &in.sin_addr, b.size());
      a.address = boost::asio::ip::address_v4(b);
    } else if (n->ai_family == AF_INET6 && n->ai_addr != nullptr) {
      sockaddr_in6 in6;
      std::memcpy(&in6, n->ai_addr, sizeof in6);
      boost::asio::ip::address_v6::bytes_type b;
      std::memcpy(b.data(), &in6.sin6_addr, b.size());
      a.address = boost::asio::ip::address_v6(b, in6.sin6_scope_id);
    } else {
      continue;
    }
    out.addresses.push_back(a);
  }
  return out;
}

}  // namespace

resolve_op::resolve_op(core& owner, std::string host, address_family family,
                       completion<resolve_result> handler)
    : op_base(owner), host_(std::move(host)), family_(family), handler_(std::move(handler)) {}

void resolve_op::start() {
  ares_addrinfo_hints hints;
  std::memset(&hints, 0, sizeof hints);
  hints.ai_family = family_ == address_family::v4 ? AF_INET : family_ == address_family::v6 ? AF_INET6 : AF_UNSPEC;
  // No RFC 6724 sorting: it would open and connect a probe socket per address.
  hints.ai_flags = ARES_AI_NOSORT;
  core& c = owner();
  c.request_started(*this);
  // May call back before returning (hosts file, numeric address): the handler is posted anyway.
  ares_getaddrinfo(c.channel(), host_.c_str(), nullptr, &hints, &resolve_op::on_result,
                   op_ref(this).detach());
  c.request_sent();
}

void resolve_op::on_result(void* arg, int status, int /*timeouts*/, ares_addrinfo* result) {
  const op_ref self = op_ref::adopt(static_cast<op_base*>(arg));
  const std::unique_ptr<ares_addrinfo, addrinfo_deleter> owned(result);
  auto& op = static_cast<resolve_op&>(*self.get());
  op.owner().request_finished(op);
  if (op.done()) return;
  if (status != ARES_SUCCESS) {
    op.complete(from_ares_status(status), {});
    return;
  }
  resolve_result r = result ? convert(*result) : resolve_result{};
  // IPv6 first, each family in the order received (the order resolver.hpp documents, and RFC
  // 6724 §2.1's default policy's for global addresses); c-ares 1.18 without sorting gives
  // IPv4 first.
  std::stable_partition(r.addresses.begin(), r.addresses.end(),
                        [](const resolved_address& a) { return a.address.is_v6(); });
  const error_code ec = r.addresses.empty() ? error_code(errc::nodata) : error_code();
  op.complete(ec, std::move(r));
}

void resolve_op::complete(error_code ec, resolve_result r) {
  if (!mark_done()) return;
  handler_.post(ec, std::move(r));
}

}  // namespace dnskit::resolver::detail
