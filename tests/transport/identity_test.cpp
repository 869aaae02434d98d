#include "transport/identity.hpp"

#include <gtest/gtest.h>

#ifdef _WIN32
#include <windows.h>
// After windows.h:
#include <aclapi.h>

#include <memory>
#include <vector>
#else
#include <sys/stat.h>
#endif

#include "support/temp_dir.hpp"
#include "support/wine.hpp"

namespace lanspread::transport {
namespace {
namespace fs = std::filesystem;

#ifdef _WIN32
// Windows has no modes: private means an access list with one entry, the
// current user, and (for the folder) nothing inherited from above.
struct AccessList {
  bool protected_from_parent = false;
  std::vector<bool> entries_for_current_user;
};

AccessList access_list_of(const fs::path& path) {
  PACL dacl = nullptr;
  PSECURITY_DESCRIPTOR raw = nullptr;
  AccessList result;
  if (GetNamedSecurityInfoW(path.c_str(), SE_FILE_OBJECT, DACL_SECURITY_INFORMATION, nullptr,
                            nullptr, &dacl, nullptr, &raw) != ERROR_SUCCESS) {
    ADD_FAILURE() << "no access list on " << path.string();
    return result;
  }
  const std::unique_ptr<void, decltype(&LocalFree)> descriptor(raw, LocalFree);
  SECURITY_DESCRIPTOR_CONTROL control = 0;
  DWORD revision = 0;
  GetSecurityDescriptorControl(raw, &control, &revision);
  result.protected_from_parent = (control & SE_DACL_PROTECTED) != 0;

  HANDLE token = nullptr;
  OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &token);
  DWORD size = 0;
  GetTokenInformation(token, TokenUser, nullptr, 0, &size);
  std::vector<std::byte> user(size);
  GetTokenInformation(token, TokenUser, user.data(), size, &size);
  CloseHandle(token);
  const PSID me = reinterpret_cast<const TOKEN_USER*>(user.data())->User.Sid;

  for (DWORD i = 0; dacl != nullptr && i < dacl->AceCount; ++i) {
    void* ace = nullptr;
    GetAce(dacl, i, &ace);
    const auto* allowed = static_cast<const ACCESS_ALLOWED_ACE*>(ace);
    result.entries_for_current_user.push_back(allowed->Header.AceType == ACCESS_ALLOWED_ACE_TYPE &&
                                              EqualSid(const_cast<DWORD*>(&allowed->SidStart), me));
  }
  return result;
}

void expect_only_the_user_may_enter(const fs::path& path, bool folder) {
  const auto list = access_list_of(path);
  if (folder) {
    EXPECT_TRUE(list.protected_from_parent) << path.string();
  }
  EXPECT_EQ(list.entries_for_current_user, std::vector<bool>{true}) << path.string();
}
#else
mode_t mode_of(const fs::path& path) {
  struct stat info {};
  stat(path.c_str(), &info);
  return info.st_mode & 0777;
}
#endif

TEST(Identity, IsCreatedOnceAndKeptPrivate) {
  test::TempDir state;
  const auto first = load_or_create_identity(state.path());
  ASSERT_TRUE(first) << first.error();
  EXPECT_EQ(first->fingerprint.size(), 64u);
  EXPECT_NE(first->private_key_pem.find("PRIVATE KEY"), std::string::npos);

  const auto again = load_or_create_identity(state.path());
  ASSERT_TRUE(again) << again.error();
  EXPECT_EQ(again->fingerprint, first->fingerprint);
  EXPECT_EQ(again->private_key_pem, first->private_key_pem);

#ifdef _WIN32
  if (test::running_under_wine())
    GTEST_SKIP() << "wine keeps no access lists on files (it derives them from Unix modes)";
  expect_only_the_user_may_enter(state / "identity/private_key.pem", false);
  expect_only_the_user_may_enter(state / "identity/certificate.pem", false);
  expect_only_the_user_may_enter(state / "identity", true);
#else
  EXPECT_EQ(mode_of(state / "identity/private_key.pem"), 0600u);
  EXPECT_EQ(mode_of(state / "identity/certificate.pem"), 0600u);
  EXPECT_EQ(mode_of(state / "identity"), 0700u);
#endif
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
