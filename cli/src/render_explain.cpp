// --explain: the lookup told in plain words for someone learning how DNS works. Everything
// said comes from what actually happened: the settings in force, the resolver's observer
// (sockets, addresses, ports, bytes, times) and the decoded response.
#include <algorithm>
#include <cstdio>

#include "dnskit/dns/rdata.hpp"
#include "nslookup_format.hpp"
#include "render.hpp"

namespace dnskit::cli {
namespace {

std::string ms_text(double ms) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f ms", ms);
  return buf;
}

std::string type_words(dns::rr_type t) {
  switch (t) {
    case dns::rr_type::a: return "an IPv4 address";
    case dns::rr_type::aaaa: return "an IPv6 address";
    case dns::rr_type::cname: return "the canonical name of an alias";
    case dns::rr_type::mx: return "the mail servers";
    case dns::rr_type::ns: return "the name servers of a zone";
    case dns::rr_type::soa: return "the start of authority of a zone";
    case dns::rr_type::txt: return "text";
    case dns::rr_type::srv: return "a service's host and port";
    case dns::rr_type::ptr: return "the name an address belongs to";
    case dns::rr_type::any: return "every record the server will give";
    default: return "records of type " + dns::to_string(t);
  }
}

std::string flags_text(const dns::header& h) {
  std::string out;
  auto add = [&](bool on, const char* f) {
    if (!on) return;
    if (!out.empty()) out += ' ';
    out += f;
  };
  add(h.qr, "qr");
  add(h.aa, "aa");
  add(h.tc, "tc");
  add(h.rd, "rd");
  add(h.ra, "ra");
  add(h.ad, "ad");
  add(h.cd, "cd");
  return out.empty() ? "none" : out;
}

std::string ttl_words(std::uint32_t ttl) {
  std::string out = std::to_string(ttl) + " s";
  if (ttl >= 86400 && ttl % 86400 == 0) out += " = " + std::to_string(ttl / 86400) + " d";
  else if (ttl >= 3600 && ttl % 3600 == 0) out += " = " + std::to_string(ttl / 3600) + " h";
  else if (ttl >= 60 && ttl % 60 == 0) out += " = " + std::to_string(ttl / 60) + " min";
  return out;
}

std::string record_words(const dns::record& r) {
  const std::string owner = display_name(r.owner);
  const std::string data = dns::rdata_to_text(r.type, r.rdata);
  switch (r.type) {
    case dns::rr_type::a: return owner + " has the IPv4 address " + data;
    case dns::rr_type::aaaa: return owner + " has the IPv6 address " + data;
    case dns::rr_type::cname: return owner + " is an alias: its canonical name is " + data;
    case dns::rr_type::dname: return "every name below " + owner + " is renamed under " + data;
    case dns::rr_type::ns: return data + " is a name server for the zone " + owner;
    case dns::rr_type::mx: return "mail for " + owner + " goes to (preference, host) " + data;
    case dns::rr_type::ptr: return owner + " belongs to the name " + data;
    case dns::rr_type::soa: return owner + " is the top of a zone (start of authority: " + data + ")";
    case dns::rr_type::txt: return owner + " carries the text " + data;
    case dns::rr_type::srv: return "the service " + owner + " runs at (priority weight port host) " + data;
    default: return owner + " has a " + dns::to_string(r.type) + " record: " + data;
  }
}

class explain_renderer final : public renderer {
 public:
  explain_renderer(const settings& s, const style& st)
      : settings_(s), style_(st), plain_(make_nslookup_renderer(s, st)) {}

