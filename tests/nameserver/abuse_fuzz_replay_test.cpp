// The fuzz corpora (issue 7, item 4) replayed at the running server: every input of
// fuzz/corpus/message_decode and query_process and a sample of zone_parse (text, sent as if it
// were a query), over UDP and over one pipelined TCP connection. The server must stay up and
// answer, and every answer must decode (dns::decode, strict) and carry the query's ID (each
// input gets its own ID). An input that is a query (12 bytes or more, QR clear, and for UDP at
// most the 4096 bytes the server reads) must be answered; others may be dropped. The [long] form
// replays all three corpora entirely, three times over.
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <map>

#include "abuse_support.hpp"
#include "query_process_zone.hpp"

using namespace nstest;
using dns::rr_type;

namespace {

using bytes = std::vector<std::uint8_t>;

std::vector<bytes> corpus(std::string_view name, std::size_t every = 1) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(source_dir() / "fuzz" / "corpus" / name)) {
    if (entry.is_regular_file()) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<bytes> out;
  for (std::size_t i = 0; i < files.size(); i += every) {
    const std::string text = read_file(files[i]);
    out.emplace_back(text.begin(), text.end());
  }
  return out;
}

bool is_query(const bytes& input) { return input.size() >= 12 && (input[2] & 0x80) == 0; }

std::uint16_t id_of(std::span<const std::uint8_t> message) {
  return static_cast<std::uint16_t>((message[0] << 8) | message[1]);
}

struct replay_result {
  std::size_t sent = 0, expected = 0, answered = 0, messages = 0;
  std::size_t undecodable = 0, wrong_id = 0, out_of_order = 0;
  std::string summary(std::string_view transport) const {
    return std::string(transport) + ": " + std::to_string(sent) + " inputs, " +
           std::to_string(expected) + " queries, " + std::to_string(answered) + " answered (" +
           std::to_string(messages) + " messages), " + std::to_string(undecodable) +
           " undecodable, " + std::to_string(wrong_id) + " wrong ID, " +
           std::to_string(out_of_order) + " out of order";
  }
};

bool decodes(std::span<const std::uint8_t> message) {
  dns::message m;
  return !dns::decode(message, m) && m.hdr.qr;
}

// One datagram per input, each with ID = its index; waits for the answer of each query.
replay_result replay_udp(const test::server_address& at, std::vector<bytes> inputs) {
  replay_result r;
  const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(at.port);
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::connect(fd, reinterpret_cast<const sockaddr*>(&to), sizeof to) == 0);
  bytes buffer(65535);
  auto receive = [&](int timeout_ms) -> std::optional<bytes> {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, timeout_ms) <= 0) return std::nullopt;
    const ssize_t n = ::recv(fd, buffer.data(), buffer.size(), 0);
    if (n < 0) return std::nullopt;
    return bytes(buffer.begin(), buffer.begin() + n);
  };
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    bytes& input = inputs[i];
    if (input.size() > 65507) input.resize(65507);
    const auto id = static_cast<std::uint16_t>(i);
    if (input.size() >= 2) {
      input[0] = static_cast<std::uint8_t>(id >> 8);
      input[1] = static_cast<std::uint8_t>(id & 0xff);
    }
    ++r.sent;
    ::send(fd, input.data(), input.size(), 0);
    if (!is_query(input) || input.size() > 4096) continue;
    ++r.expected;
    // Answers to earlier inputs that were not queries may come first: skip them.
    for (;;) {
      auto answer = receive(2000);
      if (!answer) break;
      ++r.messages;
      if (answer->size() < 2 || !decodes(*answer)) {
        ++r.undecodable;
        continue;
      }
      if (id_of(*answer) == id) {
        ++r.answered;
        break;
      }
      if (id_of(*answer) > id) ++r.wrong_id;
    }
  }
  ::close(fd);
  return r;
}

