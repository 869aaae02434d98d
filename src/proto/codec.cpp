#include "proto/codec.hpp"

#include <cstdint>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "proto/json.hpp"
#include "proto/message_fields.hpp"
#include "proto/object_reader.hpp"

namespace lanspread::proto {
namespace {

using nlohmann::json;
using wire::DecodedLists;
using wire::DecodeError;
using wire::Location;
using wire::Nested;
using wire::ObjectReader;
using wire::printable;

// Valid messages nest four levels deep at most (response, files, file,
// block_hashes). Deeper content is dropped unread anyway (see
// MessageBuilder); the cap just stops hostile nesting early.
constexpr int kMaxDepth = 8;

constexpr std::size_t kMaxParserMessageBytes = 200;

// The fields a request or a response may carry at its top level, and what
// the parser keeps under each: both from the tables.
struct TopLevel {
  bool (*is_field)(std::string_view key);
  Nested (*nested)(std::string_view key);
};

constexpr TopLevel kRequestTopLevel{
    .is_field =
        [](std::string_view key) {
          return key == wire::kTypeKey || wire::has_field<Request>(key) ||
                 wire::has_field_in_any(std::type_identity<RequestBody>(), key);
        },
    .nested =
        [](std::string_view key) {
          return wire::nested_in_any(std::type_identity<RequestBody>(), key);
        }};

constexpr TopLevel kResponseTopLevel{
    .is_field =
        [](std::string_view key) {
          return key == wire::kTypeKey ||
                 wire::has_field_in_any(std::type_identity<Response>(), key);
        },
    .nested =
        [](std::string_view key) {
          return wire::nested_in_any(std::type_identity<Response>(), key);
        }};

template <class Message>
Message decode_object(const json& value, const Location& at) {
  ObjectReader fields(value, at);
  Message message{};
  wire::decode_fields(fields, message);
  fields.finish();
  return message;
}

// The type of message the object read by `fields` claims to be.
std::string read_type(ObjectReader& fields) {
  return wire::decode_value<std::string>(fields, wire::kTypeKey);
}

Request decode_request_object(const json& root, const Location& at) {
  ObjectReader fields(root, at);
  Request request;
  wire::decode_fields(fields, request);
  const std::string type = read_type(fields);
  if (!wire::decode_message(type, fields, request.body)) {
    fields.at(wire::kTypeKey).fail("unknown request type " + wire::quote(type));
  }
  fields.finish();
  return request;
}

Response decode_response_object(const json& root, DecodedLists& lists, const Location& at) {
  ObjectReader fields(root, at, &lists);
  const std::string type = read_type(fields);
  Response response;
  if (!wire::decode_message(type, fields, response)) {
    fields.at(wire::kTypeKey).fail("unknown response type " + wire::quote(type));
  }
  fields.finish();
  return response;
}

// nlohmann's messages start with an identifier such as
// "[json.exception.parse_error.101] " that means nothing to a reader.
std::string_view without_exception_id(std::string_view message) {
  const auto end = message.find("] ");
  return end == std::string_view::npos ? message : message.substr(end + 2);
}

// Check a field name as soon as the parser reports it, before a hostile peer
// can make us store a million of them.
void check_known(std::string_view name, bool (*is_field)(std::string_view), const Location& at) {
  if (!is_field(name)) {
    at.field(printable(name, wire::kMaxQuotedBytes)).fail("unexpected field");
  }
}

// Receives the parser's SAX events for one message and builds the small DOM
// that decoding reads. A DOM of the whole input could take some thirty times
// its size in memory (for "[{},{},...]", say), so instead:
//  - games and files are decoded one by one as they complete, and only the
//    decoded values are kept;
//  - unknown fields and malformed block hashes fail on sight;
//  - any other container is stored empty, without its content: the decoder
//    only ever rejects it ("expected a string, got an array"), for which its
//    type is enough.
// Memory thus stays within a small multiple of the decoded result, and a
// message is rejected as soon as it goes wrong.
class MessageBuilder {
 public:
  MessageBuilder(const Location& at, TopLevel top) : at_(at), top_(top) {}

