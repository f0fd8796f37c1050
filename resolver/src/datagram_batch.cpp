#include "datagram_batch.hpp"

#include <sys/uio.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace dnskit::resolver::detail {

ssize_t datagram_batch::receive(int fd, void* buffer, std::size_t size, sockaddr* from,
                                socklen_t* from_len) {
  if (next_ == count_ && !refill(fd, size)) return -1;
  const std::size_t i = next_++;
  const std::size_t length = std::min(lengths_[i], size);
  std::memcpy(buffer, data_.data() + i * slot_size_, length);
  if (from != nullptr && from_len != nullptr) {
    std::memcpy(from, &sources_[i], std::min<std::size_t>(*from_len, source_lengths_[i]));
    *from_len = source_lengths_[i];
  }
  return static_cast<ssize_t>(length);
}

bool datagram_batch::refill(int fd, std::size_t slot_size) {
  count_ = next_ = 0;
  // Slots as large as the caller's buffer, so a datagram is cut exactly where recvfrom would
  // cut it. (c-ares always asks with the same size; a larger one replaces the slots.)
  if (slot_size > slot_size_) {
    data_.assign(batch_size * slot_size, 0);
    slot_size_ = slot_size;
  }
  std::array<iovec, batch_size> vectors;
  std::array<mmsghdr, batch_size> headers;
  for (std::size_t i = 0; i < batch_size; ++i) {
    vectors[i] = {data_.data() + i * slot_size_, slot_size_};
    std::memset(&headers[i], 0, sizeof headers[i]);
    headers[i].msg_hdr.msg_iov = &vectors[i];
    headers[i].msg_hdr.msg_iovlen = 1;
    headers[i].msg_hdr.msg_name = &sources_[i];
    headers[i].msg_hdr.msg_namelen = sizeof sources_[i];
  }
  const int n = ::recvmmsg(fd, headers.data(), batch_size, 0, nullptr);
  if (n < 0) return false;  // errno says why
  if (n == 0) {  // not expected from a datagram socket; reads as "nothing yet"
    errno = EAGAIN;
    return false;
  }
  for (std::size_t i = 0; i < static_cast<std::size_t>(n); ++i) {
    lengths_[i] = headers[i].msg_len;
    source_lengths_[i] = headers[i].msg_hdr.msg_namelen;
  }
  count_ = static_cast<std::size_t>(n);
  return true;
}

}  // namespace dnskit::resolver::detail
