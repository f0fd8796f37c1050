#include "json_format.hpp"

#include <nlohmann/json.hpp>

#include "dnskit/dns/rdata.hpp"

namespace dnskit::cli {
namespace {

nlohmann::ordered_json records_json(const std::vector<dns::record>& records) {
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const dns::record& r : records) {
    list.push_back({{"name", r.owner.to_text()},
                    {"type", dns::to_string(r.type)},
                    {"class", dns::to_string(r.klass)},
                    {"ttl", r.ttl},
                    {"data", dns::rdata_to_text(r.type, r.rdata)}});
  }
  return list;
}

std::string failure_text(const resolver::error_code& ec) {
  if (ec == resolver::errc::timeout) return "timed out";
  if (ec == resolver::errc::connection_refused) return "connection refused";
  return ec.message();
}

}  // namespace

std::string exchange_json(const exchange& ex, const std::string& query, const std::string& server_name) {
  nlohmann::ordered_json j;
  j["query"] = query;
  j["server"] = {{"name", server_name},
                 {"address", ex.server.address.to_string()},
                 {"port", ex.server.port}};
  j["transport"] = ex.proto == resolver::transport::tcp ? "tcp" : "udp";
  j["question"] = {{"name", ex.question.qname.to_text()},
                   {"type", dns::to_string(ex.question.qtype)},
                   {"class", dns::to_string(ex.question.qclass)}};
  if (ex.has_response) {
    const dns::message& m = ex.response;
    j["rcode"] = dns::to_string(m.rcode());
    j["error"] = nullptr;
    nlohmann::ordered_json flags = nlohmann::ordered_json::array();
    if (m.hdr.qr) flags.push_back("qr");
    if (m.hdr.aa) flags.push_back("aa");
    if (m.hdr.tc) flags.push_back("tc");
    if (m.hdr.rd) flags.push_back("rd");
    if (m.hdr.ra) flags.push_back("ra");
    if (m.hdr.ad) flags.push_back("ad");
    if (m.hdr.cd) flags.push_back("cd");
    j["flags"] = std::move(flags);
    j["id"] = m.hdr.id;
    j["sections"] = {{"answer", records_json(m.answer)},
                     {"authority", records_json(m.authority)},
                     {"additional", records_json(m.additional)}};
  } else {
    j["rcode"] = nullptr;
    j["error"] = failure_text(ex.error);
    j["flags"] = nlohmann::ordered_json::array();
    j["id"] = nullptr;
    j["sections"] = {{"answer", nlohmann::ordered_json::array()},
                     {"authority", nlohmann::ordered_json::array()},
                     {"additional", nlohmann::ordered_json::array()}};
  }
  j["time_ms"] = ex.time_ms;
  j["size"] = ex.bytes_received;
  return j.dump();
}

namespace {
// Response objects written so far in this run (one run per process).
std::size_t items_written = 0;
}  // namespace

std::string json_item(const settings& s, const std::string& object) {
  if (s.json_lines) return object + "\n";
  return (items_written++ == 0 ? "{\"responses\":[\n" : ",\n") + object;
}

std::string json_finish(const settings& s) {
  if (s.mode != output_mode::json || s.json_lines) return {};
  return items_written == 0 ? "{\"responses\":[]}\n" : "\n]}\n";
}

}  // namespace dnskit::cli