// Every input framed on one connection (a writer thread sends while the answers are read):
// answers must come in the inputs' order.
replay_result replay_tcp(const test::server_address& at, std::vector<bytes> inputs) {
  replay_result r;
  std::vector<bool> wanted(inputs.size());
  bytes stream;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    bytes& input = inputs[i];
    if (input.size() > 65535) input.resize(65535);
    const auto id = static_cast<std::uint16_t>(i);
    if (input.size() >= 2) {
      input[0] = static_cast<std::uint8_t>(id >> 8);
      input[1] = static_cast<std::uint8_t>(id & 0xff);
    }
    wanted[i] = is_query(input);
    r.expected += wanted[i] ? 1 : 0;
    stream.push_back(static_cast<std::uint8_t>(input.size() >> 8));
    stream.push_back(static_cast<std::uint8_t>(input.size() & 0xff));
    stream.insert(stream.end(), input.begin(), input.end());
  }
  r.sent = inputs.size();
  test::tcp_client client;
  REQUIRE(client.connect(at));
  // In 64 KiB pieces: each gets its own send deadline while the server works through them.
  std::thread writer([&] {
    for (std::size_t at_byte = 0; at_byte < stream.size(); at_byte += 65536) {
      const std::size_t n = std::min<std::size_t>(65536, stream.size() - at_byte);
      if (!client.send_raw(std::span(stream).subspan(at_byte, n))) break;
    }
  });
  std::vector<bool> got(inputs.size());
  std::size_t last = 0;
  while (r.answered < r.expected) {
    auto answer = client.receive_message(5s);
    if (!answer) break;
    ++r.messages;
    if (answer->size() < 2 || !decodes(*answer)) {
      ++r.undecodable;
      continue;
    }
    const std::size_t index = id_of(*answer);
    if (index >= inputs.size()) {
      ++r.wrong_id;
      continue;
    }
    if (index < last) ++r.out_of_order;
    last = index;
    if (!got[index] && wanted[index]) ++r.answered;
    got[index] = true;
  }
  writer.join();
  return r;
}

void replay_all(std::size_t zone_parse_every, int rounds, unsigned threads) {
  temp_dir dir;
  write_file(dir / "example.test.zone", dnskit::fuzz::query_process_zone_text());
  write_file(dir / "child.example.test.zone", "$TTL 60\n@ SOA ns hm 1 1 1 1 1\n@ NS ns\nns A 192.0.2.9\n");
  auto server = start_server({"--zone", (dir / "example.test.zone").string(), "--zone",
                              (dir / "child.example.test.zone").string(), "--threads",
                              std::to_string(threads), "--identity", "fuzz.example",
                              "--server-version", "fuzz"});
  const auto at = address_of(*server);

  std::vector<bytes> inputs = corpus("message_decode");
  for (auto& b : corpus("query_process")) inputs.push_back(std::move(b));
  for (auto& b : corpus("zone_parse", zone_parse_every)) inputs.push_back(std::move(b));
  REQUIRE(inputs.size() < 65536);  // one ID each

  for (int round = 0; round < rounds; ++round) {
    for (const bool tcp : {false, true}) {
      const replay_result r = tcp ? replay_tcp(at, inputs) : replay_udp(at, inputs);
      std::cout << "abuse: fuzz corpora over " << r.summary(tcp ? "tcp" : "udp") << "\n";
      CHECK(r.answered == r.expected);
      CHECK(r.undecodable == 0);
      CHECK(r.wrong_id == 0);
      CHECK(r.out_of_order == 0);
      REQUIRE(server->process().running());
    }
  }
  // Still serving, over both transports.
  auto u = test::udp_query(at, make_query("www.example.test.", rr_type::a));
  REQUIRE(u.has_value());
  CHECK(u->answer.size() == 1);
  auto t = test::tcp_query(at, make_query("www.example.test.", rr_type::a));
  REQUIRE(t.has_value());
  CHECK(t->answer.size() == 1);
  CHECK(server->stop() == 0);
}

}  // namespace

TEST_CASE("abuse: fuzz corpora replayed over UDP and TCP", "[integration][abuse]") {
  replay_all(8, 1, 1);
}

TEST_CASE("abuse: every fuzz corpus input replayed three times", "[abuse][long]") {
  replay_all(1, 3, 2);
}