  const json& root() const { return root_; }
  DecodedLists& lists() { return lists_; }

  // The SAX interface of nlohmann::json::sax_parse.
  bool null() { return store(json()); }
  bool boolean(bool value) { return store(json(value)); }
  bool number_integer(json::number_integer_t value) { return store(json(value)); }
  bool number_unsigned(json::number_unsigned_t value) { return store(json(value)); }
  bool number_float(json::number_float_t value, const std::string&) { return store(json(value)); }
  bool string(std::string& value) { return store(json(std::move(value))); }
  bool binary(json::binary_t& value) { return store(json::binary(std::move(value))); }
  bool start_object(std::size_t) { return open(json::value_t::object); }
  bool start_array(std::size_t) { return open(json::value_t::array); }
  bool end_object() { return close(); }
  bool end_array() { return close(); }

  bool key(std::string& name) {
    if (dropped_depth_ > 0) {
      return true;
    }
    if (levels_.back() == Level::Root) {
      check_known(name, top_.is_field, at_);
      root_key_ = std::move(name);
    } else {
      const Location list_at = at_.field(root_key_);
      check_known(name,
                  levels_.back() == Level::Game ? wire::has_field<Game>
                                                : wire::has_field<GameFileDescription>,
                  list_at.element(index_));
      element_key_ = std::move(name);
    }
    return true;
  }

  [[noreturn]] bool parse_error(std::size_t, const std::string&, const json::exception& error) {
    at_.fail("malformed JSON: " +
             printable(without_exception_id(error.what()), kMaxParserMessageBytes));
  }

 private:
  // The containers whose content is kept.
  enum class Level { Root, Games, Files, Game, File, BlockHashes };

  std::optional<Level> level_of_new(json::value_t type) const {
    const bool is_object = type == json::value_t::object;
    if (levels_.empty()) {
      return is_object ? std::optional(Level::Root) : std::nullopt;
    }
    switch (levels_.back()) {
      case Level::Root:
        if (is_object) {
          return std::nullopt;
        }
        switch (top_.nested(root_key_)) {
          case Nested::Games:
            return Level::Games;
          case Nested::Files:
            return Level::Files;
          default:
            return std::nullopt;
        }
      case Level::Games:
        return is_object ? std::optional(Level::Game) : std::nullopt;
      case Level::Files:
        return is_object ? std::optional(Level::File) : std::nullopt;
      case Level::File:
        return !is_object &&
                       wire::nested_in<GameFileDescription>(element_key_) == Nested::BlockHashes
                   ? std::optional(Level::BlockHashes)
                   : std::nullopt;
      case Level::Game:
      case Level::BlockHashes:
        return std::nullopt;
    }
    return std::nullopt;
  }

  bool open(json::value_t type) {
    if (levels_.size() + dropped_depth_ >= kMaxDepth) {
      at_.fail("nested deeper than " + std::to_string(kMaxDepth) + " levels");
    }
    const std::optional<Level> level = dropped_depth_ == 0 ? level_of_new(type) : std::nullopt;
    if (!level) {
      if (dropped_depth_ == 0) {
        dropped_type_ = type;
      }
      ++dropped_depth_;
      return true;
    }
    switch (*level) {
      case Level::Root:
        root_ = json::object();
        break;
      case Level::Games:
      case Level::Files:
        // A repeated key replaces the earlier value, as in any JSON object.
        root_[root_key_] = json::array();
        if (*level == Level::Games) {
          lists_.games.clear();
        } else {
          lists_.files.clear();
        }
        index_ = 0;
        break;
      case Level::Game:
      case Level::File:
        element_ = json::object();
        break;
      case Level::BlockHashes:
        element_[element_key_] = json::array();
        hash_index_ = 0;
        break;
    }
    levels_.push_back(*level);
    return true;
  }

  bool close() {
    if (dropped_depth_ > 0) {
      --dropped_depth_;
      return dropped_depth_ > 0 || store(json(dropped_type_));
    }
    const Level level = levels_.back();
    levels_.pop_back();
    if (level == Level::Game || level == Level::File) {
      add_element(element_);
    }
    return true;
  }

