#pragma once
// What the resolver knows about each socket c-ares opened through socket_io.cpp: its transport
// and addresses (for the observer's events) and, for UDP, the datagrams read ahead
// (datagram_batch.hpp). Written only by the socket functions, as c-ares opens, connects and
// closes its sockets; one per core, on the core's executor.
#include <memory>
#include <unordered_map>

#include "datagram_batch.hpp"
#include "dnskit/resolver/observer.hpp"

namespace dnskit::resolver::detail {

class socket_table {
 public:
  struct entry {
    transport proto = transport::udp;
    socket_address local;
    socket_address remote;
    std::unique_ptr<datagram_batch> received;  // UDP only
  };

  // A socket c-ares just opened (replacing whatever an earlier socket of that number left).
  entry& opened(int fd, transport proto) {
    entry& e = entries_[fd];
    e = entry{};
    e.proto = proto;
    if (proto == transport::udp) e.received = std::make_unique<datagram_batch>();
    return e;
  }
  void closed(int fd) { entries_.erase(fd); }
  // nullptr for a socket not opened through socket_io.cpp.
  entry* find(int fd) {
    const auto it = entries_.find(fd);
    return it == entries_.end() ? nullptr : &it->second;
  }

 private:
  std::unordered_map<int, entry> entries_;
};

}  // namespace dnskit::resolver::detail
