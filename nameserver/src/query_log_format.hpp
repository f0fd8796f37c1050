#pragma once
// One query as the query log (--query-log) records it, and its two written forms.
//
// A query thread only copies the facts into a query_record (no formatting, no allocation); the
// query log's writer thread turns records into lines (server_query_log.hpp).
//
// text: ten fields separated by one space, "-" where there is nothing to say:
//   TIME CLIENT TRANSPORT QNAME QCLASS QTYPE RESULT FLAGS SIZE MICROSECONDS
//   2026-12-07T10:27:18.123Z 127.0.0.1:40000 udp www.example.test. IN A NOERROR - 56 12
//   TIME          ISO 8601, UTC, milliseconds, when the answer was ready
//   CLIENT        ADDR:PORT, [ADDR]:PORT for IPv6
//   TRANSPORT     udp | tcp
//   QNAME         in presentation format (RFC 1035 §5.1 escapes, so never a space), or "-"
//   QCLASS QTYPE  mnemonics (IN, A) or CLASSnnn / TYPEnnn, "-" without a question
//   RESULT        the response's RCODE (NOERROR, NXDOMAIN, REFUSED, FORMERR, ...), TRANSFER for
//                 a zone transfer streamed on the connection, DROP when nothing was sent back
//   FLAGS         TC when the answer was truncated, otherwise "-"
//   SIZE          bytes of the response (0 for DROP and TRANSFER)
//   MICROSECONDS  time spent answering, from the query's arrival to the answer's encoding
// In the log stream (--query-log without FILE) the line is the log's own prefix (its time or
// the journal's priority), "query ", then the fields from CLIENT on.
//
// json: one object per line (JSON Lines), the same facts with names:
//   {"time":"2026-12-07T10:27:18.123Z","client":"127.0.0.1","port":40000,"transport":"udp",
//    "qname":"www.example.test.","qclass":"IN","qtype":"A","result":"NOERROR","tc":false,
//    "size":56,"microseconds":12}
//   qname, qclass and qtype are null without a question.
#include <array>
#include <chrono>
#include <cstdint>
#include <span>
#include <string>

#include "dnskit/nameserver/request.hpp"
#include "dnskit/nameserver/responder.hpp"

namespace dnskit::nameserver {

enum class query_log_format : std::uint8_t { text, json };

struct query_record {
  std::chrono::system_clock::time_point time;
  request_info client;
  outcome::action what = outcome::action::drop;
  dns::rcode rcode = dns::rcode::noerror;
  dns::rr_type qtype = dns::rr_type::a;
  dns::rr_class qclass = dns::rr_class::in;
  bool truncated = false;
  bool has_question = false;
  std::uint8_t qname_size = 0;  // 0: no question
  std::uint32_t size = 0;
  std::uint32_t microseconds = 0;
  // The question's name as it came on the wire: RFC 1035 §4.1.2 puts it right after the
  // 12-byte header, where no compression pointer can point anywhere valid, so the bytes alone
  // are the name. A name is at most 255 bytes (RFC 1035 §3.1).
  std::array<std::uint8_t, 255> qname{};
};

// Copies what the log needs from one answered query.
query_record make_query_record(std::span<const std::uint8_t> query, const request_info& client,
                               const outcome& result, std::chrono::system_clock::time_point now,
                               std::chrono::steady_clock::duration elapsed) noexcept;

// "192.0.2.1:5353" or "[2001:db8::1]:5353": the CLIENT field, also used in other log lines.
std::string client_text(const request_info& client);

// Appends the text form's fields from CLIENT on (no time, no newline).
void append_query_fields(std::string& out, const query_record& r);
// Appends a whole line ('\n' included) in `format`.
void append_query_line(std::string& out, const query_record& r, query_log_format format);

}  // namespace dnskit::nameserver
