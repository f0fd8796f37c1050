#pragma once
// The one place Boost.Asio is included (STYLE.md: with GCC 12 in C++20 mode <boost/asio.hpp>
// needs <utility> first). Asio 1.18: no as_tuple, deferred or cancellation slots.
#include <utility>

// Clang (clang-tidy parses the sources with it) over libstdc++: Asio 1.18 looks for C++20
// coroutines only in libc++'s <experimental/coroutine>; libstdc++'s <coroutine> is the one
// there is, and clang implements it (__cpp_impl_coroutine). GCC finds it by itself.
#if defined(__clang__) && defined(__cpp_impl_coroutine) && !defined(BOOST_ASIO_HAS_CO_AWAIT)
#define BOOST_ASIO_HAS_CO_AWAIT 1
#define BOOST_ASIO_HAS_STD_COROUTINE 1
#endif

// Asio 1.18's scheduler trips GCC 12's -Wnull-dereference once inlined (a thread-local pointer
// it knows to be set); the warning is about Boost's code, not ours.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnull-dereference"
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#pragma GCC diagnostic pop

namespace dnskit::nameserver {
namespace asio = boost::asio;
}
