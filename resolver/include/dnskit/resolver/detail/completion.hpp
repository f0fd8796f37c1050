#pragma once
// A small move-only holder for a completion handler with the signature
// void(error_code, Args...), so the resolver's core is not a template. It keeps the handler's
// associated executor busy (a work guard) from initiation to completion, and post() hands the
// handler to that executor: a handler never runs inside the function that started the
// operation, nor inside c-ares's processing.
//
// A handler of ordinary size (a lambda with a few captures, a coroutine's or a future's
// handler) is stored inside the holder itself, which lives inside the operation: one heap block
// per operation instead of two. Larger handlers, or ones that may throw when moved, go on the
// heap.
#include <array>
#include <cstddef>
#include <new>
#include <type_traits>
#include <utility>

#include "dnskit/resolver/detail/asio.hpp"

namespace dnskit::resolver::detail {

template <typename... Args>
class completion {
 public:
  completion() = default;

  template <typename Handler, typename IoExecutor>
  completion(Handler&& handler, const IoExecutor& io_ex) {
    using impl_type = impl<std::decay_t<Handler>, IoExecutor>;
    if constexpr (fits_inline<impl_type>()) {
      impl_ = ::new (static_cast<void*>(storage_.data())) impl_type(std::forward<Handler>(handler), io_ex);
    } else {
      impl_ = new impl_type(std::forward<Handler>(handler), io_ex);
    }
  }

  completion(completion&& other) noexcept { take(other); }
  completion& operator=(completion&& other) noexcept {
    if (this != &other) {
      reset();
      take(other);
    }
    return *this;
  }
  completion(const completion&) = delete;
  completion& operator=(const completion&) = delete;
  ~completion() { reset(); }

  explicit operator bool() const noexcept { return impl_ != nullptr; }

  // Posts the handler with these arguments to its associated executor; empties the holder.
  void post(boost::system::error_code ec, Args&&... args) {
    base* p = std::exchange(impl_, nullptr);
    p->post(ec, std::move(args)...);
  }

  // For a caller that is itself running on `running` (a handler of that executor), outside any
  // function that started an operation: when the handler's associated executor is `running`,
  // calls it here, as boost::asio::dispatch would, without a trip through the executor's
  // queue; otherwise posts it. Empties the holder before the handler runs.
  void complete_on(const boost::asio::any_io_executor& running, boost::system::error_code ec,
                   Args&&... args) {
    base* p = std::exchange(impl_, nullptr);
    p->complete_on(running, ec, std::move(args)...);
  }

 private:
  static constexpr std::size_t inline_size = 128;

  // Whether an impl type lives in the holder's storage (always) or on the heap (always).
  template <typename Impl>
  static constexpr bool fits_inline() {
    constexpr bool small = sizeof(Impl) <= inline_size;
    constexpr bool aligned = alignof(Impl) <= alignof(std::max_align_t);
    return small && aligned && std::is_nothrow_move_constructible_v<Impl>;
  }

  // Each of these ends the holder's object (destroys it in place or deletes it) before the
  // handler runs, so a handler may destroy whatever owns the holder.
  struct base {
    virtual void post(boost::system::error_code ec, Args&&... args) = 0;
    virtual void complete_on(const boost::asio::any_io_executor& running, boost::system::error_code ec,
                             Args&&... args) = 0;
    // Moves an object stored in place into `storage`; a heap object stays where it is.
    virtual base* move_to(void* storage) noexcept = 0;
    virtual void discard() noexcept = 0;  // without calling the handler
    virtual ~base() = default;
  };

  template <typename Handler, typename IoExecutor>
  struct impl final : base {
    using executor_type = boost::asio::associated_executor_t<Handler, IoExecutor>;
    using work_type = boost::asio::executor_work_guard<executor_type>;

    template <typename H>
    impl(H&& h, const IoExecutor& io_ex)
        : handler_(std::forward<H>(h)), work_(boost::asio::get_associated_executor(handler_, io_ex)) {}
    impl(impl&& other) noexcept(std::is_nothrow_move_constructible_v<Handler>)
        : handler_(std::move(other.handler_)), work_(std::move(other.work_)) {}

    void post(boost::system::error_code ec, Args&&... args) override {
      Handler handler(std::move(handler_));
      work_type work(std::move(work_));
      discard();
      executor_type ex = work.get_executor();
      boost::asio::post(ex, [h = std::move(handler), ec, ... a = std::move(args)]() mutable {
        std::move(h)(ec, std::move(a)...);
      });
      // `work` ends here: the posted function now keeps the executor busy.
    }

    void complete_on(const boost::asio::any_io_executor& running, boost::system::error_code ec,
                     Args&&... args) override {
      if constexpr (std::is_same_v<executor_type, boost::asio::any_io_executor>) {
        if (work_.get_executor() == running) {
          Handler handler(std::move(handler_));
          // Released after the call: the executor stays busy until the handler has run, as
          // it would with a posted handler.
          work_type work(std::move(work_));
          discard();
          std::move(handler)(ec, std::move(args)...);
          return;
        }
      }
      post(ec, std::move(args)...);
    }

    base* move_to(void* storage) noexcept override {
      if constexpr (fits_inline<impl>()) {
        base* moved = ::new (storage) impl(std::move(*this));
        this->~impl();
        return moved;
      } else {
        return this;
      }
    }

    void discard() noexcept override {
      if constexpr (fits_inline<impl>()) {
        this->~impl();
      } else {
        delete this;
      }
    }

    Handler handler_;
    work_type work_;
  };

  void take(completion& other) noexcept {
    base* p = std::exchange(other.impl_, nullptr);
    impl_ = p != nullptr ? p->move_to(storage_.data()) : nullptr;
  }

  void reset() noexcept {
    if (base* p = std::exchange(impl_, nullptr)) p->discard();
  }

  base* impl_ = nullptr;
  alignas(std::max_align_t) std::array<unsigned char, inline_size> storage_;
};

}  // namespace dnskit::resolver::detail
