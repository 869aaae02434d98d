#pragma once

#include <compare>
#include <string_view>

namespace lanspread::peer {

// Orders two version.ini contents. Versions are compared component by
// component ('.'-separated); two all-digit components compare as numbers
// (so "1.10" > "1.9" and "20240105" > "20231231"), anything else as text.
std::strong_ordering compare_versions(std::string_view a, std::string_view b);

}  // namespace lanspread::peer
