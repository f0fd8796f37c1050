#pragma once
// A secondary zone's copy on disk: written whole to a temporary file in the same directory,
// fsync'ed, renamed over FILE, and the directory fsync'ed, so that FILE is at every moment
// either the previous copy or the new one, whole, even across a crash; a restart serves it at
// once (it is an ordinary zone file, loaded and checked as one).
#include <filesystem>
#include <string_view>
#include <system_error>

#include "dnskit/zones/zone.hpp"

namespace dnskit::nameserver {

// Writes every record of `zone` (SOA first), one per line in master file form, after a comment
// line `; header`. On failure FILE is untouched and no temporary file is left behind.
std::error_code write_zone_file(const zones::zone& zone, const std::filesystem::path& file,
                                std::string_view header);

}  // namespace dnskit::nameserver
