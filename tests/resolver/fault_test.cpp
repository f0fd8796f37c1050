// Faulty servers (issue 7, resolver faults): answers cut short over UDP and TCP, answers with
// QR=0, a TCP answer trickling in one byte at a time, a server that answers only over TCP after
// TC. Each ends in the right error or in a retry that succeeds; the handler runs once; ASan and
// LeakSanitizer see nothing. (Wrong ID, wrong question, garbage, a late answer and a TCP
// connection closed mid-answer are in query_test.cpp.)
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>

#include "dnskit/dns/rdata.hpp"
#include "test_server.hpp"
#include "test_util.hpp"

using namespace dnskit;
using namespace std::chrono_literals;
using resolver::errc;
using namespace dnskit::resolver::test;

namespace {

// "example.test." A: header (12) + question (14-octet name, type, class) = 30 octets, then one
// answer record.
constexpr std::size_t question_end = 30;

dns::message good_answer(const dns::message& q, const char* address = "192.0.2.1") {
  dns::message r = response_to(q);
  r.answer.push_back(make_record("example.test.", dns::rr_type::a, address));
  return r;
}

std::vector<std::uint8_t> cut(const dns::message& m, std::size_t length) {
  std::vector<std::uint8_t> wire = dns::encode(m);
  wire.resize(std::min(length, wire.size()));
  return wire;
}

// A TCP reply: the length prefix of the whole message, then only `sent` octets of it.
std::vector<std::uint8_t> framed_cut(const dns::message& m, std::size_t sent) {
  const std::vector<std::uint8_t> wire = dns::encode(m);
  const std::size_t n = std::min(sent, wire.size());
  std::vector<std::uint8_t> out(2 + n);
  out[0] = static_cast<std::uint8_t>(wire.size() >> 8);
  out[1] = static_cast<std::uint8_t>(wire.size() & 0xff);
  std::copy_n(wire.begin(), n, out.begin() + 2);
  return out;
}

std::string first_address(const dns::message& m) {
  return m.answer.empty() ? std::string() : dns::rdata_to_text(dns::rr_type::a, m.answer[0].rdata);
}

dns::message truncated_udp(const dns::message& q) {
  dns::message r = response_to(q);
  r.hdr.tc = true;  // RFC 1035 §4.2.1: ask again over TCP
  return r;
}

}  // namespace

TEST_CASE("a UDP answer cut short is ignored until the retry or rejected as bad_response", "[integration]") {
  // Cut inside the header or the question: c-ares cannot match it to the query, so the try
  // times out and the retry's whole answer wins. Cut after the question: it is the query's
  // answer and does not decode.
  const std::size_t full = dns::encode(good_answer(dns::make_query(1, dns::name::from_text("example.test."),
                                                                   dns::rr_type::a, dns::rr_class::in, true,
                                                                   std::nullopt)))
                               .size();
  for (const std::size_t length : {std::size_t{0}, std::size_t{1}, std::size_t{11}, std::size_t{12},
                                   std::size_t{20}, question_end - 1, question_end, question_end + 5,
                                   full - 1}) {
    INFO("cut to " << length << " of " << full << " octets");
    std::atomic<int> asked{0};
    test_server server([&](const dns::message& q, bool) {
      if (++asked == 1) return reply::bytes(cut(good_answer(q, "192.0.2.66"), length));
      return reply::answer(good_answer(q));
    });
    const auto out = query_once(loopback_options(server, 150ms, 2), "example.test", dns::rr_type::a);
    CHECK(out.calls == 1);
    if (length < question_end) {
      CHECK(!out.ec);
      CHECK(first_address(out.msg) == "192.0.2.1");
      CHECK(server.udp_queries() == 2);
    } else {
      CHECK(out.ec == errc::bad_response);
      CHECK(out.msg.answer.empty());
      CHECK(server.udp_queries() == 1);
    }
  }
}

