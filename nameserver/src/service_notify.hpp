#pragma once
// Telling a service manager how the server is doing: systemd's notification protocol
// (sd_notify(3)), spoken directly -- one datagram of "KEY=VALUE" lines to the AF_UNIX socket
// named by $NOTIFY_SOCKET -- rather than through libsystemd: the protocol is small, documented
// as stable, and this keeps the server free of a library it would use for nothing else.
// Without $NOTIFY_SOCKET (not started by systemd with Type=notify) every call does nothing.
#include <string_view>

namespace dnskit::nameserver::service_notify {

// Sends `state` ("READY=1", "STATUS=...", several lines separated by '\n'). True when sent or
// when there is nobody to tell; false (errno set) when $NOTIFY_SOCKET is set but sending failed.
bool send(std::string_view state) noexcept;

// Every listener open and every zone loaded: serving.
void ready() noexcept;
// A reload begins ("RELOADING=1" with the CLOCK_MONOTONIC time it began, which systemd 253 and
// later require); ready() again when it is done.
void reloading() noexcept;
// A graceful stop begins.
void stopping() noexcept;

}  // namespace dnskit::nameserver::service_notify
