#include "platform/upper_case.hpp"

#include <locale.h>
#include <wctype.h>

namespace lanspread::platform {

std::u32string upper_case(std::u32string_view text) {
  // Only the C locale's ASCII table is there without one; C.UTF-8 carries
  // all of Unicode's. Made once, never freed: it is read-only.
  static const locale_t utf8 = ::newlocale(LC_CTYPE_MASK, "C.UTF-8", nullptr);
  std::u32string out(text);
  for (auto& c : out) {
    const auto upper = utf8 != nullptr ? ::towupper_l(static_cast<wint_t>(c), utf8)
                                       : ::towupper(static_cast<wint_t>(c));
    c = static_cast<char32_t>(upper);
  }
  return out;
}

}  // namespace lanspread::platform
