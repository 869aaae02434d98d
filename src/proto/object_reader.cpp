#include "proto/object_reader.hpp"

#include <algorithm>
#include <limits>
#include <utility>

#include "proto/hex.hpp"

namespace lanspread::proto::wire {
namespace {

std::string describe(const json& value) {
  switch (value.type()) {
    case json::value_t::number_integer:
      return value.get<std::int64_t>() < 0 ? "a negative number" : "an integer";
    case json::value_t::number_float:
      return "a non-integer number";
    case json::value_t::null:
      return "null";
    case json::value_t::array:
    case json::value_t::object:
      return std::string("an ") + value.type_name();
    default:
      return std::string("a ") + value.type_name();
  }
}

const json::object_t& as_object(const json& value, const Location& at) {
  if (!value.is_object()) {
    at.fail(expected("an object", value));
  }
  return value.get_ref<const json::object_t&>();
}

}  // namespace

std::string printable(std::string_view text, std::size_t max_bytes) {
  std::string out;
  for (const char c : text.substr(0, max_bytes)) {
    const auto byte = static_cast<std::uint8_t>(c);
    if (byte >= 0x20 && byte < 0x7f) {
      out += c;
    } else {
      out += "\\x";
      append_hex(out, {&byte, 1});
    }
  }
  if (text.size() > max_bytes) {
    out += "...";
  }
  return out;
}

std::string quote(std::string_view text) {
  return '"' + printable(text, kMaxQuotedBytes) + '"';
}

void Location::fail(std::string_view problem) const {
  std::string text(message_);
  if (parent_ != nullptr) {
    text += " field '";
    append_path(text);
    text += '\'';
  }
  text += ": ";
  text += problem;
  throw DecodeError{std::move(text)};
}

void Location::append_path(std::string& out) const {
  const bool is_top_level = parent_->parent_ == nullptr;
  if (!is_top_level) {
    parent_->append_path(out);
  }
  if (is_element_) {
    out += '[' + std::to_string(index_) + ']';
  } else {
    if (!is_top_level) {
      out += '.';
    }
    out += key_;
  }
}

std::string expected(std::string_view what, const json& value) {
  return "expected " + std::string(what) + ", got " + describe(value);
}

std::string read_string(const json& value, const Location& at) {
  if (!value.is_string()) {
    at.fail(expected("a string", value));
  }
  const auto& text = value.get_ref<const std::string&>();
  if (text.find('\0') != std::string::npos) {
    at.fail("must not contain NUL characters");
  }
  return text;
}

std::uint64_t read_u64(const json& value, const Location& at) {
  if (value.is_number_unsigned()) {
    return value.get<std::uint64_t>();
  }
  // Parsed JSON stores non-negative integers as unsigned, but JSON built in
  // code (for from_json) may hold them as signed.
  if (value.is_number_integer() && value.get<std::int64_t>() >= 0) {
    return static_cast<std::uint64_t>(value.get<std::int64_t>());
  }
  at.fail(expected("an unsigned integer", value));
}

std::uint32_t read_u32(const json& value, const Location& at) {
  const std::uint64_t number = read_u64(value, at);
  if (number > std::numeric_limits<std::uint32_t>::max()) {
    at.fail(std::to_string(number) + " is out of range for an unsigned 32-bit integer");
  }
  return static_cast<std::uint32_t>(number);
}

bool read_bool(const json& value, const Location& at) {
  if (!value.is_boolean()) {
    at.fail(expected("a boolean", value));
  }
  return value.get<bool>();
}

const json::array_t& read_array(const json& value, const Location& at) {
  if (!value.is_array()) {
    at.fail(expected("an array", value));
  }
  return value.get_ref<const json::array_t&>();
}

Sha256Digest read_digest(const json& value, const Location& at) {
  if (!value.is_string()) {
    at.fail(expected("a string", value));
  }
  const auto& text = value.get_ref<const std::string&>();
  Sha256Digest digest{};
  if (text.size() != 2 * digest.size()) {
    at.fail("expected 64 lowercase hex digits, got " + std::to_string(text.size()) + " bytes");
  }
  if (!from_hex(text, digest)) {
    at.fail("expected 64 lowercase hex digits, got " + quote(text));
  }
  return digest;
}

ObjectReader::ObjectReader(const json& value, Location at, DecodedLists* lists)
    : at_(at), object_(as_object(value, at_)), lists_(lists) {
  read_.reserve(object_.size());
}

const json& ObjectReader::field(std::string_view key) {
  const auto it = object_.find(key);
  if (it == object_.end()) {
    at(key).fail("missing");
  }
  read_.push_back(key);
  return it->second;
}

DecodedLists& ObjectReader::lists() {
  if (lists_ == nullptr) {
    at_.fail("has a list where none is expected");  // a schema error, not the peer's
  }
  return *lists_;
}

void ObjectReader::finish() const {
  for (const auto& [key, value] : object_) {
    if (std::find(read_.begin(), read_.end(), key) == read_.end()) {
      at_.field(printable(key, kMaxQuotedBytes)).fail("unexpected field");
    }
  }
}

}  // namespace lanspread::proto::wire
