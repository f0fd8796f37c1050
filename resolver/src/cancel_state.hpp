#pragma once
// What a cancel_token shares: a flag and the operations started with it that are still pending.
#include "op_list.hpp"

namespace dnskit::resolver::detail {

struct cancel_state {
  bool cancelled = false;
  hook_list ops;  // op_base::token_hook of each pending operation

  // Sets the flag and aborts every listed operation (each unlinks itself).
  void cancel();
};

}  // namespace dnskit::resolver::detail
