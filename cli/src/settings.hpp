#pragma once
// What a dnslookup run is set to do: nslookup's settings (the `set` keywords, also given as
// `-keyword` arguments) plus dnslookup's own output modes. One struct, read by every part.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dnskit/dns/rr_type.hpp"
#include "dnskit/dns/tsig.hpp"
#include "dnskit/resolver/detail/asio.hpp"
#include "dnskit/resolver/options.hpp"
#include "dnskit/resolver/resolv_conf.hpp"

namespace dnskit::cli {

// A name server as the user named it, and the addresses it stands for.
struct server_spec {
  std::string userarg;  // printed verbatim in "Server:" (nslookup does the same)
  std::vector<boost::asio::ip::address> addresses;
};

enum class output_mode : std::uint8_t { nslookup, short_, json };
enum class colour_mode : std::uint8_t { automatic, always, never };

struct settings {
  // --- nslookup's `set` keywords -------------------------------------------------------------
  // Types asked for. Empty: nslookup's default pair (A, then AAAA for the CNAME-chased name).
  std::vector<dns::rr_type> types;
  std::string type_text = "A";  // as typed, for `set all` ("querytype = %-8s")
  dns::rr_class qclass = dns::rr_class::in;
  std::string class_text = "IN";
  std::uint16_t port = 53;
  int timeout = 0;  // seconds per try; 0 = the default (5 s UDP, 10 s TCP, as dig's)
  int tries = 3;    // `retry=N`: tries per lookup
  int transfer_timeout = 600;  // --transfer-timeout: seconds for a whole zone transfer; 0 = none
  std::optional<dns::tsig::key> tsig_key;  // -y / --tsig-key: signs zone transfers (RFC 8945)
  bool vc = false;  // TCP only ("virtual circuit")
  bool vc_set = false;  // vc/novc given explicitly (ANY goes over TCP otherwise)
  bool recurse = true;
  bool debug = false;
  bool d2 = false;
  bool search = true;
  bool fail = false;  // stop on SERVFAIL instead of trying the next server
  int ndots = 1;
  std::vector<std::string> search_list;
  server_spec server;
  bool server_from_resolv_conf = true;

  // --- dnslookup's own ------------------------------------------------------------------------
  output_mode mode = output_mode::nslookup;
  bool json_lines = false;  // --json-lines: output_mode::json, one object per line, no document
  colour_mode colour = colour_mode::automatic;
  bool stats = false;
  // EDNS and header bits of every question (dig's +dnssec, +cd, +nsid, +cookie).
  bool dnssec = false;  // DO (RFC 3225)
  bool cd = false;      // CD (RFC 4035 §3.2.2)
  bool nsid = false;    // the NSID option (RFC 5001)
  bool cookie = false;  // a client cookie (RFC 7873 §4.1)
  bool explain = false;
  bool trace = false;
  std::string root_hints;             // --root-hints FILE for --trace
  std::optional<std::string> bulk;    // -f FILE ("-" = stdin)
  int parallel = 100;                 // --parallel N: lookups in flight in bulk mode
  std::string resolv_conf = "/etc/resolv.conf";  // --resolv-conf FILE

  bool default_lookups() const noexcept { return types.empty(); }
  // The per-try timeout in milliseconds that applies to a transport.
  int timeout_ms(bool tcp) const noexcept { return timeout > 0 ? timeout * 1000 : (tcp ? 10000 : 5000); }
};

// The per-question options the settings ask for (class, RD, DO, CD, EDNS options).
resolver::query_options question_options(const settings& s);

// Outcome of applying one nslookup keyword (`type=mx`, `norecurse`, ...). The messages are
// nslookup's own, printed on stdout: "unknown query type: X", "*** Invalid option: X".
struct option_result {
  bool ok = true;
  bool show_all = false;  // `all`: the caller prints the settings
  std::string message;    // non-empty: print it (with a newline)
};

// Applies one keyword, with nslookup's abbreviations (`ty=`, `q=`, `po=`, `ret=`, `deb`...).
// `type=` takes a comma-separated list ("A,MX"); on the command line (`accumulate`) each
// further `-type=` adds to the list, as `set type=` in interactive mode replaces it.
option_result apply_option(settings& s, std::string_view keyword, bool accumulate = false);

// Takes the search list and `options ndots: timeout: attempts:` of a resolv.conf the library
// read (resolver::read_resolv_conf) into `s`; what the file does not say stays as it is.
void apply_resolv_conf(settings& s, const resolver::resolv_conf& conf);

// `set all` (and `server`'s "Default server:" lines when `servers_only`), as nslookup prints it.
std::string settings_text(const settings& s, bool servers_only);

// A type as the user writes it: mnemonic ("mx"), TYPEnnn, or "ANY"; std::nullopt otherwise.
std::optional<dns::rr_type> parse_type(std::string_view text);

}  // namespace dnskit::cli
