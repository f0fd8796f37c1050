#pragma once
// A minimal intrusive doubly-linked list: an operation sits in two lists at once (the
// resolver's pending operations and its cancel_token's), and leaves either in O(1) without
// allocating. Single-threaded, like everything on the resolver's executor.
#include <cstddef>

namespace dnskit::resolver::detail {

class op_base;

struct list_hook {
  explicit list_hook(op_base* o) noexcept : self(o) {}
  op_base* self;
  list_hook* prev = nullptr;
  list_hook* next = nullptr;
  bool linked() const noexcept { return prev != nullptr; }
};

class hook_list {
 public:
  hook_list() noexcept : head_(nullptr) { head_.prev = head_.next = &head_; }
  hook_list(const hook_list&) = delete;
  hook_list& operator=(const hook_list&) = delete;

  bool empty() const noexcept { return head_.next == &head_; }
  std::size_t size() const noexcept { return size_; }
  list_hook* front() noexcept { return empty() ? nullptr : head_.next; }

  void push_back(list_hook& h) noexcept {
    h.prev = head_.prev;
    h.next = &head_;
    head_.prev->next = &h;
    head_.prev = &h;
    ++size_;
  }
  void erase(list_hook& h) noexcept {
    if (!h.linked()) return;
    h.prev->next = h.next;
    h.next->prev = h.prev;
    h.prev = h.next = nullptr;
    --size_;
  }

 private:
  list_hook head_;
  std::size_t size_ = 0;
};

}  // namespace dnskit::resolver::detail
