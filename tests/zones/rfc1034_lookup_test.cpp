// RFC 1034 §6.2: the example queries against the root server's zone of §6.1, with the answers
// §6.2 states (negative answers carry the SOA as RFC 2308 later required).
#include <catch2/catch.hpp>

#include "zone_test_util.hpp"

using namespace zone_test;

namespace {

// RFC 1034 §6.1 "C.ISI.EDU name server" zone data for the root (TTLs as shown in §6.2).
constexpr std::string_view rfc1034_root = R"(
$TTL 86400
.       IN      SOA     SRI-NIC.ARPA. HOSTMASTER.SRI-NIC.ARPA. (
                        870611          ;serial
                        1800            ;refresh every 30 min
                        300             ;retry every 5 min
                        604800          ;expire after a week
                        86400)          ;minimum of a day
                NS      A.ISI.EDU.
                NS      C.ISI.EDU.
                NS      SRI-NIC.ARPA.

MIL.            86400   NS      SRI-NIC.ARPA.
                86400   NS      A.ISI.EDU.

EDU.            86400   NS      SRI-NIC.ARPA.
                86400   NS      C.ISI.EDU.

SRI-NIC.ARPA.   A       26.0.0.73
                A       10.0.0.51
                MX      0 SRI-NIC.ARPA.
                HINFO   DEC-2060 TOPS20

ACC.ARPA.       A       26.6.0.65
                HINFO   PDP-11/70 UNIX
                MX      10 ACC.ARPA.

USC-ISIC.ARPA.  CNAME   C.ISI.EDU.

73.0.0.26.IN-ADDR.ARPA.  PTR    SRI-NIC.ARPA.
65.0.6.26.IN-ADDR.ARPA.  PTR    ACC.ARPA.
51.0.0.10.IN-ADDR.ARPA.  PTR    SRI-NIC.ARPA.
52.0.0.10.IN-ADDR.ARPA.  PTR    C.ISI.EDU.

103.0.3.26.IN-ADDR.ARPA. PTR    A.ISI.EDU.

A.ISI.EDU. 86400 A       26.3.0.103
C.ISI.EDU. 86400 A       10.0.0.52
)";

const std::string root_soa =
    ". 86400 IN SOA SRI-NIC.ARPA. HOSTMASTER.SRI-NIC.ARPA. 870611 1800 300 604800 86400";

}  // namespace

TEST_CASE("RFC 1034 6.2.1: QNAME=SRI-NIC.ARPA, QTYPE=A", "[rfc][unit]") {
  const auto z = load(rfc1034_root, ".");
  const auto a = ask(*z, "SRI-NIC.ARPA.", rr_type::a, minimal());
  CHECK(a.code == rcode::noerror);
  CHECK(a.aa);
  CHECK(a.answer == strings{"SRI-NIC.ARPA. 86400 IN A 26.0.0.73", "SRI-NIC.ARPA. 86400 IN A 10.0.0.51"});
  CHECK(a.authority.empty());
  CHECK(a.additional.empty());
}

TEST_CASE("RFC 1034 6.2.2: QNAME=SRI-NIC.ARPA, QTYPE=*", "[rfc][unit]") {
  const auto z = load(rfc1034_root, ".");
  const auto a = ask(*z, "SRI-NIC.ARPA.", rr_type::any, minimal());
  CHECK(a.code == rcode::noerror);
  CHECK(a.aa);
  // Every RRset at the node (ordered by type here: A, HINFO, MX).
  CHECK(a.answer == strings{"SRI-NIC.ARPA. 86400 IN A 26.0.0.73", "SRI-NIC.ARPA. 86400 IN A 10.0.0.51",
                            "SRI-NIC.ARPA. 86400 IN HINFO \"DEC-2060\" \"TOPS20\"",
                            "SRI-NIC.ARPA. 86400 IN MX 0 SRI-NIC.ARPA."});
}

TEST_CASE("RFC 1034 6.2.3: QNAME=SRI-NIC.ARPA, QTYPE=MX (addresses in additional)", "[rfc][unit]") {
  const auto z = load(rfc1034_root, ".");
  const auto a = ask(*z, "SRI-NIC.ARPA.", rr_type::mx, minimal());
  CHECK(a.answer == strings{"SRI-NIC.ARPA. 86400 IN MX 0 SRI-NIC.ARPA."});
  CHECK(a.additional == strings{"SRI-NIC.ARPA. 86400 IN A 26.0.0.73", "SRI-NIC.ARPA. 86400 IN A 10.0.0.51"});
}

