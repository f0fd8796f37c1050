// Zone transfers are timed by the client's progress, not by its silence: a secondary that reads
// slowly but steadily gets the whole zone however long it takes (up to --axfr-max-time), one
// that stops reading is cut after the idle timeout. The server first fills its socket's send
// buffer (about 4 MB on loopback); the kernel then wakes the blocked writer only once a third of
// it has drained, which at 20 KB/s takes over a minute: progress is what the client acknowledged.
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include "abuse_support.hpp"

using namespace nstest;
using dns::rcode;
using dns::rr_type;

namespace {

struct transfer_result {
  std::size_t bytes = 0;  // framed bytes read
  std::size_t messages = 0;
  std::size_t records = 0;
  std::size_t soa = 0;  // 2: the transfer is complete (RFC 5936 §2.2)
  bool closed = false;  // the stream ended before the closing SOA
  bool bad = false;     // a message did not decode or had an error rcode
  bool held_while_slow = true;  // the server kept the connection through the slow phase
  std::chrono::steady_clock::duration took{};
};

// A TCP connection to 127.0.0.1:port whose receive buffer is set before the handshake (the
// window scale is agreed then). 0 keeps the kernel's default, which grows to megabytes.
int connect_reader(std::uint16_t port, int receive_buffer) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(fd >= 0);
  if (receive_buffer > 0) {
    ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
  }
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(port);
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::connect(fd, reinterpret_cast<const sockaddr*>(&to), sizeof to) == 0);
  return fd;
}

// An AXFR query with its length prefix. (abuse_support's framed() trips a false -Warray-bounds
// of GCC 12 when inlined here.)
std::vector<std::uint8_t> axfr_query(std::string_view origin, std::uint16_t id) {
  const auto wire = dns::encode(make_query(origin, rr_type::axfr, false, id));
  std::vector<std::uint8_t> out(2 + wire.size());
  out[0] = static_cast<std::uint8_t>(wire.size() >> 8);
  out[1] = static_cast<std::uint8_t>(wire.size() & 0xff);
  std::copy(wire.begin(), wire.end(), out.begin() + 2);
  return out;
}

struct slow_reading {
  std::size_t bytes_per_second = 20'000;
  // How long to read slowly; after that the rest is read as fast as it comes.
  std::chrono::milliseconds slow_for{0};
  std::chrono::milliseconds limit{60'000};  // the whole transfer
  // The client's receive buffer. On loopback a receiver announces more window in steps of
  // about one segment (64 KB there, 1.5 KB across a LAN), so with the default buffer a 20 KB/s
  // reader's progress shows every 3 s; tests with a short idle timeout keep it small.
  int receive_buffer = 8192;
};

// Asks for an AXFR of `origin`, then reads `how` (a chunk every 50 ms) until the closing SOA,
// the end of the stream, or the limit. `server_holds` says whether the server still has the
// connection open; it is asked at the end of the slow phase.
template <typename Holds>
transfer_result slow_transfer(std::uint16_t port, std::string_view origin, const slow_reading& how,
                              Holds server_holds) {
  transfer_result r;
  const int fd = connect_reader(port, how.receive_buffer);
  const auto query = axfr_query(origin, 42);
  REQUIRE(::send(fd, query.data(), query.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(query.size()));
  const auto start = std::chrono::steady_clock::now();
  const auto deadline = start + how.limit;
  const auto fast_from = start + how.slow_for;
  constexpr auto tick = 50ms;
  const std::size_t chunk = std::max<std::size_t>(1, how.bytes_per_second / 20);
  std::vector<std::uint8_t> held;
  std::vector<std::uint8_t> buffer(65536);
  auto next_read = start;
  bool slow = how.slow_for.count() > 0;
  while (r.soa < 2 && !r.bad && std::chrono::steady_clock::now() < deadline) {
    if (slow && std::chrono::steady_clock::now() >= fast_from) {
      slow = false;
      r.held_while_slow = server_holds();
    }
    std::size_t want = buffer.size();
    if (slow) {
      std::this_thread::sleep_until(next_read);
      next_read += tick;
      want = chunk;
    }
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, slow ? 0 : 1000) <= 0) continue;
    const ssize_t n = ::read(fd, buffer.data(), want);
    if (n <= 0) {
      r.closed = true;
      break;
    }
    r.bytes += static_cast<std::size_t>(n);
    held.insert(held.end(), buffer.begin(), buffer.begin() + n);
    // Whole frames out of what is held.
    std::size_t used = 0;
    while (held.size() - used >= 2) {
      const std::size_t length = (std::size_t{held[used]} << 8) | held[used + 1];
      if (held.size() - used < 2 + length) break;
      dns::message m;
      if (dns::decode(std::span(held).subspan(used + 2, length), m) || m.rcode() != rcode::noerror) {
        r.bad = true;
        break;
      }
      ++r.messages;
      for (const auto& rr : m.answer) {
        ++r.records;
        if (rr.type == rr_type::soa) ++r.soa;
      }
      used += 2 + length;
    }
    held.erase(held.begin(), held.begin() + static_cast<std::ptrdiff_t>(used));
  }
  r.took = std::chrono::steady_clock::now() - start;
  ::close(fd);
  return r;
}

std::string describe(const transfer_result& r) {
  return std::to_string(r.bytes) + " bytes, " + std::to_string(r.messages) + " messages, " +
         std::to_string(r.records) + " records in " +
         std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(r.took).count()) +
         " ms" + (r.closed ? ", closed by the server" : "") + (r.bad ? ", bad message" : "");
}

