#include "query_log_format.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>
#include <iterator>
#include <optional>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "dnskit/dns/name.hpp"
#include "dnskit/dns/rr_type.hpp"
#include "log.hpp"

namespace dnskit::nameserver {
namespace {

constexpr std::size_t header_size = 12;  // RFC 1035 §4.1.1

std::string address_text(const request_info& client) {
  char text[INET6_ADDRSTRLEN] = {};
  ::inet_ntop(client.is_v6 ? AF_INET6 : AF_INET, client.address.data(), text, sizeof text);
  return text;
}

std::optional<std::string> qname_text(const query_record& r) {
  if (r.qname_size == 0) return std::nullopt;
  std::size_t offset = 0;
  std::error_code ec;
  const dns::name n = dns::name::read(std::span(r.qname.data(), r.qname_size), offset, ec);
  if (ec) return std::nullopt;
  return n.to_text();
}

std::string result_text(const query_record& r) {
  switch (r.what) {
    case outcome::action::drop: return "DROP";
    case outcome::action::transfer: return "TRANSFER";
    case outcome::action::reply: break;
  }
  return dns::to_string(r.rcode);
}

std::string timestamp_text(const query_record& r) {
  std::string out;
  log::append_timestamp(out, r.time);
  return out;
}

}  // namespace

query_record make_query_record(std::span<const std::uint8_t> query, const request_info& client,
                               const outcome& result, std::chrono::system_clock::time_point now,
                               std::chrono::steady_clock::duration elapsed) noexcept {
  query_record r;
  r.time = now;
  r.client = client;
  r.what = result.what;
  r.rcode = result.rcode;
  r.qtype = result.qtype;
  r.qclass = result.qclass;
  r.truncated = result.truncated;
  r.has_question = result.has_question;
  r.size = result.what == outcome::action::reply
               ? static_cast<std::uint32_t>(std::min<std::size_t>(result.size, UINT32_MAX))
               : 0;
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count();
  r.microseconds = static_cast<std::uint32_t>(std::clamp<std::int64_t>(us, 0, UINT32_MAX));
  if (result.has_question && query.size() > header_size) {
    const std::size_t n = std::min(r.qname.size(), query.size() - header_size);
    std::memcpy(r.qname.data(), query.data() + header_size, n);
    r.qname_size = static_cast<std::uint8_t>(n);
  }
  return r;
}

std::string client_text(const request_info& client) {
  const std::string address = address_text(client);
  return client.is_v6 ? fmt::format("[{}]:{}", address, client.port)
                      : fmt::format("{}:{}", address, client.port);
}

void append_query_fields(std::string& out, const query_record& r) {
  auto it = std::back_inserter(out);
  out += client_text(r.client);
  const auto qname = qname_text(r);
  fmt::format_to(it, " {} {} {} {} {} {} {} {}", r.client.via == transport::udp ? "udp" : "tcp",
                 qname ? *qname : "-", r.has_question ? dns::to_string(r.qclass) : "-",
                 r.has_question ? dns::to_string(r.qtype) : "-", result_text(r),
                 r.truncated ? "TC" : "-", r.size, r.microseconds);
}

void append_query_line(std::string& out, const query_record& r, query_log_format format) {
  if (format == query_log_format::text) {
    log::append_timestamp(out, r.time);
    out += ' ';
    append_query_fields(out, r);
    out += '\n';
    return;
  }
  nlohmann::ordered_json j;
  j["time"] = timestamp_text(r);
  j["client"] = address_text(r.client);
  j["port"] = r.client.port;
  j["transport"] = r.client.via == transport::udp ? "udp" : "tcp";
  const auto qname = qname_text(r);
  j["qname"] = qname ? nlohmann::ordered_json(*qname) : nlohmann::ordered_json(nullptr);
  j["qclass"] = r.has_question ? nlohmann::ordered_json(dns::to_string(r.qclass)) : nullptr;
  j["qtype"] = r.has_question ? nlohmann::ordered_json(dns::to_string(r.qtype)) : nullptr;
  j["result"] = result_text(r);
  j["tc"] = r.truncated;
  j["size"] = r.size;
  j["microseconds"] = r.microseconds;
  // A name's \DDD escapes keep it ASCII; `replace` guards the writer against anything else.
  out += j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  out += '\n';
}

}  // namespace dnskit::nameserver
