// The c-ares channel of a core: what the options and resolv.conf ask for, translated into
// c-ares's options (open_channel), and read back from c-ares (effective_options).
#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <cstring>

#include "core.hpp"
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

void core::open_channel() {
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

}  // namespace dnskit::resolver::detail
