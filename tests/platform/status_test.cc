#include "swfvault/status.h"

#include <gtest/gtest.h>

#include <cerrno>

namespace swfvault {
namespace {

Result<int> Half(int n) {
  if (n % 2 != 0) return InvalidArgument("odd number " + std::to_string(n));
  return n / 2;
}

Result<int> Quarter(int n) {
  SWF_ASSIGN_OR_RETURN(int half, Half(n));
  SWF_ASSIGN_OR_RETURN(int quarter, Half(half));
  return quarter;
}

TEST(StatusTest, DefaultIsOk) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.ToString(), "ok");
}

TEST(StatusTest, ToStringNamesCodeAndMessage) {
  EXPECT_EQ(NotFound("document 42").ToString(), "not_found: document 42");
}

TEST(StatusTest, WithContextPrefixesMessageAndKeepsCode) {
  Status s = Corruption("hash mismatch").WithContext("object ab12");
  EXPECT_EQ(s.code(), StatusCode::kCorruption);
  EXPECT_EQ(s.message(), "object ab12: hash mismatch");
}

TEST(StatusTest, ErrnoMapsDiskFullToResourceExhausted) {
  EXPECT_EQ(ErrnoStatus(ENOSPC, "/vault/tmp").code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(ErrnoStatus(ENOENT, "/x").code(), StatusCode::kNotFound);
  EXPECT_EQ(ErrnoStatus(EACCES, "/x").code(), StatusCode::kPermissionDenied);
  EXPECT_NE(ErrnoStatus(EIO, "/x").message().find("/x"), std::string::npos);
}

TEST(ResultTest, AssignOrReturnPropagatesFirstError) {
  EXPECT_EQ(*Quarter(8), 2);
  Result<int> r = Quarter(6);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "odd number 3");
}

}  // namespace
}  // namespace swfvault
