#pragma once
// Records and messages in BIND 9.18 nslookup's words: "Name:\t"/"Address: " pairs, "<owner>\t
// mail exchanger = 10 mx.", the SOA block, and -debug's "------------" section dumps.
#include <span>
#include <string>

#include "dnskit/dns/message.hpp"
#include "style.hpp"

namespace dnskit::cli {

// A name as nslookup prints it: without the trailing dot ("." for the root). Names with
// A-labels get their Unicode form in parentheses.
std::string display_name(const dns::name& n);

// nslookup's label before the rdata ("internet address = ", "has AAAA address ", "rdata_257 = ").
std::string type_label(dns::rr_type t);

// Rdata text as BIND's dns_rdata_totext() writes it: hex upper case and long hex/base64 fields
// cut into 56-character words, LOC decoded (RFC 1876).
std::string bind_rdata_text(dns::rr_type t, std::span<const std::uint8_t> rdata);

// printsection(): the short form of one section (A/AAAA as Name:/Address: only in the answer).
void print_section(std::string& out, std::span<const dns::record> records, bool answer_section,
                   const style& st);

// The -debug block: "------------", QUESTIONS, ANSWERS, AUTHORITY RECORDS, ADDITIONAL RECORDS,
// "------------".
void print_detail(std::string& out, const dns::message& m);

}  // namespace dnskit::cli
