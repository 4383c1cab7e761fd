#include "swfvault/config.h"

#include <gtest/gtest.h>

namespace swfvault {
namespace {

constexpr char kSupplierConfig[] = R"(
vault = "/srv/vault"
base_url = "https://127.0.0.1:8443/v5"
ca = "/pki/ca.crt"
cert = "/pki/leverancier.crt"
key = "/pki/leverancier.key"
transfers = 8

[profile.gemeente-a]
oin = "00000001000000001000"

[profile.gemeente-b]
oin = "00000001000000002000"
max_level = "rv"

[[mirror]]
path = "/share/dossiers"

[mdto]
waardering = "V"
archiefvormer = "Gemeente A"
bewaartermijn = "P20Y"
)";

TEST(ConfigTest, ProfilesInheritTopLevelDefaults) {
  Result<Config> c = ParseConfig(kSupplierConfig, "test.toml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ASSERT_EQ(c->profiles.size(), 2u);
  EXPECT_EQ(c->vault, "/srv/vault");
  EXPECT_EQ(c->profiles[0].name, "gemeente-a");
  EXPECT_EQ(c->profiles[0].cert, "/pki/leverancier.crt");
  EXPECT_EQ(c->profiles[0].transfers, 8);
  EXPECT_EQ(c->profiles[0].max_level, Confidentiality::kSV);
  EXPECT_EQ(c->profiles[1].max_level, Confidentiality::kRV);
  EXPECT_TRUE(c->mdto.complete());
  ASSERT_EQ(c->mirrors.size(), 1u);
  EXPECT_EQ(c->mirrors[0].max_level, Confidentiality::kRV);
}

TEST(ConfigTest, UnknownKeyIsNamed) {
  Result<Config> c = ParseConfig("[profile.x]\noin = \"1\"\ncertificate = \"a\"\n", "t.toml");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("certificate"), std::string::npos) << c.status().message();
  EXPECT_NE(c.status().message().find("profile.x"), std::string::npos);
}

TEST(ConfigTest, SyntaxErrorNamesLineAndFile) {
  Result<Config> c = ParseConfig("vault = \n", "broken.toml");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("broken.toml:1"), std::string::npos) << c.status().message();
}

TEST(ConfigTest, BadLevelIsRejectedWithKey) {
  Result<Config> c = ParseConfig("max_level = \"GEHEIM\"\n", "t.toml");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("max_level"), std::string::npos);
  EXPECT_NE(c.status().message().find("GEHEIM"), std::string::npos);
}

TEST(ConfigTest, TransfersOutOfRangeIsRejected) {
  Result<Config> c = ParseConfig("transfers = 0\n", "t.toml");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("transfers"), std::string::npos);
}

TEST(ConfigTest, FindProfileNeedsNameWhenSeveral) {
  Result<Config> c = ParseConfig(kSupplierConfig, "t.toml");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->FindProfile("").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(c->FindProfile("gemeente-b")->oin, "00000001000000002000");
  EXPECT_EQ(c->FindProfile("nope").status().code(), StatusCode::kNotFound);
}

TEST(ConfigTest, TopLevelOinMakesADefaultProfile) {
  Result<Config> c = ParseConfig("oin = \"00000001000000001000\"\n", "t.toml");
  ASSERT_TRUE(c.ok());
  ASSERT_EQ(c->profiles.size(), 1u);
  EXPECT_EQ(c->FindProfile("")->name, "default");
}

TEST(ConfigTest, ValidateProfileRefusesPlainHttpAndBadOin) {
  ConnectionProfile p;
  p.name = "x";
  p.base_url = "http://host/v5";
  p.oin = "00000001000000001000";
  p.cert = p.key = p.ca = "/f";
  EXPECT_NE(ValidateProfile(p).message().find("https://"), std::string::npos);
  p.base_url = "https://host/v5";
  EXPECT_TRUE(ValidateProfile(p).ok());
  p.oin = "123";
  EXPECT_NE(ValidateProfile(p).message().find("20 digits"), std::string::npos);
  p.oin = "00000001000000001000";
  p.ca.clear();
  EXPECT_EQ(ValidateProfile(p).code(), StatusCode::kInvalidArgument);
}

TEST(ConfigTest, MissingFileIsNotFound) {
  EXPECT_EQ(LoadConfig("/nonexistent/swfvault.toml").status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace swfvault
