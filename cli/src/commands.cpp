#include "commands.hpp"

#include <netdb.h>
#include <sys/socket.h>

#include <cstdio>

#include "lookup.hpp"
#include "nslookup_format.hpp"
#include "render.hpp"

namespace dnskit::cli {

void flush_output(std::string& out, std::string& err) {
  if (!out.empty()) {
    std::fwrite(out.data(), 1, out.size(), stdout);
    std::fflush(stdout);
    out.clear();
  }
  if (!err.empty()) {
    std::fflush(stdout);
    std::fwrite(err.data(), 1, err.size(), stderr);
    err.clear();
  }
}

void lookup_and_print(session& sess, const settings& s, const style& st, std::string_view input, run_state& state) {
  std::string out, err;
  lookup_request req = plan_lookup(s, input);
  if (!req.error.empty()) {
    err += "dnslookup: " + req.error + "\n";
    flush_output(out, err);
    state.print_error = true;
    return;
  }
  if (!req.reverse && s.types.size() == 1 && s.types.front() == dns::rr_type::axfr) {
    // -type=AXFR: the whole zone over TCP, every record in nslookup's short form.
    // Each message's records are printed as they come (a zone may be larger than memory);
    // the server lines go first, once the server has answered at all.
    bool header = false;
    auto print_header = [&] {
      if (header) return;
      header = true;
      state.query_error = false;
      out += "Server:\t\t" + s.server.userarg + "\n";
      out += "Address:\t" + s.server.addresses.front().to_string() + "#" + std::to_string(s.port) + "\n\n";
    };
    const transfer_outcome x =
        sess.transfer(s, req.candidates.front(),
                      [&](const dns::message&, std::span<const dns::record> records, bool) {
                        print_header();
                        print_section(out, records, true, st);
                        flush_output(out, err);
                      });
    if (x.result.records == 0 && x.error && x.result.rcode == dns::rcode::noerror) {
      out += "; Transfer failed: " + transfer_error_text(s, x) + "\n";
      state.print_error = true;
    } else {
      print_header();
      if (x.error) {
        out += "; Transfer failed: " + transfer_error_text(s, x) + "\n";
        state.print_error = true;
      }
    }
    flush_output(out, err);
    return;
  }
  auto r = make_renderer(s, st);
  r->begin(req, out, err);
  flush_output(out, err);
  lookup_summary summary = run_lookup(sess, s, req, [&](const step& stp) {
    r->on_step(stp, out, err);
    flush_output(out, err);
  });
  r->end(summary, out, err);
  flush_output(out, err);
  if (summary.any_response) state.query_error = false;
  if (summary.unreachable) state.query_error = true;
  if (summary.rcode_error) state.print_error = true;
}

std::string transfer_error_text(const settings& s, const transfer_outcome& t) {
  if (t.result.rcode != dns::rcode::noerror) return dns::to_string(t.result.rcode);
  if (t.error == resolver::errc::timeout) return "timed out";
  if (t.error == resolver::errc::transfer_time_limit) {
    return "the transfer did not end within its time limit (" + std::to_string(s.transfer_timeout) + " s)";
  }
  if (t.error == resolver::errc::eof) return "connection closed by the server";
  if (t.error == resolver::errc::bad_response) return "bad message";
  if (t.error == resolver::errc::bad_signature) return "TSIG: " + std::string(dns::tsig::to_string(t.result.tsig));
  return t.error.message();
}

std::optional<server_spec> find_server(std::string_view text, std::string& error) {
  server_spec spec;
  spec.userarg = std::string(text);
  std::string literal(text);
  if (literal.size() > 2 && literal.front() == '[' && literal.back() == ']') literal = literal.substr(1, literal.size() - 2);
  boost::system::error_code ec;
  auto address = boost::asio::ip::make_address(literal, ec);
  if (!ec) {
    spec.addresses.push_back(address);
    return spec;
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_DGRAM;
  addrinfo* result = nullptr;
  const std::string host(text);
  if (host.empty() || ::getaddrinfo(host.c_str(), nullptr, &hints, &result) != 0 || result == nullptr) {
    error = "couldn't get address for '" + host + "': not found";
    return std::nullopt;
  }
  for (addrinfo* ai = result; ai != nullptr; ai = ai->ai_next) {
    char buf[NI_MAXHOST];
    if (::getnameinfo(ai->ai_addr, ai->ai_addrlen, buf, sizeof buf, nullptr, 0, NI_NUMERICHOST) != 0) continue;
    auto a = boost::asio::ip::make_address(buf, ec);
    if (ec) continue;
    bool seen = false;
    for (const auto& known : spec.addresses) seen = seen || known == a;
    if (!seen) spec.addresses.push_back(a);
  }
  ::freeaddrinfo(result);
  if (spec.addresses.empty()) {
    error = "couldn't get address for '" + host + "': not found";
    return std::nullopt;
  }
  return spec;
}

}  // namespace dnskit::cli
