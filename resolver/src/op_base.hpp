#pragma once
// The state every pending operation shares: reference count, pending/cancel-token list links,
// optional deadline timer and the "done" flag that makes completion happen exactly once.
//
// Lifetime: an operation is freed when its last holder lets go. Holders are the c-ares request
// in progress (its void* argument), the wait queue (options::max_in_flight), the deadline
// timer's handler and the function that creates it. Completion (done) and freeing are
// separate: a deadline or cancel completes the handler at once while c-ares still owns the
// request; its late callback finds the operation done and only drops its reference.
#include <chrono>
#include <memory>
#include <optional>

#include "cancel_state.hpp"
#include "dnskit/resolver/detail/asio.hpp"
#include "dnskit/resolver/error.hpp"
#include "dnskit/resolver/options.hpp"
#include "op_list.hpp"

namespace dnskit::resolver::detail {

class core;

class op_base {
 public:
  explicit op_base(core& owner) noexcept : owner_(&owner) {}
  op_base(const op_base&) = delete;
  op_base& operator=(const op_base&) = delete;
  virtual ~op_base() = default;

  // Issues the c-ares request. Called once, when the in-flight bound allows it.
  virtual void start() = 0;
  // Completes with `ec` and an empty result unless already done (cancel, deadline, shutdown).
  virtual void abort(error_code ec) = 0;
  // Hands a result kept by core::defer to the handler: at once when `now` and the handler's
  // executor is the resolver's, else posted.
  virtual void deliver(bool /*now*/) {}
  // What the deadline given to arm() completes the operation with.
  virtual error_code deadline_error() const noexcept { return errc::timeout; }

  bool done() const noexcept { return done_; }
  core& owner() const noexcept { return *owner_; }

  // Whether a c-ares request of this operation is outstanding (set by core::request_started,
  // cleared by core::request_finished). A done operation with one is an orphan: nobody waits
  // for that request any more (core::abandon_orphans).
  bool in_cares() const noexcept { return in_cares_; }
  void set_in_cares(bool v) noexcept { in_cares_ = v; }

  // Non-atomic: every holder lives on the resolver's executor.
  void add_ref() noexcept { ++refs_; }
  void release() noexcept {
    if (--refs_ == 0) delete this;
  }

  // Links into the token's list (or completes at once if it is cancelled already) and starts
  // the deadline timer. Called by core::launch.
  void arm(std::chrono::milliseconds deadline, const std::optional<cancel_token>& token);

  list_hook live_hook{this};   // core's pending operations
  list_hook token_hook{this};  // cancel_state::ops

 protected:
  // Marks the operation done and detaches it from lists and timer. False when it already was.
  bool mark_done() noexcept;  // NOLINT(bugprone-exception-escape): see the definition

 private:
  core* owner_;
  int refs_ = 0;
  bool done_ = false;
  bool in_cares_ = false;
  std::shared_ptr<cancel_state> token_;
  std::optional<boost::asio::steady_timer> deadline_;
};

// An owning reference to an operation.
class op_ref {
 public:
  op_ref() noexcept = default;
  explicit op_ref(op_base* p) noexcept : p_(p) {
    if (p_) p_->add_ref();
  }
  // Takes over a reference counted before (the one c-ares held through its void* argument).
  static op_ref adopt(op_base* p) noexcept {
    op_ref r;
    r.p_ = p;
    return r;
  }
  op_ref(const op_ref& o) noexcept : op_ref(o.p_) {}
  op_ref(op_ref&& o) noexcept : p_(o.p_) { o.p_ = nullptr; }
  op_ref& operator=(op_ref o) noexcept {
    std::swap(p_, o.p_);
    return *this;
  }
  ~op_ref() {
    if (p_) p_->release();
  }
  // Gives the reference away as a raw pointer (to c-ares); adopt() takes it back.
  op_base* detach() noexcept {
    op_base* p = p_;
    p_ = nullptr;
    return p;
  }
  op_base* get() const noexcept { return p_; }
  op_base* operator->() const noexcept { return p_; }

 private:
  op_base* p_ = nullptr;
};

}  // namespace dnskit::resolver::detail
