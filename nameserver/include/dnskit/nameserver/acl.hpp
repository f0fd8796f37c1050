#pragma once
// An access list: a set of CIDR prefixes ("127.0.0.0/8", "::1", "2001:db8::/32", "192.0.2.1")
// and TSIG key names ("key:xfr", RFC 8945: any address whose request verified with that key).
// Used for allow-transfer (RFC 5936 §5: who may pull a zone by AXFR/IXFR).
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "dnskit/dns/name.hpp"
#include "dnskit/nameserver/request.hpp"

namespace dnskit::nameserver {

class acl {
 public:
  // Empty: allows nobody.
  acl() = default;

  // 127.0.0.0/8 and ::1/128, the default for allow-transfer when none is given (DESIGN.md §4).
  static acl loopback();
  // The same prefixes as text: {"127.0.0.0/8", "::1"}.
  static std::vector<std::string> loopback_prefixes();

  // Adds one prefix in presentation form, or "key:NAME". A bare address means a host (/32 or
  // /128). Returns false and a short `error` ("bad prefix length in '10.0.0.0/33'") when the
  // text is neither.
  bool add(std::string_view cidr, std::string& error);
  // Builds a list from texts; stops at the first bad one (false, `error` names it).
  static bool parse(const std::vector<std::string>& cidrs, acl& out, std::string& error);

  // True when the address lies in one of the prefixes, or the request verified with one of the
  // keys (client.tsig_key). An IPv4-mapped IPv6 client (::ffff:a.b.c.d, a dual-stack socket) is
  // matched as the IPv4 address it carries.
  bool allows(const request_info& client) const noexcept;
  bool allows(const std::array<std::uint8_t, 16>& address, bool is_v6) const noexcept;

  bool empty() const noexcept { return entries_.empty() && keys_.empty(); }
  std::size_t size() const noexcept { return entries_.size() + keys_.size(); }
  // The key names of "key:NAME" entries (to check that each names a configured key).
  const std::vector<dns::name>& keys() const noexcept { return keys_; }

 private:
  bool add_key(std::string_view key_name, std::string& error);

  struct entry {
    std::array<std::uint8_t, 16> prefix{};  // IPv4 in the first 4 bytes
    std::uint8_t length = 0;                // prefix bits
    bool is_v6 = false;
  };
  std::vector<entry> entries_;
  std::vector<dns::name> keys_;
};

}  // namespace dnskit::nameserver
