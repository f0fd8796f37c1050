// The per-query path allocates nothing once the scratch is warm (DESIGN.md §4). Counted with a
// replacement operator new that only counts on the thread and while a test asks it to.
#include <cstdlib>
#include <new>

#include "responder_test_util.hpp"

namespace {
thread_local bool counting = false;
thread_local std::size_t allocations = 0;
}  // namespace

// GCC pairs the malloc/free inside these replacements with the new/delete they replace and
// warns; they are a matching pair.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif
// Every plain form is replaced, so no pointer from the runtime's own operator new (a sanitizer's,
// for instance) ever reaches these deletes.
void* operator new(std::size_t n) {
  if (counting) ++allocations;
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n) { return ::operator new(n); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  if (counting) ++allocations;
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

using namespace dnskit;
using namespace dnskit::nameserver;
using namespace dnskit::nameserver::test;

TEST_CASE("respond() allocates nothing once warm", "[unit]") {
  const auto set = example_set();
  responder_options o;
  o.version = "v";
  const responder r(o);
  scratch work;
  std::vector<std::uint8_t> out(65535);
  auto bad = query_bytes("www.example.test.", dns::rr_type::a);
  bad[5] = 2;
  const std::vector<std::vector<std::uint8_t>> queries = {
      query_bytes("www.example.test.", dns::rr_type::a),
      query_bytes("A-Rather-Long-Label-To-Defeat-Small-Strings.www.example.test.", dns::rr_type::a, edns0()),
      query_bytes("nope.example.test.", dns::rr_type::aaaa, edns0(4096, true)),
      query_bytes("alias.example.test.", dns::rr_type::a),
      query_bytes("x.wild.example.test.", dns::rr_type::txt),
      query_bytes("host.sub.example.test.", dns::rr_type::a),
      query_bytes("example.test.", dns::rr_type::any),
      query_bytes("example.test.", dns::rr_type::mx, edns0()),
      query_bytes("many.example.test.", dns::rr_type::a),
      query_bytes("huge.example.test.", dns::rr_type::txt, edns0()),
      query_bytes("example.org.", dns::rr_type::a),
      query_bytes("version.bind.", dns::rr_type::txt, std::nullopt, dns::rr_class::ch),
      query_bytes("example.test.", dns::rr_type::axfr),
      bad,
  };
  for (const auto via : {transport::udp, transport::tcp}) {
    const auto client = request_info::v4(via, {127, 0, 0, 1});
    for (const auto& q : queries) r.respond(q, client, *set, work, out);  // warm up
    allocations = 0;
    counting = true;
    std::size_t bytes = 0;
    for (int round = 0; round < 3; ++round) {
      for (const auto& q : queries) bytes += r.respond(q, client, *set, work, out).size;
    }
    counting = false;
    CHECK(bytes > 0);
    CHECK(allocations == 0);
  }
}
