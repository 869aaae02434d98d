#include "transport/identity.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "support/temp_dir.hpp"

namespace lanspread::transport {
namespace {
namespace fs = std::filesystem;

mode_t mode_of(const fs::path& path) {
  struct stat info {};
  stat(path.c_str(), &info);
  return info.st_mode & 0777;
}

TEST(Identity, IsCreatedOnceAndKeptPrivate) {
  test::TempDir state;
  const auto first = load_or_create_identity(state.path());
  ASSERT_TRUE(first) << first.error();
  EXPECT_EQ(first->fingerprint.size(), 64u);
  EXPECT_NE(first->private_key_pem.find("PRIVATE KEY"), std::string::npos);
  EXPECT_EQ(mode_of(state / "identity/private_key.pem"), 0600u);
  EXPECT_EQ(mode_of(state / "identity/certificate.pem"), 0600u);
  EXPECT_EQ(mode_of(state / "identity"), 0700u);

  const auto again = load_or_create_identity(state.path());
  ASSERT_TRUE(again) << again.error();
  EXPECT_EQ(again->fingerprint, first->fingerprint);
  EXPECT_EQ(again->private_key_pem, first->private_key_pem);
}

TEST(Identity, EveryInstallGetsItsOwnKey) {
  test::TempDir a;
  test::TempDir b;
  EXPECT_NE(load_or_create_identity(a.path()).value().fingerprint,
            load_or_create_identity(b.path()).value().fingerprint);
}

TEST(Identity, DamagedFilesAreReportedNotReplaced) {
  test::TempDir state;
  ASSERT_TRUE(load_or_create_identity(state.path()));
  test::write_file(state / "identity/certificate.pem", "garbage");
  EXPECT_FALSE(load_or_create_identity(state.path()));
  EXPECT_EQ(test::read_file(state / "identity/certificate.pem"), "garbage");
}

TEST(Identity, KeyOfAnotherCertificateIsRefused) {
  test::TempDir a;
  test::TempDir b;
  ASSERT_TRUE(load_or_create_identity(a.path()));
  const auto other = load_or_create_identity(b.path());
  ASSERT_TRUE(other) << other.error();
  test::write_file(a / "identity/private_key.pem", other->private_key_pem);
  const auto refused = load_or_create_identity(a.path());
  ASSERT_FALSE(refused) << "expected a refusal";
  EXPECT_NE(refused.error().message.find("does not belong"), std::string::npos) << refused.error();
}

TEST(Identity, LeftoverStagingFolderIsDiscarded) {
  test::TempDir state;
  test::write_file(state / "identity.new/private_key.pem", "half written");
  const auto identity = load_or_create_identity(state.path());
  ASSERT_TRUE(identity) << identity.error();
  EXPECT_FALSE(fs::exists(state / "identity.new"));
  EXPECT_EQ(load_or_create_identity(state.path()).value().fingerprint, identity->fingerprint);
}

}  // namespace
}  // namespace lanspread::transport
