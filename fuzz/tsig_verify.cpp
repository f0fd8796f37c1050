// Fuzz target for the TSIG verifier (RFC 8945): any bytes go through locate, verify_request and
// a client's response_verifier without a crash. Property: whenever a request verifies (or is
// BADTIME), the response we sign for it verifies with the request's MAC, as a client checks
// it; and a request that verifies has its TSIG where locate says, with a key we hold.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string>

#include "dnskit/dns/tsig.hpp"

namespace {

namespace tsig = dnskit::dns::tsig;

// The corpus is signed at this time, with these keys.
constexpr std::uint64_t now = 1'800'000'000;

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "tsig_verify: property broken: %s\n", what);
  std::abort();
}

const tsig::keyring& keys() {
  static const tsig::keyring ring = [] {
    tsig::keyring r;
    std::string error;
    for (const char* text : {"hmac-sha256:xfr-key:c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0IQ==",
                             "hmac-sha1:sha1-key.example.:c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0IQ==",
                             "hmac-sha512:sha512-key:c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0IQ=="}) {
      if (auto k = tsig::parse_key(text, error)) r.add(*k);
    }
    return r;
  }();
  return ring;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> input(data, size);
  tsig::record_view view;
  const auto located = tsig::locate(input, view);

  for (const bool lenient : {false, true}) {
    tsig::verify_options options;
    options.accept_truncated = lenient;
    tsig::request_state st;
    const auto outcome = tsig::verify_request(input, keys(), now, st, options);
    if ((outcome == tsig::status::unsigned_message) != (located == tsig::locate_status::absent)) {
      fail("verify_request and locate disagree about a TSIG being there");
    }
    if (outcome != tsig::status::verified && outcome != tsig::status::badtime) continue;
    if (located != tsig::locate_status::present || st.signing_key == nullptr ||
        keys().find(view.key_name) != st.signing_key) {
      fail("a verified request without its TSIG or key");
    }
    // Sign a response (the request's own header and question bytes stand in for one) and check
    // it as a client would.
    if (view.offset < 12) fail("TSIG inside the header");
    std::array<std::uint8_t, 65535> buffer{};
    std::size_t response_size = view.offset;
    std::copy_n(input.begin(), response_size, buffer.begin());
    const auto arcount = static_cast<std::uint16_t>((buffer[10] << 8 | buffer[11]) - 1);
    buffer[10] = static_cast<std::uint8_t>(arcount >> 8);
    buffer[11] = static_cast<std::uint8_t>(arcount);
    tsig::response_signer signer(st);
    if (signer.sign(buffer, response_size, now)) fail("signing a response failed");
    tsig::response_verifier client(*st.signing_key, st.request_mac);
    const auto checked = client.verify(std::span<const std::uint8_t>(buffer.data(), response_size), now);
    if (checked != outcome) fail("our signed response does not verify with the request's MAC");
  }

  // The same bytes as a response to a request of ours.
  if (const tsig::key* k = keys().find(dnskit::dns::name::from_text("xfr-key."))) {
    tsig::mac_bytes request_mac;
    request_mac.size = 32;
    tsig::response_verifier client(*k, request_mac);
    (void)client.verify(input, now);
    (void)client.verify(input, now);
  }
  return 0;
}
