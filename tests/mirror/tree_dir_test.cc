// TreeDir::RemoveIfSame: a file is removed only while it is the one that was sent, and a file
// saved under the same name at any moment, even right after the check, is never removed.
#include "mirror/tree_dir.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "support/temp_dir.h"
#include "swfvault/hashing.h"

namespace swfvault {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

void Write(const fs::path& p, const std::string& content) { std::ofstream(p, std::ios::binary) << content; }

std::string Read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

class RemoveIfSameTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(tmp_.path() / "drop" / "aside");
    Result<TreeDir> drop = TreeDir::OpenRoot((tmp_.path() / "drop").string(), false);
    ASSERT_TRUE(drop.ok()) << drop.status().ToString();
    drop_.emplace(std::move(*drop));
    Result<TreeDir> aside = drop_->OpenSub("aside", false);
    ASSERT_TRUE(aside.ok()) << aside.status().ToString();
    aside_.emplace(std::move(*aside));
  }
  EntryStat Sent(const std::string& name) {
    Result<EntryStat> st = drop_->Lstat(name);
    EXPECT_TRUE(st.ok());
    return st.ok() ? *st : EntryStat{};
  }
  fs::path In(const std::string& name) const { return tmp_.path() / "drop" / name; }
  fs::path Aside(const std::string& name) const { return tmp_.path() / "drop" / "aside" / name; }

  TempDir tmp_;
  std::optional<TreeDir> drop_, aside_;
};

TEST_F(RemoveIfSameTest, TheSentFileIsRemoved) {
  Write(In("a.txt"), "verzonden");
  EntryStat sent = Sent("a.txt");
  Result<TreeDir::Removal> r = drop_->RemoveIfSame("a.txt", sent, *aside_);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, TreeDir::Removal::kRemoved);
  EXPECT_FALSE(fs::exists(In("a.txt")));
  EXPECT_FALSE(fs::exists(Aside("a.txt")));
}

TEST_F(RemoveIfSameTest, AFileSavedOverTheNameBeforehandIsLeftAsideNotRemoved) {
  Write(In("a.txt"), "verzonden");
  EntryStat sent = Sent("a.txt");
  Write(In("a.new"), "nieuwer");
  fs::rename(In("a.new"), In("a.txt"));  // a save as editors make it
  Result<TreeDir::Removal> r = drop_->RemoveIfSame("a.txt", sent, *aside_);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, TreeDir::Removal::kChanged);
  EXPECT_EQ(Read(Aside("a.txt")), "nieuwer");
}

TEST_F(RemoveIfSameTest, AFileWrittenAgainInPlaceIsLeftAsideNotRemoved) {
  Write(In("a.txt"), "verzonden");
  EntryStat sent = Sent("a.txt");
  Write(In("a.txt"), "langer herschreven");
  Result<TreeDir::Removal> r = drop_->RemoveIfSame("a.txt", sent, *aside_);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, TreeDir::Removal::kChanged);
  EXPECT_EQ(Read(Aside("a.txt")), "langer herschreven");
}

// The window a check-then-unlink-by-name leaves open: a save landing right after the check.
TEST_F(RemoveIfSameTest, AFileSavedUnderTheNameRightAfterTheCheckStays) {
  Write(In("a.txt"), "verzonden");
  EntryStat sent = Sent("a.txt");
  Result<TreeDir::Removal> r = drop_->RemoveIfSame("a.txt", sent, *aside_, [&] {
    Write(In("a.new"), "net opgeslagen");
    fs::rename(In("a.new"), In("a.txt"));
  });
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, TreeDir::Removal::kRemoved);
  EXPECT_EQ(Read(In("a.txt")), "net opgeslagen");
  EXPECT_FALSE(fs::exists(Aside("a.txt")));
}

TEST_F(RemoveIfSameTest, AFileTakenAwayMeanwhileIsGone) {
  Write(In("a.txt"), "verzonden");
  EntryStat sent = Sent("a.txt");
  fs::remove(In("a.txt"));
  Result<TreeDir::Removal> r = drop_->RemoveIfSame("a.txt", sent, *aside_);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, TreeDir::Removal::kGone);
}

TEST_F(RemoveIfSameTest, AnOccupiedAsideNameIsAnErrorAndBothFilesStay) {
  Write(In("a.txt"), "verzonden");
  Write(Aside("a.txt"), "eerder achtergelaten");
  EntryStat sent = Sent("a.txt");
  Result<TreeDir::Removal> r = drop_->RemoveIfSame("a.txt", sent, *aside_);
  EXPECT_EQ(r.status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(Read(In("a.txt")), "verzonden");
  EXPECT_EQ(Read(Aside("a.txt")), "eerder achtergelaten");
}

// The mirror publishes a file only where there is none: one saved under the name since the
// run looked is the user's and stays.
// Commit never replaces a file saved under the name meanwhile, and leaves no temp file; what
// PrepareFrom placed is hashed, so the caller can check it first.
TEST_F(RemoveIfSameTest, CommitNeverReplacesAFileSavedUnderTheName) {
  Write(In("bron"), "van de mirror");
  Write(In("a.txt"), "van de gebruiker");
  Result<Fd> src = drop_->OpenRead("bron");
  ASSERT_TRUE(src.ok());
  bool reflinked = false;
  Result<TreeDir::Prepared> ready = drop_->PrepareFrom("a.txt", src->get(), 0444, &reflinked);
  ASSERT_TRUE(ready.ok()) << ready.status().ToString();
  EXPECT_EQ(ready->sha256, Sha256Hex("van de mirror"));
  Status st = drop_->Commit(*ready, "a.txt");
  EXPECT_EQ(st.code(), StatusCode::kAlreadyExists) << st.ToString();
  EXPECT_EQ(Read(In("a.txt")), "van de gebruiker");
  int entries = 0;
  for (const auto& e : fs::directory_iterator(tmp_.path() / "drop")) entries += e.is_regular_file();
  EXPECT_EQ(entries, 2) << "no temp file left";
  Result<TreeDir::Prepared> second = drop_->PrepareFrom("b.txt", src->get(), 0444, &reflinked);
  ASSERT_TRUE(second.ok());
  ASSERT_TRUE(drop_->Commit(*second, "b.txt").ok());
  EXPECT_EQ(Read(In("b.txt")), "van de mirror");
}

}  // namespace
}  // namespace swfvault
