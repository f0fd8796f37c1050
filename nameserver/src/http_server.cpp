#include "http_server.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <optional>
#include <thread>

#include "log.hpp"
#include "server_asio.hpp"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnull-dereference"
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#pragma GCC diagnostic pop

namespace dnskit::nameserver {
namespace beast = boost::beast;
namespace http = boost::beast::http;

namespace {

constexpr std::uint32_t max_header_bytes = 8 * 1024;
constexpr auto request_timeout = std::chrono::seconds(10);
// At most one warning per this long about connections refused at the limit (a flood would
// otherwise write a line per connection).
constexpr auto limit_log_interval = std::chrono::seconds(10);
// accept() failing for want of descriptors or memory: wait this long before the next try (the
// listening socket stays readable, so trying again at once would spin).
constexpr auto accept_backoff = std::chrono::milliseconds(100);
// The HTTP thread's nice value above the query threads' (Linux gives each thread its own).
constexpr int lower_priority = 10;
constexpr std::string_view text_plain = "text/plain; charset=utf-8";

// What a connection over the limit is told before it is closed (written without waiting: a
// fresh socket's send buffer takes it whole).
const std::string& busy_response() {
  static const std::string response = [] {
    constexpr std::string_view body = "too many HTTP connections: try again later\n";
    return fmt::format("HTTP/1.1 503 Service Unavailable\r\nServer: dnskit nameserver\r\n"
                       "Content-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\n"
                       "Retry-After: 10\r\nConnection: close\r\n\r\n{}",
                       body.size(), body);
  }();
  return response;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// RFC 3986 §2.1 percent-decoding (and '+' as a space, as in form data); false on a bad escape.
bool percent_decoded(std::string_view in, std::string& out) {
  out.clear();
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '+') {
      out += ' ';
    } else if (in[i] != '%') {
      out += in[i];
    } else {
      if (i + 2 >= in.size()) return false;
      const int high = hex_value(in[i + 1]);
      const int low = hex_value(in[i + 2]);
      if (high < 0 || low < 0) return false;
      out += static_cast<char>(high * 16 + low);
      i += 2;
    }
  }
  return true;
}

// The query part of POST /reload ("" or "?zone=NAME"): the zone asked for (empty: all), or
// false with what is wrong.
bool reload_zone_parameter(std::string_view query, std::string& zone, std::string& problem) {
  zone.clear();
  if (query.empty()) return true;
  query.remove_prefix(1);  // '?'
  bool seen = false;
  while (true) {
    const std::size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    const std::size_t eq = pair.find('=');
    if (pair.substr(0, eq) != "zone" || eq == std::string_view::npos || seen) {
      problem = "reload: the only parameter is zone=NAME, once\n";
      return false;
    }
    if (!percent_decoded(pair.substr(eq + 1), zone) || zone.empty()) {
      problem = "reload: zone=NAME needs a zone name (percent-encoded where needed)\n";
      return false;
    }
    seen = true;
    if (amp == std::string_view::npos) return true;
    query.remove_prefix(amp + 1);
  }
}

}  // namespace

struct http_server::impl {
  // Declared before `io`: sessions still queued in it are destroyed with it and use these.
  http_handlers handlers;
  std::atomic<std::size_t> connections{0};
  std::once_flag stopped;
  asio::io_context io{1};
  asio::ip::tcp::acceptor acceptor{io};
  asio::steady_timer backoff{io};
  // Connections refused at the limit since the last warning about them (HTTP thread only).
  std::uint64_t refused_unreported = 0;
  std::chrono::steady_clock::time_point next_limit_warning{};
  std::thread thread;

  void accept();
  void refuse(asio::ip::tcp::socket socket);
};

namespace {

class http_session : public std::enable_shared_from_this<http_session> {
 public:
  http_session(http_server::impl& server, asio::ip::tcp::socket socket)
      : server_(server), stream_(std::move(socket)) {
    server_.connections.fetch_add(1, std::memory_order_relaxed);
  }
  ~http_session() { server_.connections.fetch_sub(1, std::memory_order_relaxed); }
  http_session(const http_session&) = delete;
  http_session& operator=(const http_session&) = delete;

