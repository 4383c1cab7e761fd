#include "swfvault/file_system.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>

#include "support/temp_dir.h"

namespace swfvault::testing {
namespace {

namespace fsys = std::filesystem;

std::string ReadAll(ReadableFile& file) {
  std::string out;
  char buf[7];  // deliberately small: exercises repeated reads
  while (true) {
    auto n = file.Read(buf, sizeof buf);
    EXPECT_TRUE(n.ok()) << n.status().ToString();
    if (!n.ok() || *n == 0) return out;
    out.append(buf, *n);
  }
}

class PosixFileSystemTest : public ::testing::Test {
 protected:
  std::string P(const std::string& name) { return (dir_ / name).string(); }
  TempDir dir_;
  PosixFileSystem fs_;
};

TEST_F(PosixFileSystemTest, CreateExclusiveWritesMode0600File) {
  auto file = fs_.CreateExclusive(P("a"));
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  ASSERT_TRUE((*file)->Append("hello").ok());
  ASSERT_TRUE((*file)->Sync().ok());
  ASSERT_TRUE((*file)->Close().ok());
  EXPECT_EQ(ReadFile(P("a")), "hello");
  EXPECT_EQ(fs_.Stat(P("a"))->mode, 0600u);
}

TEST_F(PosixFileSystemTest, CreateExclusiveRefusesExistingFile) {
  WriteFile(P("a"), "x");
  EXPECT_EQ(fs_.CreateExclusive(P("a")).status().code(), StatusCode::kAlreadyExists);
}

TEST_F(PosixFileSystemTest, CreateExclusiveRefusesDanglingSymlink) {
  fsys::create_symlink(P("target"), P("link"));
  EXPECT_FALSE(fs_.CreateExclusive(P("link")).ok());
  EXPECT_FALSE(fsys::exists(P("target")));
}

TEST_F(PosixFileSystemTest, CreateTempMakesDistinctFilesInDirectory) {
  auto a = fs_.CreateTemp(dir_.path().string(), "x-");
  auto b = fs_.CreateTemp(dir_.path().string(), "x-");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(a->path, b->path);
  EXPECT_EQ(DirName(a->path), dir_.path().string());
  EXPECT_EQ(fs_.Stat(a->path)->mode, 0600u);
}

TEST_F(PosixFileSystemTest, OpenForReadStreamsContent) {
  WriteFile(P("r"), "some bytes to read back");
  auto file = fs_.OpenForRead(P("r"));
  ASSERT_TRUE(file.ok());
  EXPECT_EQ(ReadAll(**file), "some bytes to read back");
}

TEST_F(PosixFileSystemTest, OpenForReadOfMissingFileIsNotFound) {
  EXPECT_EQ(fs_.OpenForRead(P("missing")).status().code(), StatusCode::kNotFound);
}

TEST_F(PosixFileSystemTest, OpenForAppendContinuesAtEnd) {
  WriteFile(P("p"), "abc");
  auto file = fs_.OpenForAppend(P("p"));
  ASSERT_TRUE(file.ok());
  ASSERT_TRUE((*file)->Append("def").ok());
  ASSERT_TRUE((*file)->Close().ok());
  EXPECT_EQ(ReadFile(P("p")), "abcdef");
}

TEST_F(PosixFileSystemTest, RenameNoReplaceRefusesExistingTarget) {
  WriteFile(P("from"), "new");
  WriteFile(P("to"), "old");
  EXPECT_EQ(fs_.RenameNoReplace(P("from"), P("to")).code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(ReadFile(P("to")), "old");
  EXPECT_TRUE(fsys::exists(P("from")));
}

TEST_F(PosixFileSystemTest, RenameNoReplaceMovesIntoFreeName) {
  WriteFile(P("from"), "new");
  ASSERT_TRUE(fs_.RenameNoReplace(P("from"), P("to")).ok());
  EXPECT_EQ(ReadFile(P("to")), "new");
  EXPECT_FALSE(fsys::exists(P("from")));
}

TEST_F(PosixFileSystemTest, RenameReplacesExistingTarget) {
  WriteFile(P("from"), "new");
  WriteFile(P("to"), "old");
  ASSERT_TRUE(fs_.Rename(P("from"), P("to")).ok());
  EXPECT_EQ(ReadFile(P("to")), "new");
}

TEST_F(PosixFileSystemTest, CreateDirsMakesNestedPrivateDirectories) {
  ASSERT_TRUE(fs_.CreateDirs(P("a/b/c")).ok());
  auto st = fs_.Stat(P("a/b/c"));
  ASSERT_TRUE(st.ok());
  EXPECT_TRUE(st->is_directory);
  EXPECT_EQ(st->mode, 0700u);
  EXPECT_TRUE(fs_.CreateDirs(P("a/b/c")).ok());
  EXPECT_TRUE(fs_.SyncDir(P("a/b")).ok());
}

// `n` fresh directories under `parent`, each holding one renamed file.
std::vector<std::string> DirsWithARename(PosixFileSystem& fs, const std::string& parent, int n) {
  std::vector<std::string> dirs;
  for (int i = 0; i < n; ++i) {
    dirs.push_back(parent + "/" + std::to_string(i));
    EXPECT_TRUE(fs.CreateDirs(dirs.back()).ok());
    WriteFile(dirs.back() + "/tmp", "x");
    EXPECT_TRUE(fs.Rename(dirs.back() + "/tmp", dirs.back() + "/obj").ok());
  }
  return dirs;
}

TEST_F(PosixFileSystemTest, SyncDirsTakesFewOrManyDirectories) {
  // Fewer than four: one fsync each; four or more on one filesystem: one syncfs.
  for (int n : {1, 3, 4, 9}) {
    std::vector<std::string> dirs = DirsWithARename(fs_, P("s" + std::to_string(n)), n);
    Status st = fs_.SyncDirs(dirs);
    EXPECT_TRUE(st.ok()) << n << " dirs: " << st.ToString();
  }
  EXPECT_TRUE(fs_.SyncDirs({}).ok());
}

TEST_F(PosixFileSystemTest, SyncDirsNamesADirectoryThatIsMissing) {
  for (int n : {2, 6}) {
    std::vector<std::string> dirs = DirsWithARename(fs_, P("m" + std::to_string(n)), n);
    std::string gone = P("m" + std::to_string(n) + "/gone");
    dirs.insert(dirs.begin() + 1, gone);
    Status st = fs_.SyncDirs(dirs);
    EXPECT_EQ(st.code(), StatusCode::kNotFound) << n << " dirs: " << st.ToString();
    EXPECT_NE(st.message().find(gone), std::string::npos) << st.message();
  }
}

// `n` files under `prefix`, each holding its own name, open and not yet synced.
std::vector<std::unique_ptr<WritableFile>> FilesWithData(PosixFileSystem& fs,
                                                         const std::string& prefix, int n) {
  std::vector<std::unique_ptr<WritableFile>> files;
  for (int i = 0; i < n; ++i) {
    auto file = fs.CreateExclusive(prefix + std::to_string(i));
    EXPECT_TRUE(file.ok()) << file.status().ToString();
    if (!file.ok()) break;
    EXPECT_TRUE((*file)->Append(prefix + std::to_string(i)).ok());
    files.push_back(std::move(file).value());
  }
  return files;
}

std::vector<WritableFile*> Raw(const std::vector<std::unique_ptr<WritableFile>>& files) {
  std::vector<WritableFile*> out;
  for (const auto& f : files) out.push_back(f.get());
  return out;
}

TEST_F(PosixFileSystemTest, SyncFilesTakesFewOrManyFiles) {
  // Fewer than four: one fsync each; four or more on one filesystem: one syncfs.
  for (int n : {1, 3, 4, 9}) {
    std::string prefix = P("f" + std::to_string(n) + "-");
    auto files = FilesWithData(fs_, prefix, n);
    Status st = fs_.SyncFiles(Raw(files));
    EXPECT_TRUE(st.ok()) << n << " files: " << st.ToString();
    for (int i = 0; i < n; ++i) {
      EXPECT_TRUE(files[i]->Close().ok());
      EXPECT_EQ(ReadFile(prefix + std::to_string(i)), prefix + std::to_string(i));
    }
  }
  EXPECT_TRUE(fs_.SyncFiles({}).ok());
}

TEST_F(PosixFileSystemTest, SyncFilesGivesAFileOpenedForAppendAnFsyncOfItsOwn) {
  // A resumed partial holds an earlier run's writes, whose writeback error another group's
  // syncfs may have seen already; only an fsync of that file reports it.
  std::string prefix = P("a-");
  auto files = FilesWithData(fs_, prefix, 4);
  WriteFile(prefix + "resumed", "eerder geschreven");
  auto resumed = fs_.OpenForAppend(prefix + "resumed");
  ASSERT_TRUE(resumed.ok()) << resumed.status().ToString();
  ASSERT_TRUE((*resumed)->Append(", nu verder").ok());
  std::vector<WritableFile*> group = Raw(files);
  group.insert(group.begin() + 2, resumed->get());
  const uint64_t syncfs_before = fs_.syncfs_calls();
  const uint64_t alone_before = fs_.files_synced_alone();
  ASSERT_TRUE(fs_.SyncFiles(group).ok());
  EXPECT_EQ(fs_.files_synced_alone() - alone_before, 1u);
  EXPECT_EQ(fs_.syncfs_calls() - syncfs_before, 1u);  // the four new files, together
  ASSERT_TRUE((*resumed)->Close().ok());
  EXPECT_EQ(ReadFile(prefix + "resumed"), "eerder geschreven, nu verder");

  // A closed appended file is named, and nothing after it counts.
  auto again = fs_.OpenForAppend(prefix + "resumed");
  ASSERT_TRUE(again.ok());
  ASSERT_TRUE((*again)->Close().ok());
  Status st = fs_.SyncFiles({again->get()});
  EXPECT_EQ(st.code(), StatusCode::kIoError) << st.ToString();
  EXPECT_NE(st.message().find(prefix + "resumed"), std::string::npos) << st.message();
}

TEST_F(PosixFileSystemTest, SyncFilesNamesAFileItCannotSync) {
  // A file closed too early cannot be synced, in a small group and in a large one.
  for (int n : {2, 6}) {
    std::string prefix = P("c" + std::to_string(n) + "-");
    auto files = FilesWithData(fs_, prefix, n);
    ASSERT_TRUE(files[1]->Close().ok());
    Status st = fs_.SyncFiles(Raw(files));
    EXPECT_EQ(st.code(), StatusCode::kIoError) << n << " files: " << st.ToString();
    EXPECT_NE(st.message().find(prefix + "1"), std::string::npos) << st.message();
  }
}

size_t OpenDescriptors() {
  size_t n = 0;
  for ([[maybe_unused]] const auto& entry : fsys::directory_iterator("/proc/self/fd")) ++n;
  return n;
}

TEST_F(PosixFileSystemTest, WritebackHintsOutliveTheirFilesAndLeakNoDescriptor) {
  // The hints run on the file system's own thread, after the files may have been closed or
  // removed. More files than hints the thread queues, so some hints are dropped as well.
  size_t before = OpenDescriptors();
  const std::string data(256 * 1024, 'w');
  for (int i = 0; i < 40; ++i) {
    std::string path = P("wb" + std::to_string(i));
    auto file = fs_.CreateExclusive(path);
    ASSERT_TRUE(file.ok()) << file.status().ToString();
    ASSERT_TRUE((*file)->Append(data).ok());
    (*file)->StartWriteback(0, data.size());
    ASSERT_TRUE((*file)->Close().ok());
    (*file)->StartWriteback(0, data.size());  // on a closed file: nothing to do
    if (i % 2 == 1) {
      ASSERT_TRUE(fs_.RemoveFile(path).ok());
    }
  }
  fs_.WaitForWriteback();
  EXPECT_EQ(OpenDescriptors(), before);
  for (int i = 0; i < 40; i += 2) {
    EXPECT_EQ(ReadFile(P("wb" + std::to_string(i))), data) << i;
  }
}

TEST_F(PosixFileSystemTest, WritebackHintsLetTheFileSystemBeDestroyedFirst) {
  size_t before = OpenDescriptors();
  std::unique_ptr<WritableFile> file;
  {
    PosixFileSystem fs;
    auto created = fs.CreateExclusive(P("late"));
    ASSERT_TRUE(created.ok()) << created.status().ToString();
    file = std::move(created).value();
  }
  ASSERT_TRUE(file->Append("still here").ok());
  file->StartWriteback(0, 10);
  ASSERT_TRUE(file->Sync().ok());
  ASSERT_TRUE(file->Close().ok());
  file.reset();  // the last owner of the writeback thread: joins it
  EXPECT_EQ(OpenDescriptors(), before);
  EXPECT_EQ(ReadFile(P("late")), "still here");
}

TEST_F(PosixFileSystemTest, WritebackHintsInAForkedChildNeitherHangNorReachTheParentsThread) {
  // The parent's writeback thread exists (and may hold its lock) when the child is forked.
  const std::string data(64 * 1024, 'f');
  auto file = fs_.CreateExclusive(P("parent"));
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  ASSERT_TRUE((*file)->Append(data).ok());
  for (int i = 0; i < 64; ++i) (*file)->StartWriteback(0, data.size());
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    alarm(20);  // a hang ends the child with SIGALRM instead of blocking the test
    (*file)->StartWriteback(0, data.size());
    fs_.WaitForWriteback();
    auto child = fs_.CreateExclusive(P("child"));
    if (!child.ok() || !(*child)->Append(data).ok()) _exit(2);
    (*child)->StartWriteback(0, data.size());
    if (!(*child)->Sync().ok() || !(*child)->Close().ok()) _exit(3);
    child->reset();
    _exit(0);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status)) << "child ended by signal " << WTERMSIG(status);
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_EQ(ReadFile(P("child")), data);
  fs_.WaitForWriteback();
  ASSERT_TRUE((*file)->Close().ok());
}

TEST_F(PosixFileSystemTest, ListDirNamesEntriesWithoutDots) {
  WriteFile(P("one"), "1");
  WriteFile(P("two"), "2");
  auto names = fs_.ListDir(dir_.path().string());
  ASSERT_TRUE(names.ok());
  std::sort(names->begin(), names->end());
  EXPECT_EQ(*names, (std::vector<std::string>{"one", "two"}));
}

TEST_F(PosixFileSystemTest, MakeReadOnlySetsMode0400) {
  WriteFile(P("f"), "x");
  ASSERT_TRUE(fs_.MakeReadOnly(P("f")).ok());
  EXPECT_EQ(fs_.Stat(P("f"))->mode, 0400u);
}

TEST_F(PosixFileSystemTest, RemoveFileDeletesAndReportsMissing) {
  WriteFile(P("f"), "x");
  ASSERT_TRUE(fs_.RemoveFile(P("f")).ok());
  EXPECT_EQ(fs_.RemoveFile(P("f")).code(), StatusCode::kNotFound);
}

TEST_F(PosixFileSystemTest, FreeSpaceIsPositive) {
  auto free = fs_.FreeSpace(dir_.path().string());
  ASSERT_TRUE(free.ok());
  EXPECT_GT(*free, 0u);
}

TEST(PathTest, JoinAndDirName) {
  EXPECT_EQ(JoinPath("/v", "objects"), "/v/objects");
  EXPECT_EQ(JoinPath("/v/", "/objects"), "/v/objects");
  EXPECT_EQ(DirName("/v/objects/ab"), "/v/objects");
  EXPECT_EQ(DirName("/v"), "/");
  EXPECT_EQ(DirName("file"), ".");
}

// statfs f_type -> the name the vault warning uses: network (and FUSE) file systems by name,
// local ones (and anything unknown) as "".
TEST(NetworkFileSystemNameTest, NamesNetworkFileSystemsAndNotLocalOnes) {
  const std::pair<uint64_t, const char*> table[] = {
      {0x6969, "nfs"},
      {0xFF534D42, "smb"},
      {0xFE534D42, "smb"},
      {0x517B, "smb"},
      {0x01021997, "9p"},
      {0x00C36400, "ceph"},
      {0x5346414F, "afs"},
      {0x6B414653, "afs"},
      {0x0BD00BD0, "lustre"},
      {0x65735546, "fuse"},
      {0xEF53, ""} /* ext4 */,
      {0x58465342, ""} /* xfs */,
      {0x9123683E, ""} /* btrfs */,
      {0x01021994, ""} /* tmpfs */,
      {0x794C7630, ""} /* overlayfs */,
      {0, ""},
  };
  for (const auto& [f_type, name] : table) {
    EXPECT_EQ(NetworkFileSystemName(f_type), name) << std::hex << f_type;
  }
}

// syncfs reports writeback errors from Linux 5.8 on; before that (RHEL 8's 4.18) files and
// folders are fsynced one by one. A release that cannot be read counts as old.
TEST(SyncfsTest, ReportsErrorsFromLinux5Point8) {
  const std::pair<const char*, bool> table[] = {
      {"5.8.0", true},
      {"5.10.0-28-amd64", true},
      {"6.1.0-13-cloud-amd64", true},
      {"10.0", true},
      {"5.7.19", false},
      {"4.18.0-513.el8.x86_64", false},
      {"3.10.0", false},
      {"", false},
      {"5", false},
      {"five.eight", false},
      {"5.", false},
      {"99999999.1", false},
  };
  for (const auto& [release, reports] : table) {
    EXPECT_EQ(SyncfsReportsErrors(release), reports) << release;
  }
}

TEST_F(PosixFileSystemTest, NetworkFileSystemOfAPathThatCannotBeStatedIsEmpty) {
  EXPECT_EQ(fs_.NetworkFileSystem(P("missing/vault")), "");
}

}  // namespace
}  // namespace swfvault::testing
