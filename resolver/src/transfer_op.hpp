#pragma once
// async_transfer's operation: one TCP connection of its own (c-ares carries one message per
// question), the query framed with its 2-byte length (RFC 1035 §4.2.2), then messages read
// one at a time into one reused buffer, decoded by dns/ and handed to the sink, until the
// transfer's end (transfer_end.hpp). Lives in the core's pending list like every operation,
// so deadlines, cancel tokens, cancel() and shutdown reach it.
#include <cstdint>
#include <optional>
#include <vector>

#include "dnskit/resolver/detail/completion.hpp"
#include "dnskit/resolver/transfer.hpp"
#include "op_base.hpp"
#include "transfer_end.hpp"

namespace dnskit::resolver::detail {

class transfer_op final : public op_base {
 public:
  transfer_op(core& owner, const dns::name& zone, const transfer_options& opts, transfer_sink sink,
              completion<transfer_result>&& handler);

  void start() override;
  void abort(error_code ec) override;
  error_code deadline_error() const noexcept override { return errc::transfer_time_limit; }

 private:
  void arm_step_timer();
  void send_query();
  void read_length();
  void read_message(std::size_t size);
  void accept_message();
  void complete(error_code ec);  // from the operation's own handlers
  bool finish(error_code ec);    // false when done already

  dns::name zone_;
  transfer_options opts_;
  transfer_sink sink_;
  completion<transfer_result> handler_;
  transfer_result result_;
  boost::asio::ip::tcp::socket socket_;
  boost::asio::steady_timer step_timer_;  // message_timeout, re-armed for each step
  std::size_t step_ = 0;  // which arming of step_timer_ is current
  std::uint16_t id_ = 0;
  std::vector<std::uint8_t> buffer_;  // the query, then one message at a time (64 KiB at most)
  transfer_end end_;
  // With TSIG: the checker of the responses, made once the query is signed.
  std::optional<dns::tsig::response_verifier> verifier_;
};

}  // namespace dnskit::resolver::detail
