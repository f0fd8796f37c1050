#pragma once
// Internationalised domain names (RFC 5890/5891): IDNA2008 with the UTS #46 mapping,
// non-transitional (as browsers and BIND do), through libidn2. async_query and async_resolve
// take names typed in Unicode (UTF-8) and ask for their ASCII form (A-labels, "xn--...");
// text that is not a valid IDN completes them with errc::bad_name, and to_ascii_name says why.
#include <optional>
#include <string>
#include <string_view>

namespace dnskit::resolver {

// The ASCII form of a name as typed. Pure ASCII text is returned unchanged (escapes and all);
// text with non-ASCII UTF-8 is converted label by label. std::nullopt, and `reason` set to
// libidn2's words ("string contains a disallowed character", ...), when it is not a valid IDN.
std::optional<std::string> to_ascii_name(std::string_view text, std::string& reason);

// The Unicode form of a presentation name when it has A-labels ("xn--bcher-kva.test." ->
// "bücher.test."); std::nullopt when it has none or they do not decode.
std::optional<std::string> to_unicode_name(std::string_view ascii);

}  // namespace dnskit::resolver
