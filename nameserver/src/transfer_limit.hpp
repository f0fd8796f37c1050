#pragma once
// At most N zone transfers streaming at once, over all workers (--axfr-max-concurrent). A
// transfer holds its slot from its first message until its last is written or its connection
// closes; a transfer asked for while every slot is taken is not started (tcp_connection answers
// it SERVFAIL). A whole-zone transfer costs far more than a query (it walks the zone and keeps a
// snapshot alive while a slow client reads), so without a bound a few clients could keep every
// worker busy streaming zones.
#include <atomic>
#include <utility>

namespace dnskit::nameserver {

class transfer_limit {
 public:
  explicit transfer_limit(unsigned max) noexcept : max_(max) {}
  transfer_limit(const transfer_limit&) = delete;
  transfer_limit& operator=(const transfer_limit&) = delete;

  // One running transfer; gives its place back when destroyed or released.
  class slot {
   public:
    slot() = default;
    slot(slot&& other) noexcept : owner_(std::exchange(other.owner_, nullptr)) {}
    slot& operator=(slot&& other) noexcept {
      if (this != &other) {
        release();
        owner_ = std::exchange(other.owner_, nullptr);
      }
      return *this;
    }
    slot(const slot&) = delete;
    slot& operator=(const slot&) = delete;
    ~slot() { release(); }

    explicit operator bool() const noexcept { return owner_ != nullptr; }
    void release() noexcept {
      if (owner_ != nullptr) owner_->running_.fetch_sub(1, std::memory_order_acq_rel);
      owner_ = nullptr;
    }

   private:
    friend class transfer_limit;
    explicit slot(transfer_limit* owner) noexcept : owner_(owner) {}
    transfer_limit* owner_ = nullptr;
  };

  // A slot, or an empty one when `max` transfers are already running. Thread-safe.
  slot try_acquire() noexcept {
    unsigned n = running_.load(std::memory_order_acquire);
    while (n < max_) {
      if (running_.compare_exchange_weak(n, n + 1, std::memory_order_acq_rel)) return slot(this);
    }
    return {};
  }
  unsigned running() const noexcept { return running_.load(std::memory_order_acquire); }
  unsigned max() const noexcept { return max_; }

 private:
  const unsigned max_;
  std::atomic<unsigned> running_{0};
};

}  // namespace dnskit::nameserver
