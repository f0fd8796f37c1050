#include "core.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

#include "dnskit/resolver/resolv_conf.hpp"

namespace dnskit::resolver::detail {
namespace {

void throw_error(error_code ec, const char* what) { throw boost::system::system_error(ec, what); }

void init_library() {
  // Once per process and never cleaned up: ares_library_cleanup while another resolver
  // (perhaps in another thread) still lives would pull the ground from under it.
  static const int status = ares_library_init(ARES_LIB_INIT_ALL);
  if (status != ARES_SUCCESS) throw_error(from_ares_status(status), "ares_library_init");
}

// ares_set_servers_ports wants a linked list of nodes.
void set_servers(ares_channel channel, const std::vector<server_address>& servers) {
  std::vector<ares_addr_port_node> nodes(servers.size());
  for (std::size_t i = 0; i < servers.size(); ++i) {
    ares_addr_port_node& n = nodes[i];
    std::memset(&n, 0, sizeof n);
    n.next = i + 1 < servers.size() ? &nodes[i + 1] : nullptr;
    const auto& a = servers[i].address;
    if (a.is_v4()) {
      n.family = AF_INET;
      const auto bytes = a.to_v4().to_bytes();
      std::memcpy(&n.addr.addr4, bytes.data(), bytes.size());
    } else {
      n.family = AF_INET6;
      const auto bytes = a.to_v6().to_bytes();
      std::memcpy(&n.addr.addr6, bytes.data(), bytes.size());
    }
    n.udp_port = servers[i].port;
    n.tcp_port = servers[i].port;
  }
  const int status = ares_set_servers_ports(channel, nodes.empty() ? nullptr : nodes.data());
  if (status != ARES_SUCCESS) throw_error(from_ares_status(status), "ares_set_servers_ports");
}

}  // namespace

core::core(const executor_type& ex, const options& opts)
    : ex_(ex), opts_(opts), timer_(ex), cache_(opts.cache_entries, opts.cache_bytes) {
  if (const auto ec = opts_.validate()) throw_error(ec, "dnskit::resolver options");
  init_library();
  // What the resolv.conf says and c-ares 1.18 does not read (resolv_conf.hpp), for what the
  // caller left unset. Recorded in opts_, so effective_options() tells it.
  const resolv_conf conf = read_resolv_conf(opts_.resolv_conf.value_or("/etc/resolv.conf"));
  if (!opts_.timeout && conf.timeout) opts_.timeout = conf.timeout;
  if (!opts_.tries && conf.attempts) opts_.tries = conf.attempts;
  if (!opts_.ndots && conf.ndots) opts_.ndots = conf.ndots;
  if (!opts_.rotate && conf.rotate) opts_.rotate = true;
  // `edns0` names no size: 1232, the size that avoids fragmentation on common paths (DNS
  // Flag Day 2020), as async_query's DO bit uses when no size is set.
  if (opts_.edns_payload_size == 0 && conf.edns0) opts_.edns_payload_size = 1232;
  if (conf.use_vc) opts_.tcp_only = true;
  udp_receive_buffer_ = opts_.socket_receive_buffer > 0 ? opts_.socket_receive_buffer : automatic_receive_buffer;
  granted_receive_buffer_ = granted_udp_receive_buffer(udp_receive_buffer_);
  in_flight_limit_ = opts_.max_in_flight > 0 ? opts_.max_in_flight
                     : opts_.tcp_only        ? 0  // TCP has flow control of its own
                                             : automatic_in_flight_limit(granted_receive_buffer_);

  ares_options o;
  std::memset(&o, 0, sizeof o);
  int mask = ARES_OPT_FLAGS | ARES_OPT_SOCK_STATE_CB;
  // NOCHECKRESP: REFUSED and SERVFAIL answers come back to us as messages instead of making
  // c-ares try the next server and end with ECONNREFUSED (what a lookup tool must print).
  o.flags = ARES_FLAG_NOCHECKRESP;
  // STAYOPEN: without it c-ares closes its sockets whenever its query list runs empty, which
  // happens between every batch of completions here (handlers are posted, so new queries come
  // after c-ares has finished a batch): a new socket, connect and epoll registration each time.
  o.flags |= ARES_FLAG_STAYOPEN;
  if (opts_.tcp_only) o.flags |= ARES_FLAG_USEVC;
  if (opts_.no_recursion) o.flags |= ARES_FLAG_NORECURSE;
  if (opts_.edns_payload_size > 0) {
    o.flags |= ARES_FLAG_EDNS;
    o.ednspsz = opts_.edns_payload_size;
    mask |= ARES_OPT_EDNSPSZ;
  }
  o.sock_state_cb = &core::on_sock_state;
  o.sock_state_cb_data = this;
  if (opts_.timeout) {
    o.timeout = static_cast<int>(opts_.timeout->count());
    mask |= ARES_OPT_TIMEOUTMS;
  }
  if (opts_.tries) {
    o.tries = *opts_.tries;
    mask |= ARES_OPT_TRIES;
  }
  if (opts_.ndots) {
    o.ndots = *opts_.ndots;
    mask |= ARES_OPT_NDOTS;
  }
  if (opts_.rotate) mask |= *opts_.rotate ? ARES_OPT_ROTATE : ARES_OPT_NOROTATE;
  std::vector<std::string> domains;
  std::vector<char*> domain_ptrs;
  if (opts_.search_domains) {
    domains = *opts_.search_domains;
    for (auto& d : domains) domain_ptrs.push_back(d.data());
    o.domains = domain_ptrs.data();
    o.ndomains = static_cast<int>(domain_ptrs.size());
    mask |= ARES_OPT_DOMAINS;
  }
  // "b": DNS only; "fb": the hosts file, then DNS (resolv.conf's `lookup file bind`).
  char lookups_dns[] = "b";
  char lookups_hosts[] = "fb";
  o.lookups = opts_.hosts_file ? lookups_hosts : lookups_dns;
  mask |= ARES_OPT_LOOKUPS;
  std::string resolv_conf;
  if (opts_.resolv_conf) {
    resolv_conf = *opts_.resolv_conf;
    o.resolvconf_path = resolv_conf.data();
    mask |= ARES_OPT_RESOLVCONF;
  }
  // Recorded for completeness; with our own socket functions c-ares leaves socket options to
  // us, and socket_io.cpp applies these sizes.
  if (opts_.socket_receive_buffer > 0) {
    o.socket_receive_buffer_size = opts_.socket_receive_buffer;
    mask |= ARES_OPT_SOCK_RCVBUF;
  }
  if (opts_.socket_send_buffer > 0) {
    o.socket_send_buffer_size = opts_.socket_send_buffer;
    mask |= ARES_OPT_SOCK_SNDBUF;
  }

  const int status = ares_init_options(&channel_, &o, mask);
  if (status != ARES_SUCCESS) {
    channel_ = nullptr;
    throw_error(from_ares_status(status), "ares_init_options");
  }
  ares_set_socket_functions(channel_, &socket_functions(), this);
  try {
    if (!opts_.servers.empty()) set_servers(channel_, opts_.servers);
  } catch (...) {
    ares_destroy(channel_);
    channel_ = nullptr;
    throw;
  }

  // The search list and ndots in effect (given, or read from resolv.conf), for async_query's
  // own search.
  ares_options saved;
  int saved_mask = 0;
  if (ares_save_options(channel_, &saved, &saved_mask) == ARES_SUCCESS) {
    for (int i = 0; i < saved.ndomains; ++i) search_domains_.emplace_back(saved.domains[i]);
    ndots_ = saved.ndots;
    base_timeout_ = std::chrono::milliseconds(saved.timeout);  // milliseconds since 1.7.5
    ares_destroy_options(&saved);
  }
}

core::~core() {
  // A destructor must not throw: if posting the aborted handlers fails for lack of memory, the
  // ones not posted are dropped (with their work guards) rather than terminating the program.
  try {
    shutdown();
  } catch (...) {
  }
}

void core::shutdown() {
  if (!channel_) return;
  abort_all(boost::asio::error::operation_aborted);
  queue_.clear();
  // ares_destroy ends every request with ARES_EDESTRUCTION (each operation is done already,
  // so the callbacks only drop their references) and reports each open socket with
  // sock_state_cb(fd, 0, 0) before closing it.
  draining_ = true;
  ares_channel channel = channel_;
  ares_destroy(channel);
  channel_ = nullptr;
  for (auto& [fd, s] : sockets_) s->descriptor.release();
  sockets_.clear();
  timer_.cancel();
  timer_armed_ = false;
}

void core::refill_ids() noexcept {
  ::arc4random_buf(random_ids_.data(), sizeof random_ids_);
  ids_used_ = 0;
}

void core::cancel_all() {
  if (!channel_) return;
  abort_all(boost::asio::error::operation_aborted);
  queue_.clear();
  draining_ = true;
  ares_cancel(channel_);
  draining_ = false;
  update_timer();
  park_if_idle();
}

void core::park_if_idle() {
  if (parked_ || in_flight_ != 0 || !live_.empty() || !queue_.empty()) return;
  parked_ = true;
  for (auto& [fd, s] : sockets_) {
    boost::system::error_code ignored;
    s->descriptor.cancel(ignored);  // the waits complete with operation_aborted
  }
}

void core::unpark() {
  if (!parked_) return;
  parked_ = false;
  for (auto& [fd, s] : sockets_) arm(fd, *s);
}

void core::abort_all(error_code ec) {
  while (list_hook* h = live_.front()) {
    op_ref keep(h->self);
    h->self->abort(ec);
  }
}

options core::effective_options() const {
  options out = opts_;
  out.socket_receive_buffer = granted_receive_buffer_ > 0 ? granted_receive_buffer_ : opts_.socket_receive_buffer;
  out.max_in_flight = in_flight_limit_;
  if (!channel_) return out;
  ares_options saved;
  int mask = 0;
  if (ares_save_options(channel_, &saved, &mask) == ARES_SUCCESS) {
    out.timeout = std::chrono::milliseconds(saved.timeout);  // milliseconds since 1.7.5
    out.tries = saved.tries;
    out.ndots = saved.ndots;
    out.rotate = (mask & ARES_OPT_ROTATE) != 0;
    std::vector<std::string> domains;
    domains.reserve(static_cast<std::size_t>(std::max(saved.ndomains, 0)));
    for (int i = 0; i < saved.ndomains; ++i) domains.emplace_back(saved.domains[i]);
    out.search_domains = std::move(domains);
    ares_destroy_options(&saved);
  }
  ares_addr_port_node* servers = nullptr;
  if (ares_get_servers_ports(channel_, &servers) == ARES_SUCCESS) {
    out.servers.clear();
    for (ares_addr_port_node* n = servers; n; n = n->next) {
      server_address s;
      if (n->family == AF_INET) {
        boost::asio::ip::address_v4::bytes_type b;
        std::memcpy(b.data(), &n->addr.addr4, b.size());
        s.address = boost::asio::ip::address_v4(b);
      } else {
        boost::asio::ip::address_v6::bytes_type b;
        std::memcpy(b.data(), &n->addr.addr6, b.size());
        s.address = boost::asio::ip::address_v6(b);
      }
      s.port = static_cast<std::uint16_t>(n->udp_port != 0 ? n->udp_port : 53);
      out.servers.push_back(s);
    }
    ares_free_data(servers);
  }
  return out;
}

void core::launch(op_ref op, std::chrono::milliseconds deadline,
                  const std::optional<cancel_token>& token) {
  if (!channel_) {
    op->abort(boost::asio::error::operation_aborted);
    return;
  }
  unpark();
  live_.push_back(op->live_hook);
  op->arm(deadline, token);
  if (!op->done()) {
    queue_.push_back(std::move(op));
    pump();
  }
  // Completed already (a cancelled token, an answer from the cache): the socket waits that
  // unpark() armed must not keep io_context::run busy for nothing.
  park_if_idle();
}

void core::pump() {
  if (pumping_) return;
  pumping_ = true;
  const std::size_t limit = in_flight_limit_;
  while (!queue_.empty() && channel_ && (limit == 0 || in_flight_ < limit)) {
    op_ref op = std::move(queue_.front());
    queue_.pop_front();
    if (!op->done()) op->start();
  }
  pumping_ = false;
}

// --- sockets -----------------------------------------------------------------------------------

void core::on_sock_state(void* data, ares_socket_t fd, int readable, int writable) {
  static_cast<core*>(data)->sock_state(fd, readable != 0, writable != 0);
}

void core::sock_state(int fd, bool readable, bool writable) {
  if (!readable && !writable) {
    // c-ares closes the fd right after this: stop watching it without closing it. release()
    // deregisters it from the reactor and completes pending waits with operation_aborted;
    // their handlers find the generation gone (the fd number may come back for a new socket).
    const auto it = sockets_.find(fd);
    if (it == sockets_.end()) return;
    it->second->descriptor.release();
    sockets_.erase(it);
    return;
  }
  auto& slot = sockets_[fd];
  if (!slot) {
    slot = std::make_unique<watched_socket>(ex_);
    boost::system::error_code ec;
    slot->descriptor.assign(fd, ec);
    if (ec) {
      // Cannot watch it: c-ares's timeouts still end its queries.
      sockets_.erase(fd);
      return;
    }
    slot->generation = next_generation_++;
  }
  slot->want_read = readable;
  slot->want_write = writable;
  if (!parked_) arm(fd, *slot);
}

void core::arm(int fd, watched_socket& s) {
  // Re-armed from inside the handler, before control returns to the reactor: readiness that
  // arrives after c-ares read up to EAGAIN is a new edge the reactor reports to this wait.
  if (s.want_read && !s.reading) {
    s.reading = true;
    s.descriptor.async_wait(boost::asio::posix::stream_descriptor::wait_read,
                            [self = shared_from_this(), fd, gen = s.generation](
                                const boost::system::error_code& ec) { self->on_ready(fd, gen, false, ec); });
  }
  if (s.want_write && !s.writing) {
    s.writing = true;
    s.descriptor.async_wait(boost::asio::posix::stream_descriptor::wait_write,
                            [self = shared_from_this(), fd, gen = s.generation](
                                const boost::system::error_code& ec) { self->on_ready(fd, gen, true, ec); });
  }
}

void core::on_ready(int fd, std::uint64_t generation, bool write, const boost::system::error_code& ec) {
  auto it = sockets_.find(fd);
  if (it == sockets_.end() || it->second->generation != generation) return;  // closed meanwhile
  watched_socket& s = *it->second;
  (write ? s.writing : s.reading) = false;
  if (!channel_) return;
  if (ec == boost::asio::error::operation_aborted) {
    // Parked and unparked again before this handler ran: wait anew.
    if (!parked_) arm(fd, s);
    return;
  }
  const bool wanted = write ? s.want_write : s.want_read;
  if (wanted || ec) process_fd(write ? ARES_SOCKET_BAD : fd, write ? fd : ARES_SOCKET_BAD);
  if (!channel_) return;
  // c-ares may have closed the socket (and even opened another under the same number).
  it = sockets_.find(fd);
  if (!ec && it != sockets_.end() && it->second->generation == generation && !parked_) arm(fd, *it->second);
  // Retries and TCP fallbacks sent inside ares_process_fd have new timeouts.
  cover_new_timeouts();
  deliver_ready();
  if (!channel_) return;  // a handler destroyed the resolver
  settle();
}

void core::process_fd(int read_fd, int write_fd) {
  collecting_ = true;
  ares_process_fd(channel_, read_fd, write_fd);
  collecting_ = false;
}

void core::deliver_ready() {
  if (ready_.empty()) return;
  // A batch of its own: a handler may run the io_context (and so this function) again.
  std::vector<op_ref> batch;
  batch.swap(ready_);
  std::size_t i = 0;
  try {
    for (; i < batch.size(); ++i) {
      const op_ref op = std::move(batch[i]);
      op->deliver(true);
    }
  } catch (...) {
    // A handler threw: the rest still complete, through the executor's queue.
    for (++i; i < batch.size(); ++i) batch[i]->deliver(false);
    throw;
  }
  batch.clear();
  if (ready_.empty()) ready_.swap(batch);  // keeps the capacity for the next batch
}

void core::abandon_orphans() {
  // Not from inside ares_process_fd or ares_send (an observer may cancel there): the settle()
  // that follows c-ares's processing checks again.
  if (collecting_ || pumping_ || draining_ || !channel_) return;
  settle();
}

void core::drop_orphans() {
  if (orphaned_ == 0 || orphaned_ != in_flight_ || draining_ || !channel_) return;
  // Every callback comes with ARES_ECANCELLED for an operation that is done: it only drops its
  // reference (and query_op starts no next search candidate while draining).
  draining_ = true;
  ares_cancel(channel_);
  draining_ = false;
}

void core::settle() {
  drop_orphans();
  pump();
  if (in_flight_ == 0 && timer_armed_) {
    // Nothing left in c-ares: a timer left armed would keep io_context::run busy.
    timer_.cancel();
    timer_armed_ = false;
  }
  park_if_idle();
}

// --- the timer ---------------------------------------------------------------------------------

void core::cover_new_timeouts() {
  if (!channel_ || in_flight_ == 0) return;
  // A query sent now times out at now + base_timeout_ or later: a timer armed before that
  // already covers it. Only otherwise is the earliest timeout looked up.
  if (timer_armed_ && timer_at_ <= std::chrono::steady_clock::now() + base_timeout_) return;
  update_timer();
}

void core::update_timer() {
  timeval tv;
  const timeval* left = ares_timeout(channel_, nullptr, &tv);
  if (left == nullptr) {
    // Nothing to time: drop the wait so an idle resolver does not keep io_context::run busy.
    if (timer_armed_) {
      timer_.cancel();
      timer_armed_ = false;
    }
    return;
  }
  const auto at = std::chrono::steady_clock::now() + std::chrono::seconds(left->tv_sec) +
                  std::chrono::microseconds(left->tv_usec);
  if (timer_armed_ && timer_at_ <= at) return;  // fires early at worst: c-ares just re-checks
  timer_armed_ = true;
  timer_at_ = at;
  timer_.expires_at(at);  // a pending wait completes with operation_aborted
  timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) { self->on_timer(ec); });
}

void core::on_timer(const boost::system::error_code& ec) {
  if (ec == boost::asio::error::operation_aborted || !channel_) return;
  timer_armed_ = false;
  // Read what is waiting before c-ares judges timeouts: an answer already in a socket buffer
  // must not count as lost (and readiness consumed by another thread running the reactor,
  // with a strand executor, is caught up here).
  std::vector<std::pair<int, std::uint64_t>> readable;
  for (const auto& [fd, s] : sockets_) {
    // Not a TCP socket still connecting (it wants writing): reading it would look like a failure.
    if (s->want_read && !s->want_write) readable.emplace_back(fd, s->generation);
  }
  for (const auto& [fd, gen] : readable) {
    const auto it = sockets_.find(fd);
    if (it != sockets_.end() && it->second->generation == gen) process_fd(fd, ARES_SOCKET_BAD);
  }
  process_fd(ARES_SOCKET_BAD, ARES_SOCKET_BAD);
  update_timer();
  deliver_ready();
  if (!channel_) return;  // a handler destroyed the resolver
  settle();
}

}  // namespace dnskit::resolver::detail
