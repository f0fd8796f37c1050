#include "test_server.hpp"

#include <algorithm>
#include <array>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>

#include "dnskit/dns/rdata.hpp"
#include "dnskit/resolver/detail/asio.hpp"

namespace dnskit::resolver::test {

namespace asio = boost::asio;
using asio::ip::tcp;
using asio::ip::udp;

dns::message response_to(const dns::message& query, dns::rcode rc) {
  dns::message r;
  r.hdr.id = query.hdr.id;
  r.hdr.qr = true;
  r.hdr.aa = true;
  r.hdr.op = query.hdr.op;
  r.hdr.rd = query.hdr.rd;
  r.questions = query.questions;
  if (query.opt) r.opt = dns::edns{};
  r.set_rcode(rc);
  return r;
}

dns::record make_record(std::string_view owner, dns::rr_type type, std::string_view rdata,
                        std::uint32_t ttl) {
  dns::record rec;
  rec.owner = dns::name::from_text(owner);
  rec.type = type;
  rec.ttl = ttl;
  if (auto ec = dns::rdata_from_text(type, rdata, dns::name(), rec.rdata)) {
    throw std::runtime_error("bad test rdata: " + std::string(rdata) + ": " + ec.message());
  }
  return rec;
}

script zone_script(std::vector<dns::record> records) {
  return [records = std::move(records)](const dns::message& q, bool) {
    if (q.questions.size() != 1) return reply::answer(response_to(q, dns::rcode::formerr));
    const auto& question = q.questions.front();
    dns::message r = response_to(q);
    bool name_exists = false;
    dns::name owner = question.qname;
    // RFC 1034 §4.3.2: a CNAME at the name answers any type, and the chain is followed
    // inside the data (a bounded number of steps).
    for (int step = 0; step < 8; ++step) {
      std::optional<dns::name> next;
      for (const auto& rec : records) {
        if (rec.owner != owner) continue;
        name_exists = true;
        if (rec.type == question.qtype || question.qtype == dns::rr_type::any) {
          r.answer.push_back(rec);
        } else if (rec.type == dns::rr_type::cname) {
          r.answer.push_back(rec);
          next = dns::rdata_name(rec.rdata);
        }
      }
      if (!next) break;
      owner = *next;
    }
    if (!name_exists) r.set_rcode(dns::rcode::nxdomain);
    if (r.answer.empty()) {
      for (const auto& rec : records) {
        if (rec.type == dns::rr_type::soa) {
          r.authority.push_back(rec);
          break;
        }
      }
    }
    return reply::answer(std::move(r));
  };
}

struct test_server::impl {
  impl(test_server& owner, script s) : owner_(owner), script_(std::move(s)), udp_(io_), acceptor_(io_) {}

  void open() {
    // One port for both transports: take a free UDP port and bind TCP to the same number,
    // retrying when TCP's is taken.
    for (int attempt = 0; attempt < 50; ++attempt) {
      boost::system::error_code ec;
      udp_ = udp::socket(io_);
      udp_.open(udp::v4());
      udp_.set_option(asio::socket_base::receive_buffer_size(4 << 20), ec);
      udp_.bind({asio::ip::make_address_v4("127.0.0.1"), 0});
      const auto port = udp_.local_endpoint().port();
      acceptor_ = tcp::acceptor(io_);
      acceptor_.open(tcp::v4());
      acceptor_.set_option(asio::socket_base::reuse_address(true));
      acceptor_.bind({asio::ip::make_address_v4("127.0.0.1"), port}, ec);
      if (ec) continue;
      acceptor_.listen();
      owner_.port_ = port;
      return;
    }
    throw std::runtime_error("test_server: no free port");
  }

  void receive() {
    udp_.async_receive_from(asio::buffer(buffer_), peer_, [this](boost::system::error_code ec, std::size_t n) {
      if (ec == asio::error::operation_aborted) return;
      if (!ec) {
        ++owner_.udp_queries_;
        dns::message q;
        if (!dns::decode({buffer_.data(), n}, q)) {
          reply r = script_(q, false);
          send_udp(std::move(r), peer_);
        }
      }
      receive();
    });
  }

  void send_udp(reply r, udp::endpoint to) {
    std::vector<std::uint8_t> out;
    if (r.what == reply::kind::message) {
      out = dns::encode(r.msg);
    } else if (r.what == reply::kind::raw) {
      out = std::move(r.raw);
    } else {
      return;
    }
    if (r.delay.count() > 0) {
      auto timer = std::make_shared<asio::steady_timer>(io_, r.delay);
      timer->async_wait([this, timer, to, out = std::move(out)](boost::system::error_code ec) {
        if (ec) return;
        boost::system::error_code ignored;
        udp_.send_to(asio::buffer(out), to, 0, ignored);
      });
      return;
    }
    boost::system::error_code ignored;
    udp_.send_to(asio::buffer(out), to, 0, ignored);
  }

