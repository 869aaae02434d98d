#pragma once

#ifdef _WIN32
#include <windows.h>
#endif

namespace lanspread::test {

// Whether this Windows program runs under wine (its ntdll exports
// wine_get_version), for the few checks wine cannot answer as Windows would
// (docs/windows.md). False on every other system.
inline bool running_under_wine() {
#ifdef _WIN32
  const HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
  return ntdll != nullptr && GetProcAddress(ntdll, "wine_get_version") != nullptr;
#else
  return false;
#endif
}

}  // namespace lanspread::test
