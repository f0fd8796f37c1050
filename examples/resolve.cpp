// resolve: look a name up with dnskit's resolver through an installed dnskit.
//   resolve NAME [SERVER[:PORT]]      e.g.  resolve www.example.test 127.0.0.1:5300
#include <dnskit/resolver/resolver.hpp>
#include <iostream>

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: resolve NAME [SERVER[:PORT]]\n";
    return 2;
  }
  namespace resolver = dnskit::resolver;
  resolver::options opts;
  if (argc > 2) opts.servers = {resolver::server_address::parse(argv[2])};
  boost::asio::io_context io;
  resolver::resolver r(io, opts);
  int status = 1;
  r.async_resolve(argv[1], [&](resolver::error_code ec, resolver::resolve_result result) {
    if (ec) {
      std::cerr << argv[1] << ": " << ec.message() << "\n";
      return;
    }
    for (const auto& a : result.addresses) std::cout << a.address.to_string() << "\n";
    status = 0;
  });
  io.run();
  return status;
}
