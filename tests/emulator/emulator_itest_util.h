// Shared pieces of the emulator integration tests: the test organisations and a fixture that
// runs one seeded emulator for a whole test suite.
#ifndef SWFVAULT_TESTS_EMULATOR_EMULATOR_ITEST_UTIL_H_
#define SWFVAULT_TESTS_EMULATOR_EMULATOR_ITEST_UTIL_H_

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "support/emulator_process.h"
#include "support/https_client.h"

namespace swfvault::testing {

inline constexpr const char* kGemeenteA = "00000001000000001000";
inline constexpr const char* kGemeenteB = "00000001000000002000";
inline constexpr const char* kOmgevingsdienst = "00000001000000003000";
inline constexpr const char* kAdviesbureau = "00000009000000004000";
inline constexpr const char* kLeverancier = "00000009000000005000";

class SeededEmulatorTest : public ::testing::Test {
 public:
  static std::string Url(const std::string& path) { return emulator_->base_url() + path; }

 protected:
  static void SetUpTestSuite() {
    emulator_ = EmulatorProcess::Start({DemoSeedPath(), {"--max-upload-bytes", "100000"}}).release();
  }
  static void TearDownTestSuite() {
    delete emulator_;
    emulator_ = nullptr;
  }
  void SetUp() override { ASSERT_NE(emulator_, nullptr); }

  // Starts a fresh samenwerking as gemeente-a on the given seeded verzoek, inviting
  // omgevingsdienst (full) and adviesbureau (beperkt). Returns its id.
  static std::string NewSamenwerking(const std::string& verzoeknummer = "12026001") {
    HttpsClient a("gemeente-a");
    HttpResponse r = a.Post(Url("/samenwerkingen"), {{"titel", "Test"}, {"verzoeknummer", verzoeknummer}});
    EXPECT_EQ(r.status, 201) << r.body;
    std::string id = r.Json().value("samenwerkingId", "");
    EXPECT_EQ(a.Post(Url("/samenwerkingen/" + id + "/deelnemers"),
                     {{"oin", kOmgevingsdienst}, {"privilege", "VOLLEDIGE_TOEGANG"}}).status, 201);
    EXPECT_EQ(a.Post(Url("/samenwerkingen/" + id + "/deelnemers"),
                     {{"oin", kAdviesbureau}, {"privilege", "BEPERKTE_TOEGANG"}}).status, 201);
    return id;
  }

  // Uploads `content` as `name` with label `label` as `org`; returns the document id.
  static std::string Upload(const std::string& org, const std::string& sam, const std::string& name,
                            const std::string& content, const std::string& label = "RV") {
    HttpsClient c(org);
    HttpResponse r = c.PostMultipart(Url("/samenwerkingen/" + sam + "/documenten?vertrouwelijkheidsAanduiding=" + label),
                                     {{"file", content, name, "text/plain"}});
    EXPECT_EQ(r.status, 201) << r.body;
    return r.Json().value("documentId", "");
  }

  static inline EmulatorProcess* emulator_ = nullptr;
};

// The invalidParams[0].name of a problem+json body, or "".
inline std::string InvalidParam(const HttpResponse& r) {
  nlohmann::json j = r.Json();
  if (!j.contains("invalidParams") || j["invalidParams"].empty()) return "";
  return j["invalidParams"][0].value("name", "");
}

}  // namespace swfvault::testing

#endif  // SWFVAULT_TESTS_EMULATOR_EMULATOR_ITEST_UTIL_H_
