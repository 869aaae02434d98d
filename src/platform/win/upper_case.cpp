#include "platform/upper_case.hpp"

#include <windows.h>

namespace lanspread::platform {
namespace {

std::wstring utf16(std::u32string_view text) {
  std::wstring out;
  for (const char32_t c : text) {
    if (c >= 0x10000) {
      out.push_back(static_cast<wchar_t>(0xD800 + ((c - 0x10000) >> 10)));
      out.push_back(static_cast<wchar_t>(0xDC00 + ((c - 0x10000) & 0x3FF)));
    } else {
      out.push_back(static_cast<wchar_t>(c));
    }
  }
  return out;
}

std::u32string utf32(std::wstring_view text) {
  std::u32string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto unit = static_cast<char32_t>(text[i]);
    if (unit >= 0xD800 && unit < 0xDC00 && i + 1 < text.size()) {
      out.push_back(0x10000 + ((unit - 0xD800) << 10) +
                    (static_cast<char32_t>(text[++i]) - 0xDC00));
    } else {
      out.push_back(unit);
    }
  }
  return out;
}

}  // namespace

std::u32string upper_case(std::u32string_view text) {
  const auto wide = utf16(text);
  if (wide.empty())
    return {};
  // Simple (one-for-one) mapping keeps the length in UTF-16 units.
  std::wstring upper(wide.size(), L'\0');
  const int written = ::LCMapStringEx(LOCALE_NAME_INVARIANT, LCMAP_UPPERCASE, wide.data(),
                                      static_cast<int>(wide.size()), upper.data(),
                                      static_cast<int>(upper.size()), nullptr, nullptr, 0);
  if (written <= 0)
    return std::u32string(text);
  upper.resize(static_cast<std::size_t>(written));
  return utf32(upper);
}

}  // namespace lanspread::platform