  void begin(const lookup_request& req, std::string& out, std::string&) override {
    plain_out_.clear();
    std::string ignored;
    plain_->begin(req, plain_out_, ignored);
    step_ = 1;
    out += style_.paint(role::heading, "How \"" + req.input + "\" is looked up") + "\n\n";
    out += style_.paint(role::heading, std::to_string(step_++) + ". The settings") + "\n";
    const std::string server = settings_.server.addresses.empty() ? std::string("(none)")
                                                                  : settings_.server.addresses.front().to_string();
    out += "   Server: " + settings_.server.userarg +
           (settings_.server.userarg != server ? " (" + server + ")" : std::string()) +
           (settings_.server_from_resolv_conf ? ", read from " + settings_.resolv_conf
                                              : ", given on the command line") + ".\n";
    if (settings_.port == 53) {
      out += "   Port: 53, the port IANA assigned to DNS (RFC 1035 §4.2): every name server listens\n"
             "   there, so a client needs no more than the server's address.\n";
    } else {
      out += "   Port: " + std::to_string(settings_.port) + ", set with -port= (name servers normally listen on\n"
             "   port 53, the port IANA assigned to DNS; this one listens elsewhere).\n";
    }
    out += std::string("   Transport: ") +
           (settings_.vc ? "TCP for every question (-vc).\n"
                         : "UDP: one datagram out, one back. If the answer does not fit, the server\n"
                           "   sets the TC (truncated) bit and the question is asked again over TCP.\n");
    out += "   Waiting " + std::to_string(settings_.timeout_ms(settings_.vc) / 1000) + " s for an answer, " +
           std::to_string(settings_.tries) + (settings_.tries == 1 ? " try" : " tries") + ".\n";
    out += std::string("   Recursion desired (RD): ") +
           (settings_.recurse ? "yes: the server is asked to find the answer itself if it does not know it.\n"
                              : "no (-norecurse): the server answers only from what it knows.\n");
    if (req.reverse) {
      out += "   \"" + req.input + "\" is an address, so the question is the other way round: which name\n"
             "   has it? Addresses have names under in-addr.arpa (IPv4) or ip6.arpa (IPv6), written\n"
             "   backwards (RFC 1035 §3.5, RFC 3596 §2.5): " + req.qname.to_text() + " PTR.\n";
    } else if (!req.error.empty()) {
      out += "   " + req.error + "\n";
    } else {
      if (settings_.search && !settings_.search_list.empty()) {
        out += "   Search list: ";
        for (std::size_t i = 0; i < settings_.search_list.size(); ++i) out += (i ? ", " : "") + settings_.search_list[i];
        out += " (ndots " + std::to_string(settings_.ndots) + ").\n";
      } else {
        out += "   Search list: none, so the name is asked as typed.\n";
      }
      out += "   Names to ask, in order:";
      for (const dns::name& n : req.candidates) out += " " + n.to_text();
      out += "\n";
      if (req.default_pair) {
        out += "   No type given: first A (IPv4 address), then AAAA (IPv6 address), as nslookup does.\n";
      }
    }
    out += "\n";
  }

