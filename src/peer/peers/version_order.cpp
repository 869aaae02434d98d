#include "peer/peers/version_order.hpp"

#include <algorithm>
#include <compare>

namespace lanspread::peer {
namespace {

bool all_digits(std::string_view text) {
  return !text.empty() && std::ranges::all_of(text, [](char c) { return c >= '0' && c <= '9'; });
}

std::strong_ordering compare_component(std::string_view a, std::string_view b) {
  if (all_digits(a) && all_digits(b)) {
    // Numbers of any length: without leading zeros, the longer is larger.
    a.remove_prefix(std::min(a.find_first_not_of('0'), a.size()));
    b.remove_prefix(std::min(b.find_first_not_of('0'), b.size()));
    if (a.size() != b.size())
      return a.size() <=> b.size();
  }
  return a.compare(b) <=> 0;
}

std::string_view next_component(std::string_view& rest) {
  const auto dot = rest.find('.');
  const auto component = rest.substr(0, dot);
  rest.remove_prefix(dot == std::string_view::npos ? rest.size() : dot + 1);
  return component;
}

}  // namespace

std::strong_ordering compare_versions(std::string_view a, std::string_view b) {
  while (!a.empty() || !b.empty()) {
    // A missing component sorts first: "1.2" < "1.2.1".
    if (a.empty())
      return std::strong_ordering::less;
    if (b.empty())
      return std::strong_ordering::greater;
    const auto order = compare_component(next_component(a), next_component(b));
    if (std::is_neq(order))
      return order;
  }
  return std::strong_ordering::equal;
}

}  // namespace lanspread::peer
