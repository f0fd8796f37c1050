#pragma once
// The one header through which dnskit includes Asio (public headers, sources and tests alike).
// <utility> must come first: with GCC 12 in C++20 mode, Boost 1.74's Asio otherwise fails with
// "'exchange' is not a member of 'std'".
#include <utility>

// Asio 1.18 trips two of GCC 12's flow-based warnings once inlined: -Wnull-dereference in its
// scheduler (a thread-local pointer it checked elsewhere) and -Wmismatched-new-delete in its
// recycling allocator (coroutine frames). The pragmas are tied to these headers' lines, so
// dnskit's own code stays checked.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnull-dereference"
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/asio/write.hpp>
#include <boost/system/error_code.hpp>
#include <boost/system/system_error.hpp>
#pragma GCC diagnostic pop