  void on_step(const step& st, std::string& out, std::string&) override {
    std::string ignored;
    plain_->on_step(st, plain_out_, ignored);
    const exchange& ex = st.ex;
    out += style_.paint(role::heading, std::to_string(step_++) + ". Asking for " + ex.question.qname.to_text() + " " +
                                           dns::to_string(ex.question.qtype) + " (" +
                                           type_words(ex.question.qtype) + ")") + "\n";
    if (st.follow_up) out += "   (the A answer ended at this name, so its IPv6 address is asked next)\n";
    std::chrono::steady_clock::time_point sent{};
    for (const net_event& e : ex.events) {
      const char* proto = e.proto == resolver::transport::tcp ? "TCP" : "UDP";
      switch (e.what) {
        case net_event::kind::open:
          out += std::string("   Opened a ") + proto + " socket" +
                 (e.proto == resolver::transport::tcp ? " (a connection: needed for answers too big for UDP).\n"
                                                      : " (no connection: each message is one datagram).\n");
          break;
        case net_event::kind::connect:
          out += "   Its address: from " + e.local.to_string() + " (port chosen at random by the system,\n"
                 "   so answers to other programs cannot be mistaken for ours) to " + e.remote.to_string() + ".\n";
          if (e.error) out += "   The connection failed: " + e.error.message() + ".\n";
          break;
        case net_event::kind::send:
          if (e.error) {
            out += "   Sending failed: " + e.error.message() + ".\n";
            break;
          }
          sent = e.time;
          out += "   Sent " + std::to_string(e.bytes) + " bytes over " + proto +
                 (e.has_header ? ": a query with ID " + std::to_string(e.header.id) + ", flags " + flags_text(e.header)
                               : std::string()) + ".\n";
          break;
        case net_event::kind::receive:
          if (e.error) {
            out += "   Nothing came back: " + e.error.message() + ".\n";
            break;
          }
          if (e.bytes == 0) break;
          out += "   Received " + std::to_string(e.bytes) + " bytes over " + proto;
          if (sent != std::chrono::steady_clock::time_point{}) {
            out += " after " + ms_text(std::chrono::duration<double, std::milli>(e.time - sent).count());
          }
          if (e.has_header) out += " (ID " + std::to_string(e.header.id) + ", flags " + flags_text(e.header) + ")";
          out += ".\n";
          if (e.has_header && e.header.tc) out += "   The TC bit is set: the answer was cut to fit a datagram; asking again over TCP.\n";
          break;
        case net_event::kind::close: out += std::string("   Closed the ") + proto + " socket.\n"; break;
        case net_event::kind::query_start:
        case net_event::kind::query_end: break;
      }
    }
    if (!ex.has_response) {
      out += "   No answer: " + unreachable_text(ex) + "\n";
      return;
    }
    const dns::message& m = ex.response;
    out += "   The header: QR=1 (a response), ID " + std::to_string(m.hdr.id) + " matching the query; " +
           (m.hdr.aa ? "AA=1: the server is an authority for this name (the answer comes from its own zone).\n"
                     : "AA=0: not an authoritative answer (from a cache, or a referral).\n");
    out += std::string("   RA=") + (m.hdr.ra ? "1: the server will recurse for us." : "0: the server does not recurse for others.") +
           " Response code " + dns::to_string(m.rcode()) + ".\n";
    out += "   Sections: " + std::to_string(m.questions.size()) + " question, " + std::to_string(m.answer.size()) +
           " answer, " + std::to_string(m.authority.size()) + " authority, " + std::to_string(m.additional.size()) +
           " additional records.\n";
    auto section = [&](const char* title, const std::vector<dns::record>& records) {
      if (records.empty()) return;
      out += std::string("   ") + title + ":\n";
      for (const dns::record& r : records) {
        out += "     " + r.to_text() + "\n       " + record_words(r) + " (may be kept for " + ttl_words(r.ttl) + ")\n";
      }
    };
    section("Answer", m.answer);
    section("Authority (who is responsible)", m.authority);
    section("Additional (addresses given along, to save questions)", m.additional);
    if (m.rcode() == dns::rcode::nxdomain) {
      out += "   NXDOMAIN: the name does not exist" + std::string(st.intermediate ? "; trying the next name.\n" : ".\n");
    } else if (m.rcode() == dns::rcode::noerror && m.answer.empty()) {
      out += "   The name exists but has no record of this type (NODATA, RFC 2308).\n";
    } else if (m.rcode() == dns::rcode::noerror) {
      // How the answer becomes the address printed: follow the CNAME chain to the data.
      dns::name target = ex.question.qname;
      std::string chain = display_name(target);
      for (int links = 0; links < 16; ++links) {
        auto it = std::find_if(m.answer.begin(), m.answer.end(), [&](const dns::record& r) {
          return r.type == dns::rr_type::cname && r.owner == target;
        });
        if (it == m.answer.end()) break;
        auto next = dns::rdata_name(it->rdata);
        if (!next) break;
        target = *next;
        chain += " -> (alias of) " + display_name(target);
      }
      std::string data;
      for (const dns::record& r : m.answer) {
        if (r.type == ex.question.qtype && r.owner == target) data += (data.empty() ? "" : ", ") + dns::rdata_to_text(r.type, r.rdata);
      }
      if (!data.empty()) out += "   So: " + chain + " -> " + style_.paint(role::address, data) + "\n";
    }
    out += "\n";
  }

  void end(const lookup_summary& summary, std::string& out, std::string& err) override {
    std::string ignored;
    plain_->end(summary, plain_out_, ignored);
    (void)err;
    out += style_.paint(role::heading, std::to_string(step_++) + ". What nslookup would print") + "\n";
    out += plain_out_;
  }

 private:
  const settings& settings_;
  style style_;
  std::unique_ptr<renderer> plain_;
  std::string plain_out_;
  int step_ = 1;
};

}  // namespace

std::unique_ptr<renderer> make_explain_renderer(const settings& s, const style& st) {
  return std::make_unique<explain_renderer>(s, st);
}

}  // namespace dnskit::cli
