#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "proto/file_description.hpp"
#include "proto/game.hpp"
#include "proto/json.hpp"

// The codec's decoding primitives (internal to lanspread_proto): validated
// reads of single JSON values, each failure naming the place it happened.
namespace lanspread::proto::wire {

using nlohmann::json;

// Quoted peer-supplied text is cut to this many bytes in error messages.
inline constexpr std::size_t kMaxQuotedBytes = 40;

// Decoding reports problems by throwing these; they are turned into a
// Result's Error (or, for from_json, the nlohmann type_error its caller
// expects) before leaving the codec, which keeps every validation step of the
// SAX parse a one-liner. They never leave the codec (docs/decisions.md,
// Errors).
struct DecodeError {
  std::string message;
};

// Error messages may quote peer-supplied text: escaping and truncating it
// keeps them short, single-line, printable ASCII, and so safe to log or echo.
std::string printable(std::string_view text, std::size_t max_bytes);
std::string quote(std::string_view text);

// A place in a message, such as field "files[2].size" of a response. The
// path is only spelt out on failure, which keeps successful decoding free of
// string building; the price is that a location must not outlive its parent.
class Location {
 public:
  explicit Location(std::string_view message) : message_(message) {}

  Location field(std::string_view key) const { return Location(*this, key, 0, false); }
  Location element(std::size_t index) const { return Location(*this, {}, index, true); }

  [[noreturn]] void fail(std::string_view problem) const;

 private:
  Location(const Location& parent, std::string_view key, std::size_t index, bool is_element)
      : message_(parent.message_),
        parent_(&parent),
        key_(key),
        index_(index),
        is_element_(is_element) {}

  void append_path(std::string& out) const;

  std::string_view message_;
  const Location* parent_ = nullptr;
  std::string_view key_;
  std::size_t index_ = 0;
  bool is_element_ = false;
};

// "expected <what>, got <the JSON type of value>".
std::string expected(std::string_view what, const json& value);

std::string read_string(const json& value, const Location& at);
std::uint64_t read_u64(const json& value, const Location& at);
std::uint32_t read_u32(const json& value, const Location& at);
bool read_bool(const json& value, const Location& at);
const json::array_t& read_array(const json& value, const Location& at);
// 64 lowercase hex digits.
Sha256Digest read_digest(const json& value, const Location& at);

// The games and files lists of a response are decoded while parsing (see
// MessageBuilder in codec.cpp); the JSON only holds an empty array in their
// place.
struct DecodedLists {
  std::vector<Game> games;
  std::vector<GameFileDescription> files;
};

// Reads one JSON object field by field. finish() rejects every field that was
// not read, so misspelt or stray fields cannot go unnoticed.
class ObjectReader {
 public:
  // `lists`: what the parser decoded already, for the fields that hold them.
  ObjectReader(const json& value, Location at, DecodedLists* lists = nullptr);

  Location at(std::string_view key) const { return at_.field(key); }
  const json& field(std::string_view key);
  DecodedLists& lists();

  void finish() const;

 private:
  Location at_;
  const json::object_t& object_;
  DecodedLists* lists_;
  std::vector<std::string_view> read_;
};

}  // namespace lanspread::proto::wire
