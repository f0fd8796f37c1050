#pragma once
// How many UDP answers may be on their way at once. c-ares uses one UDP socket per server, and
// every answer to the queries in flight may arrive before the resolver reads the socket again
// (a local server answers in microseconds). Whatever does not fit in the socket's receive
// buffer is dropped by the kernel, and each lost answer costs a whole timeout and a retry:
// with 1,000 queries in flight and the default buffer (~208 KiB), bare c-ares falls from
// ~100k to ~5k names/s. So, unless the options say otherwise, UDP sockets ask for a larger
// buffer, and no more queries are handed to c-ares than the buffer the kernel granted holds.
#include <algorithm>
#include <cstddef>

namespace dnskit::resolver::detail {

// Asked for on every UDP socket when options::socket_receive_buffer is 0. The kernel caps it
// at net.core.rmem_max (208 KiB on a stock Linux, so the bound below does the work there). It
// only limits what may queue: an idle socket costs nothing.
inline constexpr int automatic_receive_buffer = 4 << 20;

// What one queued answer takes from a receive buffer: the kernel charges each datagram's whole
// buffer (truesize). Measured on Linux 6 loopback: 832 bytes for answers up to ~200 octets,
// 1,280 up to 512, 2,304 for 1,232 (the usual EDNS payload size), which is the figure used.
inline constexpr std::size_t queued_answer_cost = 2304;

// The in-flight bound for a granted receive buffer (bytes, as SO_RCVBUF reports it), when
// options::max_in_flight is 0. Never below 64: a resolver that cannot tell still works.
inline std::size_t automatic_in_flight_limit(int granted_receive_buffer) noexcept {
  const std::size_t granted = granted_receive_buffer > 0 ? static_cast<std::size_t>(granted_receive_buffer) : 0;
  return std::max<std::size_t>(granted / queued_answer_cost, 64);
}

}  // namespace dnskit::resolver::detail
