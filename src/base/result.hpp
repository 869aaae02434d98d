#pragma once

#include <concepts>
#include <ostream>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>

// The project's one way for an operation that can fail to say so
// (docs/decisions.md, Errors): it returns Result<T>, either its value or an
// Error, or Result<void> when success has no value. Exceptions are left to
// constructors and to the libraries that throw (Asio's coroutines, nlohmann).
namespace lanspread {

// Why an operation did not give its value, in words a user can read: the
// message ends up in a log line, an event, an HTTP answer or on stderr.
struct Error {
  enum class Kind {
    Failed,
    // Stopped because its caller asked it to stop. Not a failure: the runtime
    // reports a cancelled download or install differently from a failed one.
    Cancelled,
  };

  std::string message;
  Kind kind = Kind::Failed;

  static Error cancelled() { return {"cancelled", Kind::Cancelled}; }
  bool was_cancelled() const { return kind == Kind::Cancelled; }
};

inline std::ostream& operator<<(std::ostream& out, const Error& error) {
  return out << error.message;
}

template <class T, class E = Error>
class [[nodiscard]] Result;

// What a Result takes as its value: anything its T can be made of, but
// neither a Result of the same type nor its error (those are copied, or
// make a failure).
template <class U, class R>
concept ValueOf = std::is_constructible_v<typename R::value_type, U> &&
                  !std::same_as<std::remove_cvref_t<U>, R> &&
                  !std::same_as<std::remove_cvref_t<U>, typename R::error_type>;

// Either a T or an E (an Error unless a layer's failures are something a
// caller sends on or branches on, such as a refusal that goes to a peer).
//
//   Result<Plan> plan(...) {
//     if (...) return Error{"why not"};
//     return plan;
//   }
//   auto planned = plan(...);
//   if (!planned) return planned.error();
//   use(*planned);
//
// value(), operator* and error() throw std::bad_variant_access when called
// on the wrong kind of result: a bug, never a way to report a failure.
template <class T, class E>
class [[nodiscard]] Result {
 public:
  using value_type = T;
  using error_type = E;

  // A value, from anything T can be made of (`return files;`).
  template <ValueOf<Result> U = T>
  explicit(!std::is_convertible_v<U, T>) Result(U&& value)
      : state_(std::in_place_index<0>, std::forward<U>(value)) {}
  // A failure (`return Error{"why"};`).
  Result(E error) : state_(std::in_place_index<1>, std::move(error)) {}

  bool has_value() const noexcept { return state_.index() == 0; }
  explicit operator bool() const noexcept { return has_value(); }
  bool was_cancelled() const requires std::same_as<E, Error> {
    return !has_value() && error().was_cancelled();
  }

  T& value() & { return std::get<0>(state_); }
  const T& value() const& { return std::get<0>(state_); }
  // By value, so that `decode_request(bytes).value()` cannot dangle.
  T value() && { return std::get<0>(std::move(state_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const E& error() const { return std::get<1>(state_); }

 private:
  // Indexed rather than typed access, so that T may be the same type as E.
  std::variant<T, E> state_;
};

// Success without a value (`return {};`), or a failure.
template <class E>
class [[nodiscard]] Result<void, E> {
 public:
  Result() = default;
  Result(E error) : state_(std::in_place_index<1>, std::move(error)) {}

  bool has_value() const noexcept { return state_.index() == 0; }
  explicit operator bool() const noexcept { return has_value(); }
  bool was_cancelled() const requires std::same_as<E, Error> {
    return !has_value() && error().was_cancelled();
  }

  const E& error() const { return std::get<1>(state_); }

 private:
  std::variant<std::monostate, E> state_;
};

}  // namespace lanspread