  struct connection : std::enable_shared_from_this<connection> {
    connection(impl& s, tcp::socket sock) : server(s), socket(std::move(sock)) {}
    impl& server;
    tcp::socket socket;
    std::array<std::uint8_t, 2> length{};
    std::vector<std::uint8_t> body;

    void read() {
      asio::async_read(socket, asio::buffer(length), [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
        if (ec) return;
        self->body.resize(static_cast<std::size_t>(self->length[0] << 8 | self->length[1]));
        asio::async_read(self->socket, asio::buffer(self->body), [self](boost::system::error_code ec2, std::size_t) {
          if (ec2) return;
          ++self->server.owner_.tcp_queries_;
          dns::message q;
          if (dns::decode(self->body, q)) return;  // not DNS: hang up by dropping the connection
          self->respond(self->server.script_(q, true));
        });
      });
    }

    void respond(reply r) {
      if (r.what == reply::kind::close) {
        boost::system::error_code ignored;
        socket.close(ignored);
        return;
      }
      if (r.what == reply::kind::none) {
        read();
        return;
      }
      auto out = std::make_shared<std::vector<std::uint8_t>>();
      if (r.what == reply::kind::message) {
        const auto wire = dns::encode(r.msg);
        out->push_back(static_cast<std::uint8_t>(wire.size() >> 8));
        out->push_back(static_cast<std::uint8_t>(wire.size() & 0xff));
        out->insert(out->end(), wire.begin(), wire.end());
      } else {
        *out = std::move(r.raw);
      }
      const bool close_after = r.close_after;
      if (r.chunk > 0) {
        // Separate segments, so the client sees the answer arrive piece by piece.
        boost::system::error_code ignored;
        socket.set_option(tcp::no_delay(true), ignored);
        write_slowly(out, 0, r.chunk, r.chunk_pause, close_after);
        return;
      }
      auto send = [self = shared_from_this(), out, close_after] {
        asio::async_write(self->socket, asio::buffer(*out), [self, out, close_after](boost::system::error_code ec, std::size_t) {
          if (ec) return;
          if (close_after) {
            boost::system::error_code ignored;
            self->socket.close(ignored);
            return;
          }
          self->read();
        });
      };
      if (r.delay.count() > 0) {
        auto timer = std::make_shared<asio::steady_timer>(socket.get_executor(), r.delay);
        timer->async_wait([timer, send](boost::system::error_code ec) {
          if (!ec) send();
        });
      } else {
        send();
      }
    }

    void finish(bool close_after) {
      if (close_after) {
        boost::system::error_code ignored;
        socket.close(ignored);
        return;
      }
      read();
    }

    void write_slowly(std::shared_ptr<std::vector<std::uint8_t>> out, std::size_t from, std::size_t chunk,
                      std::chrono::milliseconds pause, bool close_after) {
      const std::size_t n = std::min(chunk, out->size() - from);
      asio::async_write(socket, asio::buffer(out->data() + from, n),
                        [self = shared_from_this(), out, from, n, chunk, pause, close_after](boost::system::error_code ec,
                                                                                           std::size_t) {
                          if (ec) return;
                          if (from + n == out->size()) {
                            self->finish(close_after);
                            return;
                          }
                          auto timer = std::make_shared<asio::steady_timer>(self->socket.get_executor(), pause);
                          timer->async_wait([self, timer, out, from, n, chunk, pause, close_after](boost::system::error_code ec2) {
                            if (!ec2) self->write_slowly(out, from + n, chunk, pause, close_after);
                          });
                        });
    }
  };

  void accept() {
    acceptor_.async_accept([this](boost::system::error_code ec, tcp::socket s) {
      if (ec == asio::error::operation_aborted) return;
      if (!ec) {
        ++owner_.tcp_connections_;
        std::make_shared<connection>(*this, std::move(s))->read();
      }
      accept();
    });
  }

  test_server& owner_;
  script script_;
  asio::io_context io_;
  udp::socket udp_;
  tcp::acceptor acceptor_;
  udp::endpoint peer_;
  std::array<std::uint8_t, 65536> buffer_{};
  std::thread thread_;
};

test_server::test_server(script s) : impl_(std::make_unique<impl>(*this, std::move(s))) {
  impl_->open();
  impl_->receive();
  impl_->accept();
  impl_->thread_ = std::thread([this] { impl_->io_.run(); });
}

test_server::~test_server() {
  impl_->io_.stop();
  impl_->thread_.join();
}

::dnskit::resolver::server_address test_server::address() const {
  return {asio::ip::make_address("127.0.0.1"), port_};
}

::dnskit::resolver::options loopback_options(const test_server& server, std::chrono::milliseconds timeout, int tries) {
  ::dnskit::resolver::options o;
  o.servers = {server.address()};
  o.resolv_conf = "/dev/null";
  o.hosts_file = false;
  o.search_domains = std::vector<std::string>{};
  o.timeout = timeout;
  o.tries = tries;
  return o;
}

}  // namespace dnskit::resolver::test
