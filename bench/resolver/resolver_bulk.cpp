// resolver_bulk: bulk resolution through dnskit::resolver, the twin of
// ../../../shared/bench/cares_bulk.c (same arguments, same channel options, same output line)
// so the wrapper's cost over bare c-ares is measured side by side.
//
//   resolver_bulk -p PORT -f NAMES [-s 127.0.0.1] [-c CONCURRENCY] [-t A|AAAA] [-n REPEAT]
//                 [-r RCVBUF_BYTES] [-m MAX_IN_FLIGHT] [-a]
// -a decodes only the answer section (query_options::answer_only), the work cares_bulk.c does
// with ares_parse_a_reply; without it each whole response is decoded into a dns::message.
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "dnskit/resolver/resolver.hpp"

namespace {

double cpu_seconds() {
  rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

struct bulk {
  dnskit::resolver::resolver& r;
  const std::vector<std::string>& names;
  dnskit::dns::rr_type type;
  dnskit::resolver::query_options query;
  std::size_t total, concurrency;
  std::size_t next = 0, done = 0, in_flight = 0;
  std::size_t ok = 0, nxdomain = 0, nodata = 0, errors = 0, addrs = 0;

  void submit() {
    while (in_flight < concurrency && next < total) {
      const std::string& name = names[next % names.size()];
      ++next;
      ++in_flight;
      r.async_query(name, type, query, [this](dnskit::resolver::error_code ec, dnskit::dns::message m) {
        --in_flight;
        ++done;
        if (!ec) {
          std::size_t n = 0;
          for (const auto& rec : m.answer) n += rec.type == type;
          if (n > 0) {
            ++ok;
            addrs += n;
          } else {
            ++nodata;
          }
        } else if (ec == dnskit::resolver::errc::nxdomain) {
          ++nxdomain;
        } else if (ec == dnskit::resolver::errc::nodata) {
          ++nodata;
        } else {
          ++errors;
        }
        submit();
      });
    }
  }
};

}  // namespace

int main(int argc, char** argv) {
  std::string server = "127.0.0.1", file;
  int port = 53, conc = 100, repeat = 1, rcvbuf = 0, max_in_flight = 0;
  bool answer_only = false;
  auto type = dnskit::dns::rr_type::a;
  int opt;
  while ((opt = getopt(argc, argv, "s:p:f:c:t:n:r:m:a")) != -1) {
    switch (opt) {
      case 's': server = optarg; break;
      case 'p': port = std::atoi(optarg); break;
      case 'f': file = optarg; break;
      case 'c': conc = std::atoi(optarg); break;
      case 't': type = std::strcmp(optarg, "AAAA") == 0 ? dnskit::dns::rr_type::aaaa : dnskit::dns::rr_type::a; break;
      case 'n': repeat = std::atoi(optarg); break;
      case 'r': rcvbuf = std::atoi(optarg); break;
      case 'm': max_in_flight = std::atoi(optarg); break;
      case 'a': answer_only = true; break;
      default:
        std::cerr << "usage: resolver_bulk -p PORT -f NAMES [-s 127.0.0.1] [-c CONC] [-t A|AAAA] [-n REPEAT] [-r RCVBUF] [-m MAX_IN_FLIGHT] [-a]\n";
        return 2;
    }
  }
  if (file.empty() || conc < 1 || repeat < 1) {
    std::cerr << "need -f NAMES\n";
    return 2;
  }
  if (server.rfind("127.", 0) != 0 && server != "::1") {
    std::cerr << "refusing non-loopback server " << server << "\n";
    return 2;
  }
  std::vector<std::string> names;
  {
    std::ifstream in(file);
    std::string line;
    while (std::getline(in, line)) {
      const auto end = line.find_first_of(" \t\r");
      if (end != std::string::npos) line.resize(end);
      if (!line.empty()) names.push_back(line);
    }
  }
  if (names.empty()) {
    std::cerr << "no names\n";
    return 1;
  }

  // The channel options of cares_bulk.c: 2000 ms timeout, 2 tries, no search list.
  dnskit::resolver::options o;
  o.servers = {{boost::asio::ip::make_address(server), static_cast<std::uint16_t>(port)}};
  o.resolv_conf = "/dev/null";
  o.hosts_file = false;
  o.search_domains = std::vector<std::string>{};
  o.timeout = std::chrono::milliseconds(2000);
  o.tries = 2;
  o.socket_receive_buffer = rcvbuf;
  o.max_in_flight = static_cast<std::size_t>(max_in_flight);

  boost::asio::io_context io(1);
  dnskit::resolver::resolver r(io, o);
  dnskit::resolver::query_options query;
  query.answer_only = answer_only;
  bulk b{r, names, type, query, names.size() * static_cast<std::size_t>(repeat), static_cast<std::size_t>(conc)};
  const double cpu0 = cpu_seconds();
  const auto t0 = std::chrono::steady_clock::now();
  b.submit();
  io.run();
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double cpu = cpu_seconds() - cpu0;
  std::printf("client=%s names=%zu concurrency=%d elapsed_s=%.4f names_per_s=%.0f cpu_us_per_name=%.2f ok=%zu nxdomain=%zu nodata=%zu errors=%zu addrs=%zu\n",
              answer_only ? "dnskit-answer-only" : "dnskit", b.done, conc, elapsed, static_cast<double>(b.done) / elapsed, cpu * 1e6 / static_cast<double>(b.done), b.ok,
              b.nxdomain, b.nodata, b.errors, b.addrs);
  return b.errors ? 1 : 0;
}
