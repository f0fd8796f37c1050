#pragma once
// Every TCP connection is a file descriptor. When the process may open fewer descriptors than
// tcp-max-connections needs, accept() fails with EMFILE while idle connections hold them all,
// and the limit's promise (at the limit the least recently active connection is closed, so
// newcomers are served) is never kept. NSD and Knot raise RLIMIT_NOFILE at start for the same
// reason.
#include <cstddef>

namespace dnskit::nameserver {

// Raises the soft RLIMIT_NOFILE (up to the hard limit) so that `connections` TCP connections
// fit beside `reserved` other descriptors (listeners, zone files, logs). Returns how many
// connections fit: `connections` when the limit allows it, fewer (at least 1) otherwise.
unsigned fit_descriptor_limit(unsigned connections, std::size_t reserved);

}  // namespace dnskit::nameserver
