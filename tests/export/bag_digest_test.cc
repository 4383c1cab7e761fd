#include "export/bag_digest.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace swfvault::testing {
namespace {

// Known answers: SHA-256 and SHA-512 of "abc" (FIPS 180-2 examples).
TEST(BagDigestTest, OneShotMatchesKnownAnswers) {
  DigestPair d = DigestOf("abc");
  EXPECT_EQ(d.sha256, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(d.sha512,
            "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
            "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f");
}

TEST(BagDigestTest, PipelineOverManyChunksMatchesOneShotAndResetsAfterFinish) {
  std::string data(3 * 1000 * 1000 + 17, '\0');
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>((i * 131) ^ (i >> 9));
  const DigestPair expected = DigestOf(data);

  for (size_t depth : {2, 4}) {
    DigestPipeline pipeline(depth);
    for (int round = 0; round < 2; ++round) {  // the second round proves Finish() resets
      // `depth` buffers as the exporter uses them: each is refilled when its turn comes round,
      // while the lanes may still hash the others. Every buffer write happens then, so a lane
      // reading a buffer too late would hash the wrong bytes.
      std::vector<std::string> buffers(depth);
      for (size_t off = 0, k = 0; off < data.size(); off += 65537, k = (k + 1) % depth) {
        buffers[k].assign(data, off, 65537);
        pipeline.Submit(buffers[k]);
        if (off % 13 == 0) pipeline.Wait();
      }
      DigestPair got = pipeline.Finish();
      EXPECT_EQ(got.sha256, expected.sha256) << "depth " << depth << " round " << round;
      EXPECT_EQ(got.sha512, expected.sha512) << "depth " << depth << " round " << round;
    }
    EXPECT_EQ(pipeline.Finish().sha256, DigestOf("").sha256);  // nothing submitted since
  }
}

}  // namespace
}  // namespace swfvault::testing
