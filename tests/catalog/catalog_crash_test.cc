// SIGKILL during catalog writes: afterwards the catalog opens, passes integrity_check, and
// every committed unit (blob + document + event) is whole.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <random>
#include <thread>

#include "catalog/catalog_test_util.h"

namespace swfvault::testing {
namespace {

// Child body: records documents one transaction at a time, forever.
[[noreturn]] void WriteForever(const std::string& path, int run) {
  SystemClock clock;
  auto opened = Catalog::Open(path, &clock);
  if (!opened.ok()) _exit(3);
  Catalog& catalog = **opened;
  if (!catalog.UpsertSamenwerking(SampleSamenwerking()).ok()) _exit(4);
  for (int i = 0;; ++i) {
    std::string id = "r" + std::to_string(run) + "-d" + std::to_string(i);
    auto tx = catalog.Begin();
    if (!tx.ok()) _exit(5);
    BlobRecord blob = SampleBlob(id);
    Event e{0, "", 0, EventKind::kFetched, id, "SAM-1001", blob.sha256, ""};
    if (!catalog.RecordBlob(blob).ok() ||
        !catalog.UpsertDocument(SampleDocument(id, "SAM-1001", id), DocumentState::kPresent,
                                blob.sha256).ok() ||
        !catalog.AppendEvent(e).ok() || !tx->Commit().ok()) {
      _exit(6);
    }
  }
}

TEST(CatalogCrashTest, KillDuringTransactionsLeavesConsistentCatalog) {
  TempDir dir;
  std::string path = (dir.path() / "catalog.db").string();
  std::mt19937 rng(4242);
  const int kRuns = 10;
  for (int run = 0; run < kRuns; ++run) {
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) WriteForever(path, run);
    std::this_thread::sleep_for(std::chrono::milliseconds(20 + rng() % 80));
    kill(pid, SIGKILL);
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFSIGNALED(status)) << "writer stopped early: " << WEXITSTATUS(status);
  }
  FakeClock clock;
  auto catalog = Catalog::Open(path, &clock);
  ASSERT_TRUE(catalog.ok()) << catalog.status().ToString();
  ASSERT_TRUE((*catalog)->IntegrityCheck().ok());
  auto docs = (*catalog)->ListDocuments("SAM-1001");
  ASSERT_TRUE(docs.ok());
  for (const CatalogDocument& d : *docs) {
    EXPECT_TRUE((*catalog)->GetBlob(d.blob_sha256).ok()) << d.document.document_id;
    EXPECT_EQ((*catalog)->ListEvents(d.document.document_id)->size(), 1u);
  }
  EXPECT_EQ((*catalog)->ListEvents("")->size(), docs->size());
  EXPECT_EQ((*catalog)->ListBlobs()->size(), docs->size());
  std::cout << "[ catalog crash runs ] " << kRuns << " SIGKILLs, " << docs->size()
            << " committed documents consistent\n";
  EXPECT_GT(docs->size(), 0u);
}

}  // namespace
}  // namespace swfvault::testing
