// Identity over real mTLS: certificates, the OIN header, mandates, roles.
#include "emulator_itest_util.h"

namespace swfvault::testing {
namespace {

class IdentityTest : public SeededEmulatorTest {};

void ExpectRefused(const HttpResponse& r, long status, const std::string& detail_part) {
  EXPECT_EQ(r.status, status) << r.error << r.body;
  EXPECT_EQ(r.Header("content-type"), "application/problem+json");
  EXPECT_NE(r.Json().value("detail", "").find(detail_part), std::string::npos) << r.body;
}

TEST_F(IdentityTest, ValidCertificateListsSamenwerkingen) {
  HttpsClient a("gemeente-a");
  HttpResponse r = a.Get(Url("/samenwerkingen"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_GE(r.Json()["page"]["totalElements"].get<int>(), 2);
}

TEST_F(IdentityTest, NoClientCertificateIs401) {
  HttpsClient none("");
  ExpectRefused(none.Get(Url("/samenwerkingen")), 401, "no client certificate");
}

TEST_F(IdentityTest, ExpiredCertificateIs401) {
  HttpsClient c("expired");
  ExpectRefused(c.Get(Url("/samenwerkingen")), 401, "expired");
}

TEST_F(IdentityTest, CertificateFromOtherCaIs401) {
  HttpsClient c("other-ca");
  ExpectRefused(c.Get(Url("/samenwerkingen")), 401, "trusted CA");
}

TEST_F(IdentityTest, CertificateWithoutClientUsageIs401) {
  HttpsClient c("wrong-usage");
  ExpectRefused(c.Get(Url("/samenwerkingen")), 401, "key usage");
}

// The OIN travels on every call (contract section 1): without it the call is 401, also when
// the certificate names the organisation itself.
TEST_F(IdentityTest, MissingOinHeaderIs401) {
  HttpsClient a("gemeente-a");
  a.set_oin("");
  ExpectRefused(a.Get(Url("/samenwerkingen")), 401, "X-OIN header missing");
  a.set_oin(kGemeenteA);
  EXPECT_EQ(a.Get(Url("/samenwerkingen")).status, 200);
}

TEST_F(IdentityTest, MalformedOinHeaderIs401) {
  HttpsClient a("gemeente-a");
  a.set_oin("12345");
  ExpectRefused(a.Get(Url("/samenwerkingen")), 401, "20-digit");
}

TEST_F(IdentityTest, OinHeaderEqualToCertificateIsAccepted) {
  HttpsClient a("gemeente-a");
  a.set_oin(kGemeenteA);
  EXPECT_EQ(a.Get(Url("/samenwerkingen")).status, 200);
}

TEST_F(IdentityTest, OinHeaderForAnotherOrganisationWithoutMandateIs403) {
  HttpsClient a("gemeente-a");
  a.set_oin(kGemeenteB);
  ExpectRefused(a.Get(Url("/samenwerkingen")), 403, "no mandate");
}

TEST_F(IdentityTest, LeverancierActsForMandatedGemeente) {
  HttpsClient lev("leverancier");
  lev.set_oin(kGemeenteA);
  HttpResponse r = lev.Get(Url("/samenwerkingen"));
  ASSERT_EQ(r.status, 200);
  HttpsClient a("gemeente-a");
  EXPECT_EQ(r.Json()["page"]["totalElements"], a.Get(Url("/samenwerkingen")).Json()["page"]["totalElements"]);
}

TEST_F(IdentityTest, LeverancierWithoutMandateForOmgevingsdienstIs403) {
  HttpsClient lev("leverancier");
  lev.set_oin(kOmgevingsdienst);
  ExpectRefused(lev.Get(Url("/samenwerkingen")), 403, "no mandate");
}

TEST_F(IdentityTest, PathsWithoutPrefixAreServedToo) {
  HttpsClient a("gemeente-a");
  EXPECT_EQ(a.Get(emulator_->root_url() + "/samenwerkingen").status, 200);
}

TEST_F(IdentityTest, KetenpartnerMayNotStartSamenwerking) {
  HttpsClient c("adviesbureau");
  HttpResponse r = c.Post(Url("/samenwerkingen"), {{"verzoeknummer", "12026001"}});
  EXPECT_EQ(r.status, 403) << r.body;
}

TEST_F(IdentityTest, BehandeldienstMayStartSamenwerking) {
  HttpsClient c("omgevingsdienst");
  HttpResponse r = c.Post(Url("/samenwerkingen"), {{"verzoeknummer", "12026002"}});
  EXPECT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.Json()["samenwerkingId"].get<std::string>().rfind("SAM-", 0), 0u);
}

TEST_F(IdentityTest, AdminApiIsNotServedOnTheSwfPort) {
  HttpsClient a("gemeente-a");
  EXPECT_EQ(a.Get(emulator_->root_url() + "/_emulator/stats").status, 404);
}

}  // namespace
}  // namespace swfvault::testing

namespace swfvault::testing {
namespace {

TEST(EmulatorFlagsTest, CustomOinHeaderAndPrefix) {
  auto emu = EmulatorProcess::Start({DemoSeedPath(), {"--oin-header", "X-Acting-OIN", "--prefix", "/swf/v1"}});
  ASSERT_NE(emu, nullptr);
  HttpsClient lev("leverancier");
  lev.set_oin(kGemeenteA, "X-Acting-OIN");
  HttpResponse r = lev.Get(emu->root_url() + "/swf/v1/samenwerkingen");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Json()["page"]["totalElements"], 2);
  EXPECT_EQ(r.Json()["_links"]["self"]["href"].get<std::string>().rfind(emu->root_url() + "/swf/v1/samenwerkingen", 0), 0u);
  HttpsClient plain("leverancier");
  plain.set_oin(kGemeenteA, "X-OIN");  // the default header is now just an unknown header
  ExpectRefused(plain.Get(emu->root_url() + "/swf/v1/samenwerkingen"), 401,
                "X-Acting-OIN header missing");
}

TEST(EmulatorFlagsTest, UnseededEmulatorServesUnknownOrganisationsAsKetenpartner) {
  auto emu = EmulatorProcess::Start();
  ASSERT_NE(emu, nullptr);
  HttpsClient a("gemeente-a");
  HttpResponse r = a.Get(emu->base_url() + "/samenwerkingen");
  EXPECT_EQ(r.status, 200);
  EXPECT_FALSE(r.Json().contains("_embedded"));
  EXPECT_EQ(a.Post(emu->base_url() + "/samenwerkingen", {{"verzoeknummer", "1"}}).status, 403);
}

TEST(EmulatorFlagsTest, NonLoopbackAdminAddressIsRefused) {
  std::string cmd = std::string(SWFVAULT_EMULATOR_BIN) + " --tls-dir " + PkiDir() +
                    " --state /tmp/swfvault-never --admin-listen 0.0.0.0:0 2>/dev/null";
  EXPECT_NE(std::system(cmd.c_str()), 0);
}

}  // namespace
}  // namespace swfvault::testing
