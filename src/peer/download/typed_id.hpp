#pragma once

#include <compare>
#include <ostream>

namespace lanspread::peer::download {

// A number that names one kind of thing (`Tag`): ids of different kinds do
// not mix, and a bare integer becomes one only explicitly, so a peer cannot be
// passed where a block is expected.
template <class Tag, class Number>
class TypedId {
 public:
  constexpr TypedId() = default;
  constexpr explicit TypedId(Number value) : value_(value) {}

  constexpr Number value() const { return value_; }
  constexpr auto operator<=>(const TypedId&) const = default;

  // For log lines and test failure messages.
  friend std::ostream& operator<<(std::ostream& out, TypedId id) { return out << id.value_; }

 private:
  Number value_{};
};

}  // namespace lanspread::peer::download
