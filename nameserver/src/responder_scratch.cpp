#include "responder_scratch.hpp"

namespace dnskit::nameserver {

scratch::scratch() : state_(std::make_unique<state>()) {
  // Room for the usual answer sizes up front, so the first queries do not allocate either.
  state_->result.answer.reserve(64);
  state_->result.authority.reserve(16);
  state_->result.additional.reserve(64);
}
scratch::~scratch() = default;
scratch::scratch(scratch&&) noexcept = default;
scratch& scratch::operator=(scratch&&) noexcept = default;

}  // namespace dnskit::nameserver
