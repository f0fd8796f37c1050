// transfer: a zone transfer (AXFR) with dnskit's resolver through an installed dnskit; each
// record is printed as its message arrives, none is kept.
//   transfer ZONE SERVER[:PORT]      e.g.  transfer example.test 127.0.0.1:5300
#include <dnskit/resolver/resolver.hpp>
#include <iostream>

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: transfer ZONE SERVER[:PORT]\n";
    return 2;
  }
  namespace resolver = dnskit::resolver;
  resolver::options opts;
  opts.servers = {resolver::server_address::parse(argv[2])};  // the transfer asks the first server
  resolver::transfer_options topts;
  topts.deadline = std::chrono::seconds(60);
  boost::asio::io_context io;
  resolver::resolver r(io, opts);
  int status = 1;
  r.async_transfer(
      argv[1], topts,
      [](const dnskit::dns::message&, std::span<const dnskit::dns::record> records, bool) {
        for (const auto& rec : records) std::cout << rec.to_text() << "\n";
      },
      [&](resolver::error_code ec, const resolver::transfer_result& result) {
        if (ec) {
          std::cerr << argv[1] << ": " << ec.message() << "\n";
          return;
        }
        std::cerr << result.records << " records in " << result.messages << " messages\n";
        status = 0;
      });
  io.run();
  return status;
}