  void read() {
    parser_.emplace();
    parser_->header_limit(max_header_bytes);
    parser_->body_limit(0);  // no request takes a body (POST /reload neither)
    stream_.expires_after(request_timeout);
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

 private:
  void on_read(beast::error_code ec) {
    if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
        ec == asio::error::operation_aborted || ec == asio::error::connection_reset) {
      close();
      return;
    }
    if (ec) {  // a malformed request (or an oversized one): say so and close
      respond(http::status::bad_request, "text/plain; charset=utf-8", "bad request\n", false);
      return;
    }
    const auto& request = parser_->get();
    const bool keep_alive = request.keep_alive();
    const std::string_view target(request.target().data(), request.target().size());
    const std::string_view path = target.substr(0, target.find('?'));
    const bool is_get = request.method() == http::verb::get || request.method() == http::verb::head;
    if (path == "/reload" && server_.handlers.reload) {
      if (request.method() != http::verb::post) {
        respond(http::status::method_not_allowed, text_plain, "only POST\n", keep_alive, false, "POST");
      } else if (!client_allowed()) {
        respond(http::status::forbidden, text_plain, "reload: not allowed from this address\n", keep_alive);
      } else {
        std::string zone, problem;
        if (reload_zone_parameter(target.substr(path.size()), zone, problem)) {
          reload(std::move(zone), keep_alive);
        } else {
          respond(http::status::bad_request, text_plain, std::move(problem), keep_alive);
        }
      }
      return;
    }
    if (path != "/metrics" && path != "/status") {
      respond(http::status::not_found, text_plain, "not found: try /metrics, /status or POST /reload\n",
              keep_alive);
      return;
    }
    if (!is_get) {
      respond(http::status::method_not_allowed, text_plain, "only GET\n", keep_alive, false, "GET, HEAD");
      return;
    }
    if (path == "/metrics") {
      respond(http::status::ok, "text/plain; version=0.0.4; charset=utf-8", server_.handlers.metrics(),
              keep_alive, request.method() == http::verb::head);
    } else {
      respond(http::status::ok, "application/json", server_.handlers.status(), keep_alive,
              request.method() == http::verb::head);
    }
  }

  bool client_allowed() const {
    beast::error_code ec;
    const auto remote = stream_.socket().remote_endpoint(ec);
    if (ec) return false;
    std::array<std::uint8_t, 16> address{};
    const auto ip = remote.address();
    if (ip.is_v4()) {
      const auto bytes = ip.to_v4().to_bytes();
      std::copy(bytes.begin(), bytes.end(), address.begin());
    } else {
      const auto bytes = ip.to_v6().to_bytes();
      std::copy(bytes.begin(), bytes.end(), address.begin());
    }
    return server_.handlers.reload_allowed.allows(address, ip.is_v6());
  }

  // The answer waits for the reload; it comes back on this connection's thread.
  void reload(std::string zone, bool keep_alive) {
    server_.handlers.reload(std::move(zone), [self = shared_from_this(), keep_alive](unsigned status, std::string body) {
      asio::post(self->stream_.get_executor(), [self, keep_alive, status, body = std::move(body)]() mutable {
        self->respond(static_cast<http::status>(status), "application/json", std::move(body), keep_alive);
      });
    });
  }

  void respond(http::status status, std::string_view type, std::string body, bool keep_alive,
               bool head = false, std::string_view allow = {}) {
    auto response = std::make_shared<http::response<http::string_body>>(status, 11);
    response->set(http::field::server, "dnskit nameserver");
    if (!allow.empty()) response->set(http::field::allow, beast::string_view(allow.data(), allow.size()));
    response->set(http::field::content_type, beast::string_view(type.data(), type.size()));
    response->keep_alive(keep_alive);
    response->body() = std::move(body);
    response->prepare_payload();
    if (head) response->body().clear();  // Content-Length stays that of the GET
    stream_.expires_after(request_timeout);
    http::async_write(stream_, *response,
                      [self = shared_from_this(), response, keep_alive](beast::error_code ec, std::size_t) {
                        if (ec || !keep_alive) {
                          self->close();
                          return;
                        }
                        self->read();
                      });
  }

  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    stream_.close();
  }