std::filesystem::path write_sized_zone(const temp_dir& dir, std::string_view origin,
                                       std::size_t records) {
  const auto file = dir / (std::string(origin) + "zone");
  write_file(file, sized_zone_text(origin, records));
  return file;
}

}  // namespace

TEST_CASE("transfer: a client reading at 20 KB/s is served past many idle timeouts",
          "[integration]") {
  temp_dir dir;
  // 50,000 records, about 6 MB: more than the server's socket takes at once, so the server must
  // keep the connection to finish. 8 s at 20 KB/s against an idle timeout of 2 s (the client's
  // progress shows every half second or so, a loaded machine may pause it), then the rest read
  // at full speed.
  const auto file = write_sized_zone(dir, "slow.test.", 50000);
  auto server = start_server({"--zone", file.string(), "--tcp-idle-timeout", "2000"});
  const pid_t pid = server->process().pid();
  const std::size_t base_fds = open_fds(pid);
  slow_reading how;
  how.slow_for = 8s;
  const auto r = slow_transfer(server->port(), "slow.test.", how,
                               [&] { return open_fds(pid) == base_fds + 1; });
  INFO(describe(r));
  std::cout << "transfer: 8 s at 20 KB/s, idle timeout 2 s, then full speed: " << describe(r) << "\n";
  CHECK(r.held_while_slow);
  CHECK_FALSE(r.closed);
  CHECK_FALSE(r.bad);
  CHECK(r.soa == 2);
  CHECK(r.records == 50000 + 4 + 1);  // the zone's records and the closing SOA
  CHECK_FALSE(contains(server->stderr_text(), "zone transfer to"));
}

TEST_CASE("transfer: a client that stops reading is cut after the idle timeout", "[integration]") {
  temp_dir dir;
  const auto file = write_sized_zone(dir, "stall.test.", 50000);  // 6 MB
  auto server = start_server({"--zone", file.string(), "--tcp-idle-timeout", "1000"});
  const pid_t pid = server->process().pid();
  const std::size_t base_fds = open_fds(pid);
  const int fd = connect_reader(server->port(), 8192);
  const auto query = axfr_query("stall.test.", 7);
  REQUIRE(::send(fd, query.data(), query.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(query.size()));
  // Read nothing: the buffers fill and the transfer makes no progress. The server's close
  // cannot reach a client that does not read (its FIN waits behind the unread data), so the
  // server's descriptors tell when it let go.
  REQUIRE(eventually([&] { return open_fds(pid) == base_fds + 1; }, 2s));
  const auto start = std::chrono::steady_clock::now();
  CHECK(eventually([&] { return open_fds(pid) == base_fds; }, 10s));
  const auto waited = std::chrono::steady_clock::now() - start;
  std::cout << "transfer: a reader that never reads was cut after "
            << std::chrono::duration_cast<std::chrono::milliseconds>(waited).count() << " ms\n";
  CHECK(waited >= 800ms);  // the transfer started a little before `start`
  CHECK(waited < 5s);      // idle timeout 1 s: at most twice that, and room for a loaded machine
  CHECK(wait_log(*server, "the client stopped reading"));
  ::close(fd);
  // The server still serves.
  CHECK(test::udp_query(address_of(*server), make_query("www.stall.test.", rr_type::a)).has_value());
}

TEST_CASE("transfer: --axfr-max-time ends a transfer that progresses too slowly",
          "[integration]") {
  temp_dir dir;
  const auto file = write_sized_zone(dir, "limit.test.", 50000);  // 6 MB: 5 minutes at 20 KB/s
  // The idle timeout is longer than the limit, so what ends the transfer is the limit.
  auto server = start_server({"--zone", file.string(), "--tcp-idle-timeout", "3000",
                              "--axfr-max-time", "2000"});
  const pid_t pid = server->process().pid();
  const std::size_t base_fds = open_fds(pid);
  slow_reading how;
  how.slow_for = 6s;
  how.limit = 6500ms;
  const auto r = slow_transfer(server->port(), "limit.test.", how,
                               [&] { return open_fds(pid) == base_fds + 1; });
  INFO(describe(r));
  CHECK_FALSE(r.held_while_slow);  // the server let go within the 6 s
  CHECK(r.soa < 2);
  CHECK(wait_log(*server, "ran past --axfr-max-time"));
  CHECK_FALSE(contains(server->stderr_text(), "the client stopped reading"));
}

// The form the problem was reported in: 10 MB at 20 KB/s with the default 10 s idle timeout
// and the kernel's default buffers (about 9 minutes).
TEST_CASE("transfer: a 10 MB zone to a client reading at 20 KB/s", "[abuse][long]") {
  temp_dir dir;
  const auto file = write_sized_zone(dir, "ten.test.", 85000);  // about 10 MB on the wire
  auto server = start_server({"--zone", file.string()});
  slow_reading how;
  how.slow_for = how.limit = 20min;
  how.receive_buffer = 0;
  const auto r = slow_transfer(server->port(), "ten.test.", how, [] { return true; });
  INFO(describe(r));
  std::cout << "transfer: 10 MB to a 20 KB/s reader: " << describe(r) << "\n";
  CHECK_FALSE(r.closed);
  CHECK_FALSE(r.bad);
  CHECK(r.soa == 2);
  CHECK(r.bytes > 10'000'000);
  CHECK_FALSE(contains(server->stderr_text(), "zone transfer to"));
}
