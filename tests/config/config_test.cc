#include "swfvault/config.h"

#include <gtest/gtest.h>

#include <filesystem>

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
  EXPECT_FALSE(c->profiles[0].max_level_set);  // the SV above is the default, not a choice
  EXPECT_TRUE(c->profiles[1].max_level_set);
  EXPECT_TRUE(c->mdto.complete());
  ASSERT_EQ(c->mirrors.size(), 1u);
  EXPECT_EQ(c->mirrors[0].max_level, Confidentiality::kRV);
}

TEST(ConfigTest, TopLevelMaxLevelIsSetForEveryProfile) {
  Result<Config> c = ParseConfig("max_level = \"SV\"\n[profile.a]\noin = \"1\"\n", "t.toml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_TRUE(c->profiles[0].max_level_set);
  EXPECT_EQ(c->profiles[0].max_level, Confidentiality::kSV);
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

TEST(ConfigTest, TransferThreadsIsReadAndBoundedByName) {
  Result<Config> c = ParseConfig("transfer_threads = 3\n[profile.a]\noin = \"00000001000000001000\"\n", "t.toml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  Result<ConnectionProfile> p = c->FindProfile("a");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->transfer_threads, 3);
  Result<Config> bad = ParseConfig("transfer_threads = 17\n", "t.toml");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("transfer_threads"), std::string::npos) << bad.status().message();
}

// The stall guard: 1 KiB/s over 60 s unless the config says otherwise, per profile too.
TEST(ConfigTest, StallGuardHasDefaultsAndIsReadPerProfile) {
  Result<Config> c = ParseConfig(
      "stall_timeout = 30\n[profile.a]\noin = \"00000001000000001000\"\n"
      "[profile.b]\noin = \"00000001000000002000\"\nstall_min_speed = 100\n",
      "t.toml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  Result<ConnectionProfile> a = c->FindProfile("a"), b = c->FindProfile("b");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->stall_timeout_seconds, 30);
  EXPECT_EQ(a->stall_min_bytes_per_second, 1024);
  EXPECT_EQ(b->stall_min_bytes_per_second, 100);
  Result<Config> bad = ParseConfig("stall_min_speed = 0\n", "t.toml");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("stall_min_speed must be between 1"), std::string::npos)
      << bad.status().message();
}

TEST(ConfigTest, FindProfileNeedsNameWhenSeveral) {
  Result<Config> c = ParseConfig(kSupplierConfig, "t.toml");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->FindProfile("").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(c->FindProfile("gemeente-b")->oin, "00000001000000002000");
  EXPECT_EQ(c->FindProfile("nope").status().code(), StatusCode::kNotFound);
  // Both errors say which profiles there are.
  const std::string names = c->ProfileNames();
  EXPECT_NE(names.find("gemeente-b"), std::string::npos) << names;
  EXPECT_NE(c->FindProfile("").status().message().find("(" + names + ")"), std::string::npos)
      << c->FindProfile("").status().message();
  EXPECT_NE(c->FindProfile("nope").status().message().find("it has: " + names), std::string::npos)
      << c->FindProfile("nope").status().message();
  EXPECT_EQ(Config{}.ProfileNames(), "none");
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

TEST(ConfigTest, MirrorAndUploadKeysHaveDefaults) {
  Result<Config> c = ParseConfig("[[mirror]]\npath = \"/share\"\n", "t.toml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ASSERT_EQ(c->mirrors.size(), 1u);
  EXPECT_EQ(c->mirrors[0].settle_seconds, 5);
  EXPECT_FALSE(c->mirrors[0].max_upload_bytes.has_value());
  EXPECT_FALSE(c->mirrors[0].upload_local_edits);
  EXPECT_EQ(c->upload.level, "RV");
  EXPECT_EQ(c->upload.omschrijving, "");
  EXPECT_EQ(c->upload.taal, "");
  EXPECT_EQ(c->upload.max_upload_bytes, 4ull << 30);
}

TEST(ConfigTest, MirrorAndUploadKeysAreRead) {
  Result<Config> c = ParseConfig(R"(
[upload]
default_level = "sv"
default_omschrijving = "Ingediend via de share"
default_taal = "nl"
max_upload_bytes = 1048576

[[mirror]]
path = "/share/a"
settle_seconds = 0
max_upload_bytes = 2048
local_edits = "upload"

[[mirror]]
path = "/share/b"
local_edits = "conflict-copy"
)",
                                 "t.toml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->upload.level, "SV");
  EXPECT_EQ(c->upload.omschrijving, "Ingediend via de share");
  EXPECT_EQ(c->upload.taal, "nl");
  EXPECT_EQ(c->upload.max_upload_bytes, 1048576u);
  ASSERT_EQ(c->mirrors.size(), 2u);
  EXPECT_EQ(c->mirrors[0].settle_seconds, 0);
  EXPECT_EQ(c->mirrors[0].max_upload_bytes, 2048u);
  EXPECT_TRUE(c->mirrors[0].upload_local_edits);
  EXPECT_FALSE(c->mirrors[1].upload_local_edits);
  EXPECT_FALSE(c->mirrors[1].max_upload_bytes.has_value());
}

TEST(ConfigTest, BadMirrorAndUploadValuesNameFileAndKey) {
  struct Case {
    const char* text;
    const char* key;
  };
  const Case cases[] = {
      {"[upload]\ndefault_level = \"GEHEIM\"\n", "t.toml: upload.default_level"},
      {"[upload]\ndefault_taal = 12\n", "t.toml: upload.default_taal"},
      {"[upload]\ndefault_taal = \"n l\"\n", "t.toml: upload.default_taal"},
      {"[upload]\ndefault_omschrijving = true\n", "t.toml: upload.default_omschrijving"},
      {"[upload]\nmax_upload_bytes = 0\n", "t.toml: upload.max_upload_bytes"},
      {"[upload]\nmax_upload_bytes = \"4G\"\n", "t.toml: upload.max_upload_bytes"},
      {"upload = 3\n", "t.toml: upload"},
      {"[[mirror]]\npath = \"/s\"\nsettle_seconds = -1\n", "t.toml: mirror[0].settle_seconds"},
      {"[[mirror]]\npath = \"/s\"\nmax_upload_bytes = -5\n", "t.toml: mirror[0].max_upload_bytes"},
      {"[[mirror]]\npath = \"/s\"\nlocal_edits = \"overwrite\"\n", "t.toml: mirror[0].local_edits"},
      {"transfers = 99\n", "t.toml: transfers must be between 1 and 64"},
      {"mass_delete_percent = 0\n", "t.toml: mass_delete_percent must be between"},
      {"max_level = \"XX\"\n", "t.toml: max_level"},
      {"delete_notifications = 1\n", "t.toml: delete_notifications must be true or false"},
      {"[profile.a]\ntransfers = 99\n", "t.toml: profile.a.transfers must be between"},
  };
  for (const Case& k : cases) {
    Result<Config> c = ParseConfig(k.text, "t.toml");
    ASSERT_FALSE(c.ok()) << k.text;
    EXPECT_EQ(c.status().code(), StatusCode::kInvalidArgument) << k.text;
    EXPECT_NE(c.status().message().find(k.key), std::string::npos) << c.status().message();
  }
}

TEST(ConfigTest, UnknownKeysInUploadAndMirrorAreStillRejected) {
  Result<Config> upload = ParseConfig("[upload]\nlevel = \"RV\"\n", "t.toml");
  ASSERT_FALSE(upload.ok());
  EXPECT_NE(upload.status().message().find("t.toml: upload: unknown key 'level'"), std::string::npos)
      << upload.status().message();
  Result<Config> mirror = ParseConfig("[[mirror]]\npath = \"/s\"\nsettle = 3\n", "t.toml");
  ASSERT_FALSE(mirror.ok());
  EXPECT_NE(mirror.status().message().find("mirror[0]: unknown key 'settle'"), std::string::npos)
      << mirror.status().message();
}

TEST(ConfigTest, AnUnknownKeyCloseToAKnownOneIsNamedAsATypo) {
  struct Case {
    const char* text;
    const char* message;
  };
  for (const Case& c : std::vector<Case>{
           {"transfer = 4\n", "t.toml: unknown key 'transfer'; did you mean 'transfers'?"},
           {"[profile.a]\nOIN = \"00000001000000001000\"\n", "unknown key 'OIN'; did you mean 'oin'?"},
           {"[[mirror]]\npath = \"/s\"\nmax_levle = \"RV\"\n", "did you mean 'max_level'?"},
           {"colour = 1\n", "t.toml: unknown key 'colour'"}}) {
    Result<Config> r = ParseConfig(c.text, "t.toml");
    ASSERT_FALSE(r.ok()) << c.text;
    EXPECT_NE(r.status().message().find(c.message), std::string::npos) << r.status().message();
  }
  // Nothing close: no guess.
  EXPECT_EQ(ParseConfig("colour = 1\n", "t.toml").status().message().find("did you mean"),
            std::string::npos);
}

TEST(ConfigTest, ADirectoryGivenAsTheConfigIsAUsageErrorThatSaysSo) {
  Result<Config> c = LoadConfig(std::filesystem::temp_directory_path().string());
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(c.status().message().find("is a directory"), std::string::npos) << c.status().message();
}

TEST(ConfigTest, AMissingFileIsAUsageErrorThatSaysWhy) {
  Result<Config> c = LoadConfig("/nonexistent/swfvault.toml");
  EXPECT_EQ(c.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(c.status().message().find(
                "config file /nonexistent/swfvault.toml cannot be read: No such file or directory"),
            std::string::npos)
      << c.status().message();
}

}  // namespace
}  // namespace swfvault
