#pragma once
// A zone's file written by the server (a secondary zone's copy, a primary zone's file written
// back after dynamic updates): written whole to a temporary file in the same directory,
// fsync'ed, renamed over FILE, and the directory fsync'ed, so that FILE is at every moment
// either the previous copy or the new one, whole, even across a crash; a restart serves it at
// once (it is an ordinary zone file, loaded and checked as one).
#include <filesystem>
#include <string_view>
#include <system_error>

#include "dnskit/zones/zone.hpp"
#include "zone_file_stamp.hpp"

namespace dnskit::nameserver {

// Writes every record of `zone` (SOA first), one per line in master file form, after a comment
// line `; header`. On failure FILE is untouched and no temporary file is left behind.
// `written` (when given) receives the stamp of the file as written, for a later check that
// nobody replaced or edited it since.
std::error_code write_zone_file(const zones::zone& zone, const std::filesystem::path& file,
                                std::string_view header,
                                std::optional<zone_file_stamp>* written = nullptr);

}  // namespace dnskit::nameserver