TEST_CASE("a TCP answer cut short and closed is retried on a new connection", "[integration]") {
  const std::size_t full = dns::encode(good_answer(dns::make_query(1, dns::name::from_text("example.test."),
                                                                   dns::rr_type::a, dns::rr_class::in, true,
                                                                   std::nullopt)))
                               .size();
  // The length prefix promises `full` octets; `sent` of them come, then the connection closes.
  for (const std::size_t sent : {std::size_t{0}, std::size_t{5}, std::size_t{12}, question_end, full - 1}) {
    INFO(sent << " of " << full << " octets after the length prefix");
    std::atomic<int> tcp_asked{0};
    test_server server([&](const dns::message& q, bool tcp) {
      if (!tcp) return reply::answer(truncated_udp(q));
      if (++tcp_asked == 1) return reply::bytes(framed_cut(good_answer(q, "192.0.2.66"), sent), true);
      return reply::answer(good_answer(q));
    });
    const auto out = query_once(loopback_options(server, 500ms, 2), "example.test", dns::rr_type::a);
    CHECK(out.calls == 1);
    CHECK(!out.ec);
    CHECK(first_address(out.msg) == "192.0.2.1");
    CHECK(server.tcp_connections() == 2);
  }
  // Half a length prefix, then the close.
  std::atomic<int> tcp_asked{0};
  test_server half_prefix([&](const dns::message& q, bool tcp) {
    if (!tcp) return reply::answer(truncated_udp(q));
    if (++tcp_asked == 1) return reply::bytes({0x00}, true);
    return reply::answer(good_answer(q));
  });
  const auto out = query_once(loopback_options(half_prefix, 500ms, 2), "example.test", dns::rr_type::a);
  CHECK(out.calls == 1);
  CHECK(!out.ec);
  CHECK(half_prefix.tcp_connections() == 2);
}

TEST_CASE("a TCP answer that is always cut short ends in an error, never in a partial answer", "[integration]") {
  test_server server([](const dns::message& q, bool tcp) {
    if (!tcp) return reply::answer(truncated_udp(q));
    return reply::bytes(framed_cut(good_answer(q), question_end + 5), true);
  });
  const auto start = std::chrono::steady_clock::now();
  const auto out = query_once(loopback_options(server, 500ms, 3), "example.test", dns::rr_type::a);
  CHECK(out.calls == 1);
  CHECK(out.ec == errc::connection_refused);  // c-ares's word for "no server gave an answer"
  CHECK(out.msg.answer.empty());
  CHECK(server.tcp_connections() == 3);  // one connection per try
  CHECK(std::chrono::steady_clock::now() - start < 1000ms);  // closes are seen at once, no timeouts
}

TEST_CASE("an answer with QR=0 is not an answer", "[integration]") {
  SECTION("over UDP it is ignored and the retry's answer wins") {
    std::atomic<int> asked{0};
    test_server server([&](const dns::message& q, bool) {
      dns::message r = good_answer(q, ++asked == 1 ? "192.0.2.66" : "192.0.2.1");
      if (asked == 1) r.hdr.qr = false;  // looks like an answer in every other way
      return reply::answer(r);
    });
    const auto out = query_once(loopback_options(server, 150ms, 2), "example.test", dns::rr_type::a);
    CHECK(out.calls == 1);
    CHECK(!out.ec);
    CHECK(first_address(out.msg) == "192.0.2.1");
    CHECK(server.udp_queries() == 2);
  }
  SECTION("a reflected query over UDP is ignored") {
    std::atomic<int> asked{0};
    test_server server([&](const dns::message& q, bool) {
      if (++asked == 1) return reply::bytes(dns::encode(q));  // the query itself, sent back
      return reply::answer(good_answer(q));
    });
    const auto out = query_once(loopback_options(server, 150ms, 2), "example.test", dns::rr_type::a);
    CHECK(out.calls == 1);
    CHECK(!out.ec);
    CHECK(first_address(out.msg) == "192.0.2.1");
  }
  SECTION("over TCP it is a bad response") {
    test_server server([](const dns::message& q, bool) {
      dns::message r = good_answer(q);
      r.hdr.qr = false;
      return reply::answer(r);
    });
    auto opts = loopback_options(server, 500ms, 1);
    opts.tcp_only = true;
    const auto out = query_once(opts, "example.test", dns::rr_type::a);
    CHECK(out.calls == 1);
    CHECK(out.ec == errc::bad_response);
    CHECK(out.msg.answer.empty());
  }
}

