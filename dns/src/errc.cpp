#include "dnskit/dns/errc.hpp"

namespace dnskit::dns {
namespace {

class dns_category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "dnskit.dns"; }

  std::string message(int value) const override {
    switch (static_cast<errc>(value)) {
      case errc::short_read: return "data ends inside a field (truncated message or record)";
      case errc::label_too_long: return "label longer than 63 octets";
      case errc::name_too_long: return "name longer than 255 octets";
      case errc::bad_label_type: return "unsupported label type (extended or reserved label)";
      case errc::bad_pointer: return "compression pointer does not point strictly backwards";
      case errc::too_many_pointers: return "too many compression pointers in one name";
      case errc::bad_rdata: return "rdata does not match its type's layout";
      case errc::trailing_data: return "trailing bytes after the last record";
      case errc::opt_not_in_additional: return "OPT record outside the additional section";
      case errc::multiple_opt: return "more than one OPT record";
      case errc::bad_opt_owner: return "OPT record owner is not the root name";
      case errc::too_many_records: return "too many records";
      case errc::bad_escape: return "malformed escape sequence";
      case errc::empty_label: return "empty label";
      case errc::bad_number: return "bad or out-of-range number";
      case errc::bad_address: return "bad IP address";
      case errc::bad_base64: return "bad base64 data";
      case errc::bad_hex: return "bad hexadecimal data";
      case errc::bad_string: return "bad character-string (unterminated or longer than 255 octets)";
      case errc::unknown_type: return "unknown RR type";
      case errc::unknown_class: return "unknown RR class";
      case errc::missing_field: return "missing rdata field";
      case errc::extra_field: return "extra rdata field";
      case errc::bad_field: return "bad rdata field";
      case errc::no_space: return "output buffer full";
    }
    return "unknown dnskit.dns error " + std::to_string(value);
  }
};

}  // namespace

const std::error_category& category() noexcept {
  static const dns_category instance;
  return instance;
}

}  // namespace dnskit::dns
