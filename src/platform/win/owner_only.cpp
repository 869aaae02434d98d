#include "platform/owner_only.hpp"

#include <windows.h>
// After windows.h:
#include <aclapi.h>

#include <memory>
#include <vector>

#include "platform/win/unique_handle.hpp"
#include "platform/win/win_text.hpp"

namespace lanspread::platform {
namespace {

// The SID of the user this process runs as, copied out of its token.
std::vector<std::byte> current_user_sid(DWORD& error) {
  HANDLE raw = nullptr;
  if (!::OpenProcessToken(::GetCurrentProcess(), TOKEN_QUERY, &raw)) {
    error = ::GetLastError();
    return {};
  }
  const win::UniqueHandle token(raw);
  DWORD size = 0;
  ::GetTokenInformation(token.get(), TokenUser, nullptr, 0, &size);
  std::vector<std::byte> user(size);
  if (size == 0 || !::GetTokenInformation(token.get(), TokenUser, user.data(), size, &size)) {
    error = ::GetLastError();
    return {};
  }
  const PSID sid = reinterpret_cast<const TOKEN_USER*>(user.data())->User.Sid;
  std::vector<std::byte> copy(::GetLengthSid(sid));
  if (!::CopySid(static_cast<DWORD>(copy.size()), copy.data(), sid)) {
    error = ::GetLastError();
    return {};
  }
  return copy;
}

}  // namespace

Result<void> restrict_to_owner(const std::filesystem::path& dir) {
  DWORD error = 0;
  auto sid = current_user_sid(error);
  if (sid.empty())
    return Error{win::failure("cannot restrict", dir, error) + " (no user SID)"};

  EXPLICIT_ACCESSW access{};
  access.grfAccessPermissions = FILE_ALL_ACCESS;
  access.grfAccessMode = SET_ACCESS;
  access.grfInheritance = SUB_CONTAINERS_AND_OBJECTS_INHERIT;
  access.Trustee.TrusteeForm = TRUSTEE_IS_SID;
  access.Trustee.TrusteeType = TRUSTEE_IS_USER;
  access.Trustee.ptstrName = reinterpret_cast<LPWSTR>(sid.data());
  PACL raw_acl = nullptr;
  error = ::SetEntriesInAclW(1, &access, nullptr, &raw_acl);
  if (error != ERROR_SUCCESS)
    return Error{win::failure("cannot restrict", dir, error)};
  const std::unique_ptr<ACL, decltype(&::LocalFree)> acl(raw_acl, ::LocalFree);

  // PROTECTED: the parent's entries (Users, Administrators...) no longer
  // flow down into this folder.
  std::wstring name = dir.wstring();
  error = ::SetNamedSecurityInfoW(name.data(), SE_FILE_OBJECT,
                                  DACL_SECURITY_INFORMATION | PROTECTED_DACL_SECURITY_INFORMATION,
                                  nullptr, nullptr, acl.get(), nullptr);
  if (error != ERROR_SUCCESS)
    return Error{win::failure("cannot restrict", dir, error)};
  return {};
}

}  // namespace lanspread::platform