TEST_CASE("a TCP answer split across many writes arrives whole", "[integration]") {
  test_server server([](const dns::message& q, bool) {
    dns::message r = response_to(q);
    for (int i = 0; i < 4; ++i) {
      r.answer.push_back(make_record("example.test.", dns::rr_type::txt, "\"piece " + std::to_string(i) + "\""));
    }
    // One octet per write, 1 ms apart: the length prefix and every field arrive in pieces.
    return reply::in_pieces(r, 1, 1ms);
  });
  auto opts = loopback_options(server, 3000ms, 1);
  opts.tcp_only = true;
  const auto out = query_once(opts, "example.test", dns::rr_type::txt);
  CHECK(out.calls == 1);
  REQUIRE(!out.ec);
  REQUIRE(out.msg.answer.size() == 4);
  CHECK(dns::rdata_to_text(dns::rr_type::txt, out.msg.answer[3].rdata) == "\"piece 3\"");
  CHECK(server.tcp_queries() == 1);
}

TEST_CASE("a server that answers only over TCP after TC", "[integration]") {
  SECTION("the TCP answer is the one delivered, not the truncated UDP one") {
    test_server server([](const dns::message& q, bool tcp) {
      dns::message r = response_to(q);
      if (!tcp) {
        r.hdr.tc = true;
        r.answer.push_back(make_record("example.test.", dns::rr_type::a, "192.0.2.66"));  // partial
        return reply::answer(r);
      }
      for (int i = 1; i <= 30; ++i) {
        r.answer.push_back(make_record("example.test.", dns::rr_type::a, "192.0.2." + std::to_string(i)));
      }
      return reply::in_pieces(r, 7, 0ms);
    });
    const auto out = query_once(loopback_options(server, 500ms, 2), "example.test", dns::rr_type::a);
    CHECK(out.calls == 1);
    REQUIRE(!out.ec);
    CHECK(!out.msg.hdr.tc);
    CHECK(out.msg.answer.size() == 30);
    CHECK(first_address(out.msg) == "192.0.2.1");
    CHECK(server.udp_queries() == 1);
    CHECK(server.tcp_queries() == 1);
  }
  SECTION("TCP refusing every connection is an error, not the truncated answer") {
    test_server server([](const dns::message& q, bool tcp) {
      if (!tcp) {
        dns::message r = truncated_udp(q);
        r.answer.push_back(make_record("example.test.", dns::rr_type::a, "192.0.2.66"));
        return reply::answer(r);
      }
      return reply::close();
    });
    const auto out = query_once(loopback_options(server, 500ms, 2), "example.test", dns::rr_type::a);
    CHECK(out.calls == 1);
    CHECK(out.ec == errc::connection_refused);
    CHECK(out.msg.answer.empty());
    CHECK(server.tcp_connections() == 2);
  }
  SECTION("TCP that never answers times out") {
    test_server server([](const dns::message& q, bool tcp) {
      if (!tcp) return reply::answer(truncated_udp(q));
      return reply::silence();
    });
    const auto start = std::chrono::steady_clock::now();
    const auto out = query_once(loopback_options(server, 150ms, 1), "example.test", dns::rr_type::a);
    CHECK(out.calls == 1);
    CHECK(out.ec == errc::timeout);
    CHECK(std::chrono::steady_clock::now() - start < 1000ms);
  }
}
