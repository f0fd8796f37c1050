#pragma once
// The things dnslookup can be asked to do, each a function from the settings to an exit
// status (0: answered, 1: not), writing to stdout/stderr as it goes.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "session.hpp"
#include "settings.hpp"
#include "style.hpp"

namespace dnskit::cli {

// What one nslookup-style command did, for the exit status: nslookup returns
// query_error | print_error, query_error starting set and cleared by any reply.
struct run_state {
  bool query_error = true;
  bool print_error = false;
  int status() const noexcept { return (query_error || print_error) ? 1 : 0; }
};

// Looks up `input` through the run's resolvers and prints it in the settings' output mode.
void lookup_and_print(session& sess, const settings& s, const style& st, std::string_view input, run_state& state);

// Interactive mode: reads commands from stdin (a "> " prompt when it is a terminal).
int run_interactive(session& sess, settings& s, const style& st);

// Bulk mode: every name of s.bulk ("-" = stdin), up to s.parallel in flight, results in input order.
int run_bulk(const settings& s, const style& st);

// --trace: iterative resolution from the root hints.
int run_trace(session& sess, const settings& s, const style& st, std::string_view input);

// `ls [-t TYPE | -d] DOMAIN`: the zone's records by AXFR over TCP (RFC 5936) from the server.
bool run_ls(session& sess, const settings& s, const std::vector<std::string>& args, std::string& out, std::string& err);

// A server given by address ("192.0.2.1", "::1", "[::1]") or by name (the system's resolver,
// as nslookup does); std::nullopt and `error` set ("couldn't get address for 'X': not found").
std::optional<server_spec> find_server(std::string_view text, std::string& error);

// Why a zone transfer failed, in words ("timed out", "connection closed by the server", the
// rcode's mnemonic, ...).
std::string transfer_error_text(const settings& s, const transfer_outcome& t);

// Writes and clears the buffers.
void flush_output(std::string& out, std::string& err);

}  // namespace dnskit::cli
