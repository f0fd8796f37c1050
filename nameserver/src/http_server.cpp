#include "http_server.hpp"

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

constexpr std::size_t max_connections = 64;
constexpr std::uint32_t max_header_bytes = 8 * 1024;
constexpr auto request_timeout = std::chrono::seconds(10);
constexpr std::string_view text_plain = "text/plain; charset=utf-8";

}  // namespace

struct http_server::impl {
  // Declared before `io`: sessions still queued in it are destroyed with it and use these.
  http_handlers handlers;
  std::atomic<std::size_t> connections{0};
  std::once_flag stopped;
  asio::io_context io{1};
  asio::ip::tcp::acceptor acceptor{io};
  std::thread thread;

  void accept();
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
      } else if (path.size() != target.size()) {
        respond(http::status::bad_request, text_plain, "reload takes no parameters\n", keep_alive);
      } else {
        reload(keep_alive);
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
  void reload(bool keep_alive) {
    server_.handlers.reload([self = shared_from_this(), keep_alive](unsigned status, std::string body) {
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
    if (!ec) {
      if (connections.load(std::memory_order_relaxed) >= max_connections) {
        boost::system::error_code ignored;
        socket.close(ignored);  // over the limit: closed at once, the others go on
      } else {
        std::make_shared<http_session>(*this, std::move(socket))->read();
      }
    } else {
      log::warning("http accept failed: {}", ec.message());
    }
    accept();
  });
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
