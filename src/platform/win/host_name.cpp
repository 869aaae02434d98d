#include "platform/host_name.hpp"

#include <windows.h>

#include <filesystem>

#include "base/utf8_path.hpp"

namespace lanspread::platform {

std::string host_name() {
  DWORD size = 0;
  ::GetComputerNameExW(ComputerNameDnsHostname, nullptr, &size);  // asks for the size
  std::wstring name(size, L'\0');
  if (size == 0 || ::GetComputerNameExW(ComputerNameDnsHostname, name.data(), &size) == 0)
    return {};
  name.resize(size);
  // A native (wide) path converts to UTF-8 exactly.
  return utf8_of(std::filesystem::path(name));
}

}  // namespace lanspread::platform
