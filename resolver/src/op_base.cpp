#include "op_base.hpp"

#include <algorithm>
#include <memory>
#include <vector>

#include "core.hpp"

namespace dnskit::resolver::detail {

void cancel_state::cancel() {
  cancelled = true;
  // Each abort unlinks the operation from this list.
  // The resolvers concerned drop the c-ares requests nobody waits for any more once all are
  // aborted (one token may span several resolvers).
  std::vector<std::shared_ptr<core>> owners;
  while (list_hook* h = ops.front()) {
    op_ref keep(h->self);
    std::shared_ptr<core> owner = h->self->owner().shared_from_this();  // pending on it: alive
    if (std::find(owners.begin(), owners.end(), owner) == owners.end()) owners.push_back(std::move(owner));
    h->self->abort(boost::asio::error::operation_aborted);
  }
  for (const auto& owner : owners) owner->abandon_orphans();
}

void op_base::arm(std::chrono::milliseconds deadline, const std::optional<cancel_token>& token) {
  if (token) {
    if (token->cancelled()) {
      abort(boost::asio::error::operation_aborted);
      return;
    }
    token_ = token->state();
    token_->ops.push_back(token_hook);
  }
  if (deadline.count() > 0) {
    deadline_.emplace(owner_->executor(), deadline);
    // The handler holds a reference: the operation outlives a timer that fired just before
    // c-ares completed it.
    deadline_->async_wait([self = op_ref(this)](const boost::system::error_code& ec) {
      if (ec || self->done()) return;
      self->abort(self->deadline_error());
      self->owner().abandon_orphans();
    });
  }
}

// steady_timer::cancel() is declared throwing; Asio's timer queue never reports an error from
// it, so nothing escapes.
bool op_base::mark_done() noexcept {  // NOLINT(bugprone-exception-escape)
  if (done_) return false;
  done_ = true;
  owner_->unlink(*this);
  if (in_cares_) owner_->request_orphaned();
  if (token_) {
    token_->ops.erase(token_hook);
    token_.reset();
  }
  if (deadline_) deadline_->cancel();
  return true;
}

}  // namespace dnskit::resolver::detail
