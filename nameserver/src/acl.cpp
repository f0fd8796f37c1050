// Address access lists for zone transfers (RFC 5936 §5).
#include "dnskit/nameserver/acl.hpp"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>
#include <string>

namespace dnskit::nameserver {

namespace {

// The leading `bits` bits of a and b are equal.
bool prefix_matches(const std::array<std::uint8_t, 16>& a, const std::array<std::uint8_t, 16>& b,
                    unsigned bits) noexcept {
  std::size_t i = 0;
  for (; bits >= 8; bits -= 8, ++i) {
    if (a[i] != b[i]) return false;
  }
  if (bits == 0) return true;
  const auto mask = static_cast<std::uint8_t>(0xFFu << (8 - bits));
  return (a[i] & mask) == (b[i] & mask);
}

bool is_v4_mapped(const std::array<std::uint8_t, 16>& a) noexcept {
  for (std::size_t i = 0; i < 10; ++i) {
    if (a[i] != 0) return false;
  }
  return a[10] == 0xFF && a[11] == 0xFF;
}

}  // namespace

std::vector<std::string> acl::loopback_prefixes() { return {"127.0.0.0/8", "::1"}; }

acl acl::loopback() {
  acl list;
  std::string ignored;
  for (const auto& prefix : loopback_prefixes()) list.add(prefix, ignored);
  return list;
}

bool acl::add(std::string_view cidr, std::string& error) {
  if (cidr.starts_with("key:")) return add_key(cidr.substr(4), error);
  const std::string text(cidr);
  const auto slash = text.find('/');
  const std::string address = text.substr(0, slash);
  entry e;
  unsigned max_bits = 32;
  if (address.find(':') != std::string::npos) {
    e.is_v6 = true;
    max_bits = 128;
    if (inet_pton(AF_INET6, address.c_str(), e.prefix.data()) != 1) {
      error = "bad IPv6 address in '" + text + "'";
      return false;
    }
  } else if (inet_pton(AF_INET, address.c_str(), e.prefix.data()) != 1) {
    error = "bad IPv4 address in '" + text + "'";
    return false;
  }
  unsigned bits = max_bits;
  if (slash != std::string::npos) {
    const char* first = text.data() + slash + 1;
    const char* last = text.data() + text.size();
    const auto [end, ec] = std::from_chars(first, last, bits);
    if (first == last || ec != std::errc{} || end != last || bits > max_bits) {
      error = "bad prefix length in '" + text + "'";
      return false;
    }
  }
  e.length = static_cast<std::uint8_t>(bits);
  entries_.push_back(e);
  return true;
}

bool acl::add_key(std::string_view key_name, std::string& error) {
  std::error_code ec;
  dns::name n = key_name.empty() ? dns::name{} : dns::name::from_text(key_name, ec);
  if (key_name.empty() || ec) {
    error = "bad key name in 'key:" + std::string(key_name) + "'";
    return false;
  }
  keys_.push_back(std::move(n));
  return true;
}

bool acl::parse(const std::vector<std::string>& cidrs, acl& out, std::string& error) {
  acl list;
  for (const auto& text : cidrs) {
    if (!list.add(text, error)) return false;
  }
  out = std::move(list);
  return true;
}

bool acl::allows(const request_info& client) const noexcept {
  if (client.tsig_key != nullptr) {
    for (const auto& k : keys_) {
      if (k == *client.tsig_key) return true;
    }
  }
  return allows(client.address, client.is_v6);
}

bool acl::allows(const std::array<std::uint8_t, 16>& address, bool is_v6) const noexcept {
  std::array<std::uint8_t, 16> key = address;
  bool v6 = is_v6;
  if (v6 && is_v4_mapped(address)) {
    key = {};
    std::memcpy(key.data(), address.data() + 12, 4);
    v6 = false;
  }
  for (const auto& e : entries_) {
    if (e.is_v6 == v6 && prefix_matches(e.prefix, key, e.length)) return true;
  }
  return false;
}

}  // namespace dnskit::nameserver
