#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <variant>

namespace lanspread::proto {

// The outcome of decoding untrusted bytes: either the value or a
// human-readable reason why the bytes were rejected.
template <class T>
class [[nodiscard]] DecodeResult {
 public:
  static DecodeResult ok(T value) { return DecodeResult(std::in_place_index<0>, std::move(value)); }
  static DecodeResult failure(std::string message) {
    return DecodeResult(std::in_place_index<1>, std::move(message));
  }

  explicit operator bool() const noexcept { return state_.index() == 0; }

  // value() and error() throw std::bad_variant_access when called on the
  // wrong kind of result.
  T& value() & { return std::get<0>(state_); }
  const T& value() const& { return std::get<0>(state_); }
  // By value, so that `decode_request(bytes).value()` cannot dangle.
  T value() && { return std::get<0>(std::move(state_)); }
  const std::string& error() const { return std::get<1>(state_); }

 private:
  template <std::size_t I, class Arg>
  DecodeResult(std::in_place_index_t<I> index, Arg&& arg) : state_(index, std::forward<Arg>(arg)) {}

  // Indexed rather than typed access so that T may itself be std::string.
  std::variant<T, std::string> state_;
};

}  // namespace lanspread::proto
