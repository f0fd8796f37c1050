// dns::question_list's moves, kept out of line on purpose.
//
// They never throw. One question (the usual case) is moved into the destination's inline room,
// where it always fits, so emplace_back never allocates; more than one are on the heap, and its
// block is handed over. question's own move is that of dns::name's storage (noexcept) and two
// enums. (Moving the one question by hand is also much shorter than small_vector's general move,
// which goes through assign().)
//
// clang-tidy 14's bugprone-exception-escape follows noexcept callees' bodies, and small_vector's
// growth paths may allocate in general. Defined here, these bodies are seen by this file alone:
// the check then takes every noexcept move that reaches them (message's, and those of the
// sessions, results and completions holding a message) at their declared word.
#include "dnskit/dns/message.hpp"

#include <utility>

namespace dnskit::dns {

// NOLINTBEGIN(bugprone-exception-escape): they never throw, see above.
question_list::question_list(question_list&& other) noexcept {
  if (other.size() > 1) {
    small_vector::operator=(std::move(other));
    return;
  }
  if (!other.empty()) emplace_back(std::move(other.front()));
  other.clear();
}

question_list& question_list::operator=(question_list&& other) noexcept {
  if (this == &other) return *this;
  if (other.size() > 1) {
    small_vector::operator=(std::move(other));
    return *this;
  }
  clear();
  if (!other.empty()) emplace_back(std::move(other.front()));  // at least the inline room is there
  other.clear();
  return *this;
}
// NOLINTEND(bugprone-exception-escape)

}  // namespace dnskit::dns