TEST_CASE("RFC 1034 6.2.4: QNAME=SRI-NIC.ARPA, QTYPE=NS is NODATA", "[rfc][unit]") {
  const auto z = load(rfc1034_root, ".");
  const auto a = ask(*z, "SRI-NIC.ARPA.", rr_type::ns, minimal());
  CHECK(a.code == rcode::noerror);
  CHECK(a.aa);
  CHECK(a.answer.empty());
  CHECK(a.authority == strings{root_soa});  // RFC 2308 §2.2
}

TEST_CASE("RFC 1034 6.2.5: QNAME=SIR-NIC.ARPA is NXDOMAIN with the SOA", "[rfc][unit]") {
  const auto z = load(rfc1034_root, ".");
  const auto a = ask(*z, "SIR-NIC.ARPA.", rr_type::a, minimal());
  CHECK(a.code == rcode::nxdomain);
  CHECK(a.aa);
  CHECK(a.answer.empty());
  CHECK(a.authority == strings{root_soa});
}

TEST_CASE("RFC 1034 6.2.6: QNAME=BRL.MIL is a referral to MIL with glue", "[rfc][unit]") {
  const auto z = load(rfc1034_root, ".");
  const auto a = ask(*z, "BRL.MIL.", rr_type::a, minimal());
  CHECK(a.code == rcode::noerror);
  CHECK_FALSE(a.aa);
  CHECK(a.kind == zones::answer_kind::referral);
  CHECK(a.answer.empty());
  CHECK(a.authority == strings{"MIL. 86400 IN NS SRI-NIC.ARPA.", "MIL. 86400 IN NS A.ISI.EDU."});
  // A.ISI.EDU is itself below the EDU cut: it is glue, given for an NS target.
  CHECK(a.additional == strings{"SRI-NIC.ARPA. 86400 IN A 26.0.0.73", "SRI-NIC.ARPA. 86400 IN A 10.0.0.51",
                                "A.ISI.EDU. 86400 IN A 26.3.0.103"});
}

TEST_CASE("RFC 1034 6.2.7: QNAME=USC-ISIC.ARPA, QTYPE=A follows the CNAME", "[rfc][unit]") {
  const auto z = load(rfc1034_root, ".");
  const auto a = ask(*z, "USC-ISIC.ARPA.", rr_type::a, minimal());
  // §6.2.7 shows C.ISI.EDU's A in the answer; that address is glue below the EDU cut, which
  // step 3b of §4.3.2 turns into a referral (as BIND and NSD do): the CNAME stays authoritative.
  CHECK(a.code == rcode::noerror);
  CHECK(a.aa);
  CHECK(a.kind == zones::answer_kind::referral);
  CHECK(a.answer == strings{"USC-ISIC.ARPA. 86400 IN CNAME C.ISI.EDU."});
  CHECK(a.authority == strings{"EDU. 86400 IN NS SRI-NIC.ARPA.", "EDU. 86400 IN NS C.ISI.EDU."});
  CHECK(a.additional == strings{"SRI-NIC.ARPA. 86400 IN A 26.0.0.73", "SRI-NIC.ARPA. 86400 IN A 10.0.0.51",
                                "C.ISI.EDU. 86400 IN A 10.0.0.52"});
}

TEST_CASE("RFC 1034 6.2.8: QNAME=USC-ISIC.ARPA, QTYPE=CNAME", "[rfc][unit]") {
  const auto z = load(rfc1034_root, ".");
  const auto a = ask(*z, "USC-ISIC.ARPA.", rr_type::cname, minimal());
  CHECK(a.code == rcode::noerror);
  CHECK(a.aa);
  CHECK(a.answer == strings{"USC-ISIC.ARPA. 86400 IN CNAME C.ISI.EDU."});
  CHECK(a.additional.empty());
}

TEST_CASE("RFC 1034 6.2: names are matched without regard to case", "[rfc][unit]") {
  const auto z = load(rfc1034_root, ".");
  const auto a = ask(*z, "sri-nic.arpa.", rr_type::a, minimal());
  CHECK(a.answer.size() == 2);
  const auto ptr = ask(*z, "73.0.0.26.in-addr.arpa.", rr_type::ptr, minimal());
  CHECK(ptr.answer == strings{"73.0.0.26.IN-ADDR.ARPA. 86400 IN PTR SRI-NIC.ARPA."});
}