  // Stores a complete value: a scalar, or a container without its content.
  bool store(json value) {
    if (dropped_depth_ > 0) {
      return true;
    }
    if (levels_.empty()) {
      root_ = std::move(value);
      return true;
    }
    switch (levels_.back()) {
      case Level::Root:
        root_[root_key_] = std::move(value);
        break;
      case Level::Games:
      case Level::Files:
        add_element(value);
        break;
      case Level::Game:
      case Level::File:
        element_[element_key_] = std::move(value);
        break;
      case Level::BlockHashes:
        add_block_hash(std::move(value));
        break;
    }
    return true;
  }

  void add_element(const json& element) {
    const Location list_at = at_.field(root_key_);
    const Location element_at = list_at.element(index_++);
    if (levels_.back() == Level::Games) {
      lists_.games.push_back(decode_object<Game>(element, element_at));
    } else {
      lists_.files.push_back(decode_object<GameFileDescription>(element, element_at));
    }
  }

  void add_block_hash(json hash) {
    const Location list_at = at_.field(root_key_);
    const Location file_at = list_at.element(index_);
    const Location hashes_at = file_at.field(element_key_);
    wire::read_digest(hash, hashes_at.element(hash_index_++));
    element_[element_key_].push_back(std::move(hash));
  }

  Location at_;
  TopLevel top_;
  json root_;
  std::string root_key_;
  json element_;  // the game or file being parsed
  std::string element_key_;
  std::size_t index_ = 0;  // of element_ in its list
  std::size_t hash_index_ = 0;
  DecodedLists lists_;
  std::vector<Level> levels_;
  std::size_t dropped_depth_ = 0;  // open containers whose content is dropped
  json::value_t dropped_type_ = json::value_t::null;
};

void parse(std::string_view bytes, std::size_t max_bytes, const Location& at,
           MessageBuilder& builder) {
  if (bytes.size() > max_bytes) {
    at.fail(std::to_string(bytes.size()) + " bytes exceed the limit of " +
            std::to_string(max_bytes));
  }
  json::sax_parse(bytes.begin(), bytes.end(), &builder);
}

template <class T, class Decode>
Result<T> guarded(Decode decode) noexcept {
  try {
    return decode();
  } catch (DecodeError& error) {
    return Error{std::move(error.message)};
  } catch (const std::bad_alloc&) {
    return Error{"out of memory"};
  }
}

// For from_json: the same checks, reported as nlohmann reports content errors.
template <class Message>
void decode_stored(const json& in, Message& out, std::string_view what) {
  try {
    out = decode_object<Message>(in, Location(what));
  } catch (DecodeError& error) {
    throw json::type_error::create(302, error.message, &in);
  }
}

std::string dump(const json& message) {
  return message.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace

void to_json(json& out, const Game& game) {
  out = json::object();
  wire::encode_fields(out, game);
}

void to_json(json& out, const GameFileDescription& file) {
  out = json::object();
  wire::encode_fields(out, file);
}

void from_json(const json& in, Game& game) {
  decode_stored(in, game, "game");
}

void from_json(const json& in, GameFileDescription& file) {
  decode_stored(in, file, "file description");
}

std::string encode(const Request& request) {
  json message = json::object();
  wire::encode_fields(message, request);
  wire::encode_message(message, request.body);
  return dump(message);
}

std::string encode(const Response& response) {
  json message = json::object();
  wire::encode_message(message, response);
  return dump(message);
}

Result<Request> decode_request(std::string_view bytes) noexcept {
  return guarded<Request>([bytes] {
    const Location at("request");
    MessageBuilder message(at, kRequestTopLevel);
    parse(bytes, kMaxRequestBytes, at, message);
    return decode_request_object(message.root(), at);
  });
}

Result<Response> decode_response(std::string_view bytes) noexcept {
  return guarded<Response>([bytes] {
    const Location at("response");
    MessageBuilder message(at, kResponseTopLevel);
    parse(bytes, kMaxResponseBytes, at, message);
    return decode_response_object(message.root(), message.lists(), at);
  });
}

}  // namespace lanspread::proto
