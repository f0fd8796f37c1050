// nslookup's printmessage() behaviour, step by step (BIND 9.18, checked against its output in
// the project's golden files): the Server/Address header, "Non-authoritative answer:", the
// answer in short form, NODATA and rcode lines, and the authority/additional part when AA is
// clear and the type is neither A nor AAAA.
#include <cstdio>

#include "dnskit/dns/rdata.hpp"
#include "nslookup_format.hpp"
#include "render.hpp"

namespace dnskit::cli {
namespace {

std::string plain_name(const dns::name& n) {
  std::string text = n.to_text();
  if (text.size() > 1) text.pop_back();
  return text;
}

std::string failure_reason(const resolver::error_code& ec) {
  if (ec == resolver::errc::timeout) return "timed out";
  if (ec == resolver::errc::connection_refused) return "connection refused";
  if (ec == resolver::errc::eof) return "end of file";
  if (ec == resolver::errc::bad_response) return "bad packet";
  return ec.message();
}

class nslookup_renderer final : public renderer {
 public:
  nslookup_renderer(const settings& s, const style& st) : settings_(s), style_(st) {}

  void begin(const lookup_request&, std::string&, std::string&) override {
    header_printed_ = false;
    a_noanswer_ = false;
  }

  void on_step(const step& st, std::string& out, std::string&) override {
    const exchange& ex = st.ex;
    if (ex.truncated_retry) out += ";; Truncated, retrying in TCP mode.\n";
    if (!ex.has_response) {
      out += unreachable_text(ex);
      return;
    }
    const dns::message& m = ex.response;
    const std::string from = ex.server.address.to_string();
    if (st.intermediate) {
      if (settings_.server_from_resolv_conf && settings_.recurse && !m.hdr.ra &&
          m.rcode() != dns::rcode::nxdomain) {
        out += ";; Got recursion not available from " + from + ", trying next server\n";
      } else if (settings_.debug) {
        print_message(st, out);  // -debug shows the search list at work
      }
      return;
    }
    if (m.rcode() == dns::rcode::servfail) out += ";; Got SERVFAIL reply from " + from + "\n";
    if (settings_.server_from_resolv_conf && settings_.recurse && !m.hdr.ra) {
      out += ";; Got recursion not available from " + from + "\n";
    }
    print_message(st, out);
    if (settings_.stats) out += stats_line(ex);
  }

  void end(const lookup_summary&, std::string&, std::string&) override {}

 private:
  void print_message(const step& st, std::string& out) {
    const exchange& ex = st.ex;
    const dns::message& m = ex.response;
    const bool first_of_pair = !st.default_pair || st.type == dns::rr_type::a;
    if (first_of_pair && !header_printed_) {
      out += "Server:\t\t" + settings_.server.userarg + "\n";
      out += "Address:\t" + server_text(ex.server) + "\n\n";
      header_printed_ = true;
    }
    if (settings_.debug) print_detail(out, m);
    if (m.rcode() != dns::rcode::noerror) {
      out += style_.paint(role::error, "** server can't find " + plain_name(ex.question.qname) + ": " +
                                           dns::to_string(m.rcode())) + "\n";
      return;
    }
    if (!m.hdr.aa && first_of_pair) out += "Non-authoritative answer:\n";
    if (!m.answer.empty()) {
      print_section(out, m.answer, true, style_);
    } else if (st.default_pair && st.type == dns::rr_type::a) {
      a_noanswer_ = true;
    } else if (!st.default_pair || (st.type == dns::rr_type::aaaa && a_noanswer_)) {
      out += "*** Can't find " + st.textname + ": No answer\n";
    }
    if (!m.hdr.aa && st.type != dns::rr_type::a && st.type != dns::rr_type::aaaa) {
      out += "\nAuthoritative answers can be found from:\n";
      print_section(out, m.authority, false, style_);
      print_section(out, m.additional, false, style_);
    }
  }

  const settings& settings_;
  style style_;
  bool header_printed_ = false;
  bool a_noanswer_ = false;
};

class short_renderer final : public renderer {
 public:
  explicit short_renderer(const settings& s) : settings_(s) {}
  void begin(const lookup_request&, std::string&, std::string&) override {}
  void on_step(const step& st, std::string& out, std::string& err) override {
    if (st.intermediate) return;
    const exchange& ex = st.ex;
    if (!ex.has_response) {
      err += unreachable_text(ex);
      return;
    }
    if (ex.response.rcode() != dns::rcode::noerror) {
      std::string name = ex.question.qname.to_text();
      if (name.size() > 1) name.pop_back();
      err += "** server can't find " + name + ": " + dns::to_string(ex.response.rcode()) + "\n";
      return;
    }
    for (const dns::record& r : ex.response.answer) {
      // dig +short: the data of every answer record, CNAME targets included.
      if (r.type != st.type && r.type != dns::rr_type::cname && st.type != dns::rr_type::any) continue;
      out += dns::rdata_to_text(r.type, r.rdata) + "\n";
    }
    if (settings_.stats) err += stats_line(ex);
  }
  void end(const lookup_summary&, std::string&, std::string&) override {}

 private:
  const settings& settings_;
};

}  // namespace

std::string unreachable_text(const exchange& ex) {
  std::string out;
  std::string name = ex.question.qname.to_text();
  if (name.size() > 1) name.pop_back();
  for (const try_failure& f : ex.failures) {
    if (f.tcp) {
      out += ";; Connection to " + server_text(f.server) + "(" + f.server.address.to_string() + ") for " +
             name + " failed: " + failure_reason(f.error) + ".\n";
    } else {
      out += ";; communications error to " + server_text(f.server) + ": " + failure_reason(f.error) + "\n";
    }
  }
  out += ";; no servers could be reached\n";
  return out;
}

std::string stats_line(const exchange& ex) {
  char time[32];
  std::snprintf(time, sizeof time, "%.3f", ex.time_ms);
  return ";; " + dns::to_string(ex.question.qtype) + " " + ex.question.qname.to_text() + " answered by " +
         server_text(ex.server) + " over " + (ex.proto == resolver::transport::tcp ? "TCP" : "UDP") +
         " in " + time + " ms, " + std::to_string(ex.bytes_sent) + " bytes sent, " +
         std::to_string(ex.bytes_received) + " bytes received\n";
}

std::unique_ptr<renderer> make_nslookup_renderer(const settings& s, const style& st) {
  return std::make_unique<nslookup_renderer>(s, st);
}

std::unique_ptr<renderer> make_short_renderer(const settings& s) {
  return std::make_unique<short_renderer>(s);
}

std::unique_ptr<renderer> make_renderer(const settings& s, const style& st) {
  if (s.explain) return make_explain_renderer(s, st);
  switch (s.mode) {
    case output_mode::short_: return make_short_renderer(s);
    case output_mode::json: return make_json_renderer(s);
    case output_mode::nslookup: break;
  }
  return make_nslookup_renderer(s, st);
}

}  // namespace dnskit::cli
