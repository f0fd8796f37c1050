#pragma once
// Internationalised domain names (RFC 5890/5891, IDNA2008 via libidn2): names typed in Unicode
// are asked in their ASCII form (A-labels, "xn--..."), and names that come back with A-labels
// are shown in both forms.
#include <optional>
#include <string>
#include <string_view>

namespace dnskit::cli {

// The ASCII form of a name typed by the user. Pure ASCII text is returned unchanged (escapes
// and all); text with non-ASCII UTF-8 is converted label by label. std::nullopt and `error`
// set when the text is not a valid IDN.
std::optional<std::string> to_ascii_name(std::string_view text, std::string& error);

// The Unicode form of a presentation name when it has A-labels ("xn--bcher-kva.test." ->
// "bücher.test."); std::nullopt when it has none or they do not decode.
std::optional<std::string> to_unicode_name(std::string_view ascii);

}  // namespace dnskit::cli
