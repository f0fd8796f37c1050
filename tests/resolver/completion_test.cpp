// detail::completion: handlers of ordinary size live inside the holder, larger ones on the heap;
// either way a handler runs exactly once, on its executor, and keeps the executor busy until it
// has run; one that never runs is destroyed with its holder.
#include <array>
#include <memory>
#include <utility>

#include <catch2/catch.hpp>

#include "dnskit/resolver/detail/completion.hpp"
#include "dnskit_test/counting_new.hpp"

namespace {

using dnskit::resolver::detail::completion;
using boost::system::error_code;

struct small_handler {
  std::shared_ptr<int> calls;
  void operator()(error_code ec, int value) const {
    CHECK(ec == boost::asio::error::timed_out);
    *calls += value;
  }
};

struct large_handler {
  std::shared_ptr<int> calls;
  std::array<char, 512> ballast{};  // too big for the holder's storage
  void operator()(error_code, int value) const { *calls += value; }
};

template <typename Handler>
void runs_once_after_moves() {
  boost::asio::io_context io;
  auto calls = std::make_shared<int>(0);
  completion<int> first(Handler{calls}, io.get_executor());
  completion<int> second(std::move(first));
  completion<int> third;
  third = std::move(second);
  CHECK_FALSE(first);
  CHECK_FALSE(second);
  REQUIRE(third);
  third.post(boost::asio::error::timed_out, 7);
  CHECK_FALSE(third);
  CHECK(*calls == 0);  // posted, not called in place
  CHECK(io.run() == 1);
  CHECK(*calls == 7);
  CHECK(calls.use_count() == 1);  // the handler is gone
}

}  // namespace

TEST_CASE("completion: a small handler is stored without a heap block", "[unit]") {
  boost::asio::io_context io;
  auto calls = std::make_shared<int>(0);
  std::size_t allocations = 0;
  completion<int> moved;
  {
    dnskit::test::allocation_counter counter;
    completion<int> c(small_handler{calls}, io.get_executor());
    moved = std::move(c);
    allocations = counter.count();
  }
  CHECK(allocations == 0);
  moved.post(boost::asio::error::timed_out, 1);
  io.run();
  CHECK(*calls == 1);
}

TEST_CASE("completion: inline and heap handlers run once after moves", "[unit]") {
  runs_once_after_moves<small_handler>();
  runs_once_after_moves<large_handler>();
}

TEST_CASE("completion: a handler that never runs is destroyed and releases the executor", "[unit]") {
  boost::asio::io_context io;
  auto calls = std::make_shared<int>(0);
  {
    completion<int> small(small_handler{calls}, io.get_executor());
    completion<int> large(large_handler{calls}, io.get_executor());
    CHECK(calls.use_count() == 3);
  }
  CHECK(calls.use_count() == 1);
  CHECK(io.run() == 0);  // no work left behind: run() returns at once
}

TEST_CASE("completion: complete_on calls in place on the running executor", "[unit]") {
  boost::asio::io_context io;
  // As in the resolver: the I/O executor is type-erased, the handler has none of its own.
  const boost::asio::any_io_executor ex = io.get_executor();
  auto calls = std::make_shared<int>(0);
  completion<int> small(small_handler{calls}, ex);
  completion<int> large(large_handler{calls}, ex);
  boost::asio::post(io, [&] {
    small.complete_on(ex, boost::asio::error::timed_out, 2);
    large.complete_on(ex, boost::asio::error::timed_out, 3);
    CHECK(*calls == 5);  // both ran here, before this function returned
  });
  io.run();
  CHECK(*calls == 5);
  CHECK(calls.use_count() == 1);
}