  http_server::impl& server_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_{max_header_bytes};
  std::optional<http::request_parser<http::empty_body>> parser_;
};

}  // namespace

void http_server::impl::accept() {
  acceptor.async_accept(io, [this](const boost::system::error_code& ec, asio::ip::tcp::socket socket) {
    if (ec == asio::error::operation_aborted) return;
    if (ec) {
      // Out of descriptors or memory (EMFILE, ENFILE, ENOBUFS): wait, the sessions go on.
      log::warning("http accept failed: {}", ec.message());
      backoff.expires_after(accept_backoff);
      backoff.async_wait([this](const boost::system::error_code& wait_ec) {
        if (!wait_ec) accept();
      });
      return;
    }
    if (connections.load(std::memory_order_relaxed) >= max_connections) {
      refuse(std::move(socket));
    } else {
      std::make_shared<http_session>(*this, std::move(socket))->read();
    }
    accept();
  });
}

// Over the limit: told so (503) and closed at once, the connections held go on.
void http_server::impl::refuse(asio::ip::tcp::socket socket) {
  boost::system::error_code ignored;
  socket.non_blocking(true, ignored);
  socket.write_some(asio::buffer(busy_response()), ignored);
  socket.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  socket.close(ignored);
  ++refused_unreported;
  const auto now = std::chrono::steady_clock::now();
  if (now < next_limit_warning) return;
  log::warning("http: connection limit {} reached: {} new connection(s) answered 503 and closed "
               "(reported at most every {} s)", max_connections, refused_unreported,
               limit_log_interval.count());
  refused_unreported = 0;
  next_limit_warning = now + limit_log_interval;
}

std::unique_ptr<http_server> http_server::open(const endpoint_spec& where, http_handlers handlers,
                                               std::string& error) {
  auto i = std::make_unique<impl>();
  i->handlers = std::move(handlers);
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(where.address, ec);
  if (ec) {
    error = fmt::format("http {}: {}", where.to_string(), ec.message());
    return nullptr;
  }
  const asio::ip::tcp::endpoint endpoint(address, where.port);
  i->acceptor.open(endpoint.protocol(), ec);
  if (!ec) i->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) i->acceptor.bind(endpoint, ec);
  if (!ec) i->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    error = fmt::format("http {}: cannot listen: {}", where.to_string(), ec.message());
    return nullptr;
  }
  return std::unique_ptr<http_server>(new http_server(std::move(i)));
}

http_server::http_server(std::unique_ptr<impl> i) : impl_(std::move(i)) {}

http_server::~http_server() { stop(); }

endpoint_spec http_server::bound() const {
  boost::system::error_code ec;
  const auto endpoint = impl_->acceptor.local_endpoint(ec);
  endpoint_spec out;
  out.address = endpoint.address().to_string();
  out.port = endpoint.port();
  out.ipv6 = endpoint.address().is_v6();
  return out;
}

void http_server::start() {
  impl_->accept();
  impl_->thread = std::thread([i = impl_.get()] {
    // Below the query threads: when the CPUs are busy, answering DNS comes first. Lowering
    // one's own priority needs no privilege; if it fails the endpoint still works.
    ::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), lower_priority);
    for (;;) {
      try {
        i->io.run();
        return;
      } catch (const std::exception& e) {
        log::error("http: {}", e.what());
      }
    }
  });
}

void http_server::stop() {
  std::call_once(impl_->stopped, [i = impl_.get()] {
    i->io.stop();
    if (i->thread.joinable()) i->thread.join();
    boost::system::error_code ignored;
    i->acceptor.close(ignored);
  });
}

}  // namespace dnskit::nameserver
