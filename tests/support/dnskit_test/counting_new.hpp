#pragma once
// Replaces every plain form of the global operator new/delete with malloc/free and counts the
// allocations a thread makes while it asks for counting: how a test or benchmark proves a path
// allocates nothing. Include it in exactly ONE source file of a program (the replacements are
// definitions, not inline functions).
#include <cstddef>
#include <cstdlib>
#include <new>

namespace dnskit::test {

inline thread_local bool counting_allocations = false;
inline thread_local std::size_t allocation_count = 0;

// Counts this thread's allocations for as long as it lives.
class allocation_counter {
 public:
  allocation_counter() noexcept : start_(allocation_count) { counting_allocations = true; }
  ~allocation_counter() { counting_allocations = false; }
  allocation_counter(const allocation_counter&) = delete;
  allocation_counter& operator=(const allocation_counter&) = delete;
  std::size_t count() const noexcept { return allocation_count - start_; }

 private:
  std::size_t start_;
};

}  // namespace dnskit::test

// GCC pairs the malloc/free inside these replacements with the new/delete they replace and
// warns; they are a matching pair.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif
// Every plain form is replaced, so no pointer from the runtime's own operator new (a sanitizer's,
// for instance) ever reaches these deletes.
void* operator new(std::size_t n) {
  if (dnskit::test::counting_allocations) ++dnskit::test::allocation_count;
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n) { return ::operator new(n); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  if (dnskit::test::counting_allocations) ++dnskit::test::allocation_count;
  return std::malloc(n == 0 ? 1 : n);
}
void* operator new[](std::size_t n, const std::nothrow_t& t) noexcept { return ::operator new(n, t); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
