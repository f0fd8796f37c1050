#pragma once
// Reads a UDP socket's datagrams a batch at a time (recvmmsg) and hands them out one by one, as
// recvfrom would.
//
// Why: c-ares reads a readable UDP socket with one recvfrom per answer until EAGAIN, and on
// this kind of machine a system call costs about a microsecond of CPU before any work, as much
// as the rest of a lookup's own work. One recvmmsg takes up to `batch_size` answers at once.
// Datagrams handed out keep their order, length (truncated to the caller's buffer, like
// recvfrom) and source address; errors (EAGAIN, ECONNREFUSED from an ICMP port unreachable)
// come back from the call that meets them, with errno set.
//
// Nothing is lost: c-ares keeps reading until a call fails, and a datagram read ahead stays
// here until the next call. Closing the socket drops the batch with it (socket_io.cpp).
// Memory: batch_size slots of the caller's buffer size per UDP socket (64 KiB with c-ares
// 1.18's 4097-byte buffer), allocated at the first read.
#include <sys/socket.h>
#include <sys/types.h>

#include <array>
#include <cstddef>
#include <vector>

namespace dnskit::resolver::detail {

class datagram_batch {
 public:
  static constexpr std::size_t batch_size = 16;

  datagram_batch() = default;
  datagram_batch(const datagram_batch&) = delete;
  datagram_batch& operator=(const datagram_batch&) = delete;

  // recvfrom(fd, buffer, size, 0, from, from_len), served from the batch. Reads a new batch
  // when this one is used up; returns -1 with errno set when that read fails.
  ssize_t receive(int fd, void* buffer, std::size_t size, sockaddr* from, socklen_t* from_len);

  // Datagrams read from the socket and not handed out yet.
  std::size_t buffered() const noexcept { return count_ - next_; }

 private:
  // Reads up to batch_size datagrams; false (errno set) when none could be read.
  bool refill(int fd, std::size_t slot_size);

  std::vector<unsigned char> data_;  // batch_size slots of slot_size_ bytes
  std::size_t slot_size_ = 0;
  std::array<sockaddr_storage, batch_size> sources_{};
  std::array<socklen_t, batch_size> source_lengths_{};
  std::array<std::size_t, batch_size> lengths_{};
  std::size_t count_ = 0;
  std::size_t next_ = 0;
};

}  // namespace dnskit::resolver::detail
