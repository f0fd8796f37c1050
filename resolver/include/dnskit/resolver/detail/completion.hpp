#pragma once
// A small move-only holder for a completion handler with the signature
// void(error_code, Args...), so the resolver's core is not a template. It keeps the handler's
// associated executor busy (a work guard) from initiation to completion, and post() hands the
// handler to that executor: a handler never runs inside the function that started the
// operation, nor inside c-ares's processing.
#include <memory>
#include <type_traits>
#include <utility>

#include "dnskit/resolver/detail/asio.hpp"

namespace dnskit::resolver::detail {

template <typename... Args>
class completion {
 public:
  completion() = default;

  template <typename Handler, typename IoExecutor>
  completion(Handler&& handler, const IoExecutor& io_ex)
      : impl_(std::make_unique<impl<std::decay_t<Handler>, IoExecutor>>(std::forward<Handler>(handler),
                                                                        io_ex)) {}

  explicit operator bool() const noexcept { return impl_ != nullptr; }

  // Posts the handler with these arguments to its associated executor; empties the holder.
  void post(boost::system::error_code ec, Args... args) {
    std::unique_ptr<base> p = std::move(impl_);
    p->post(ec, std::move(args)...);
  }

  // For a caller that is itself running on `running` (a handler of that executor), outside any
  // function that started an operation: when the handler's associated executor is `running`,
  // calls it here, as boost::asio::dispatch would, without a trip through the executor's
  // queue; otherwise posts it. Empties the holder.
  void complete_on(const boost::asio::any_io_executor& running, boost::system::error_code ec, Args... args) {
    std::unique_ptr<base> p = std::move(impl_);
    p->complete_on(running, ec, std::move(args)...);
  }

 private:
  struct base {
    virtual ~base() = default;
    virtual void post(boost::system::error_code ec, Args&&... args) = 0;
    virtual void complete_on(const boost::asio::any_io_executor& running, boost::system::error_code ec,
                             Args&&... args) = 0;
  };

  template <typename Handler, typename IoExecutor>
  struct impl final : base {
    using executor_type = boost::asio::associated_executor_t<Handler, IoExecutor>;

    impl(Handler&& h, const IoExecutor& io_ex)
        : handler_(std::move(h)), work_(boost::asio::get_associated_executor(handler_, io_ex)) {}
    impl(const Handler& h, const IoExecutor& io_ex)
        : handler_(h), work_(boost::asio::get_associated_executor(handler_, io_ex)) {}

    void post(boost::system::error_code ec, Args&&... args) override {
      executor_type ex = work_.get_executor();
      boost::asio::post(ex, [h = std::move(handler_), ec, ... a = std::move(args)]() mutable {
        std::move(h)(ec, std::move(a)...);
      });
      work_.reset();  // the posted function now keeps the executor busy
    }

    void complete_on(const boost::asio::any_io_executor& running, boost::system::error_code ec,
                     Args&&... args) override {
      if constexpr (std::is_same_v<executor_type, boost::asio::any_io_executor>) {
        if (work_.get_executor() == running) {
          // The guard is released after the call: the executor stays busy until the handler
          // has run, as it would with a posted handler.
          Handler h(std::move(handler_));
          std::move(h)(ec, std::move(args)...);
          work_.reset();
          return;
        }
      }
      post(ec, std::move(args)...);
    }

    Handler handler_;
    boost::asio::executor_work_guard<executor_type> work_;
  };

  std::unique_ptr<base> impl_;
};

}  // namespace dnskit::resolver::detail
