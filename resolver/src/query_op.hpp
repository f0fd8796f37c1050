#pragma once
// async_query's operation: one question, sent with ares_send (the query bytes are dnskit's own,
// so class, RD, EDNS and the DO/CD bits are per query), possibly several times along the
// search list; the raw answer is decoded by dns::decode.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "dnskit/dns/message.hpp"
#include "dnskit/resolver/detail/completion.hpp"
#include "dnskit/resolver/detail/query_names.hpp"
#include "dnskit/resolver/observer.hpp"
#include "op_base.hpp"
#include "query_wire.hpp"

namespace dnskit::resolver::detail {

class query_op final : public op_base {
 public:
  query_op(core& owner, candidate_names&& candidates, const query_params& params,
           const dns::decode_options& decode, completion<dns::message>&& handler);

  void start() override { send_current(); }
  void abort(error_code ec) override;
  void deliver(bool now) override;
  // query_options::rounds (at least 1).
  void set_rounds(int rounds) noexcept {
    rounds_ = rounds > 1 ? rounds : 1;
    rounds_left_ = rounds_ - 1;
  }

 private:
  static void on_answer(void* arg, int status, int timeouts, unsigned char* abuf, int alen);
  void send_current();
  void answered(int status, int timeouts, std::span<const std::uint8_t> answer);
  // The current candidate's response from the cache, concluded as an answer would be; false
  // when the cache holds none.
  bool answered_from_cache();
  // The current candidate's key in the cache (valid until the cache's next key()).
  std::string_view cache_key() const;
  // What the outcome `ec` (response in result_) means: the next search candidate, or the end.
  void conclude(error_code ec);
  // The observer's event for the current candidate's question, stamped now.
  query_event current_event() const;
  void complete(error_code ec);  // with result_

  candidate_names candidates_;  // names to ask in order (search list applied)
  std::size_t index_ = 0;
  int rounds_ = 1;
  int rounds_left_ = 0;  // further rounds for the current name after one without an answer
  query_params params_;
  dns::decode_options decode_;
  std::optional<dns::message> nodata_;  // a NODATA seen along the search list
  completion<dns::message> handler_;
  // The outcome: the response is decoded into result_, which the handler receives; the code is
  // kept from c-ares's callback to deliver() when the core collects completions.
  error_code result_ec_;
  dns::message result_;
};

// The names async_query asks for `text`: one absolute name without search, else c-ares's
// (and res_search's) order: as-is first when it has at least ndots dots, then each search
// domain, as-is last otherwise. A trailing dot means absolute. Errors: errc::bad_name.
candidate_names search_candidates(std::string_view text, bool search,
                                  const std::vector<std::string>& domains, int ndots,
                                  error_code& ec);

}  // namespace dnskit::resolver::detail
