#include "proto/codec.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <new>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "proto/hex.hpp"
#include "proto/json.hpp"

namespace lanspread::proto {
namespace {

using nlohmann::json;

// Valid messages nest four levels deep at most (response, files, file,
// block_hashes). Deeper content is dropped unread anyway (see
// MessageBuilder); the cap just stops hostile nesting early.
constexpr int kMaxDepth = 8;

// Quoted peer-supplied text is cut to this many bytes in error messages.
constexpr std::size_t kMaxQuotedBytes = 40;
constexpr std::size_t kMaxParserMessageBytes = 200;

constexpr std::string_view kPingType = "ping";
constexpr std::string_view kListGamesType = "list_games";
constexpr std::string_view kGetGameType = "get_game";
constexpr std::string_view kGetGameFileDataType = "get_game_file_data";
constexpr std::string_view kGetGameFileChunkType = "get_game_file_chunk";
constexpr std::string_view kPongType = "pong";
constexpr std::string_view kGamesType = "games";
constexpr std::string_view kGameFilesType = "game_files";
constexpr std::string_view kFileDataType = "file_data";
constexpr std::string_view kErrorType = "error";
constexpr std::string_view kAuthenticateType = "authenticate";
constexpr std::string_view kAuthenticatedType = "authenticated";
constexpr std::string_view kGetBlockMapType = "get_block_map";
constexpr std::string_view kBlockMapType = "block_map";

// Every field a message may carry at each level; see MessageBuilder.
using FieldNames = std::span<const std::string_view>;
constexpr std::array<std::string_view, 9> kRequestFields = {"protocol",      "type",   "game_id",
                                                            "relative_path", "offset", "length",
                                                            "peer_name",     "proof",  "manifest"};
constexpr std::array<std::string_view, 14> kResponseFields = {"type",        "library_revision",
                                                              "games",       "files",
                                                              "game_id",     "relative_path",
                                                              "offset",      "length",
                                                              "code",        "message",
                                                              "peer_name",   "proof",
                                                              "block_count", "blocks"};
constexpr std::array<std::string_view, 8> kGameFields = {
    "id", "name", "description", "genre", "max_players", "release_year", "size", "version"};
constexpr std::array<std::string_view, 6> kFileFields = {
    "game_id", "relative_path", "is_dir", "size", "block_size", "block_hashes"};

constexpr std::array kErrorCodes = {ErrorCode::UnknownGame,        ErrorCode::InvalidRequest,
                                    ErrorCode::NotAllowed,         ErrorCode::NotFound,
                                    ErrorCode::UnsupportedVersion, ErrorCode::Internal,
                                    ErrorCode::WrongPassphrase};

// Decoding reports problems by throwing these; they are turned into a
// DecodeResult (or, for from_json, a nlohmann type_error) before leaving this
// file, which keeps every validation step a one-liner.
struct DecodeError {
  std::string message;
};

// Error messages may quote peer-supplied text: escaping and truncating it
// keeps them short, single-line, printable ASCII, and so safe to log or echo.
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

// A place in a message, such as field "files[2].size" of a response. The
// path is only spelt out on failure, which keeps successful decoding free of
// string building; the price is that a location must not outlive its parent.
class Location {
 public:
  explicit Location(std::string_view message) : message_(message) {}

  Location field(std::string_view key) const { return Location(*this, key, 0, false); }
  Location element(std::size_t index) const { return Location(*this, {}, index, true); }

  [[noreturn]] void fail(std::string_view problem) const {
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

 private:
  Location(const Location& parent, std::string_view key, std::size_t index, bool is_element)
      : message_(parent.message_),
        parent_(&parent),
        key_(key),
        index_(index),
        is_element_(is_element) {}

  void append_path(std::string& out) const {
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

  std::string_view message_;
  const Location* parent_ = nullptr;
  std::string_view key_;
  std::size_t index_ = 0;
  bool is_element_ = false;
};

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

// null stands for "none".
std::optional<Sha256Digest> read_optional_digest(const json& value, const Location& at) {
  if (value.is_null()) {
    return std::nullopt;
  }
  return read_digest(value, at);
}

// A block map on the wire: ceil(count / 8) bytes in hex, block i in bit
// i % 8 (least significant first) of byte i / 8, unused bits zero.
std::vector<bool> read_block_bitmap(const json& value, std::uint64_t count, const Location& at) {
  if (!value.is_string()) {
    at.fail(expected("a string", value));
  }
  const auto& text = value.get_ref<const std::string&>();
  const std::uint64_t bytes = count / 8 + (count % 8 == 0 ? 0 : 1);
  if (text.size() / 2 != bytes || text.size() % 2 != 0) {
    at.fail("expected " + std::to_string(2 * bytes) + " hex digits for " + std::to_string(count) +
            " blocks, got " + std::to_string(text.size()));
  }
  std::vector<std::uint8_t> bitmap(bytes);
  if (!from_hex(text, bitmap)) {
    at.fail("expected lowercase hex digits");
  }
  std::vector<bool> blocks(static_cast<std::size_t>(count));
  for (std::size_t i = 0; i < bytes; ++i) {
    const unsigned byte = bitmap[i];
    for (unsigned bit = 0; bit < 8; ++bit) {
      const std::size_t index = 8 * i + bit;
      if ((byte >> bit & 1U) == 0) {
        continue;
      }
      if (index >= count) {
        at.fail("has bits set past block " + std::to_string(count));
      }
      blocks[index] = true;
    }
  }
  return blocks;
}

// Reads one JSON object field by field. finish() rejects every field that was
// not read, so misspelt or stray fields cannot go unnoticed.
class ObjectReader {
 public:
  ObjectReader(const json& value, Location at) : at_(at), object_(as_object(value, at_)) {
    read_.reserve(object_.size());
  }

  Location at(std::string_view key) const { return at_.field(key); }

  std::string string(std::string_view key) { return read_string(field(key), at(key)); }
  std::uint64_t u64(std::string_view key) { return read_u64(field(key), at(key)); }
  std::uint32_t u32(std::string_view key) { return read_u32(field(key), at(key)); }
  bool boolean(std::string_view key) { return read_bool(field(key), at(key)); }
  const json::array_t& array(std::string_view key) { return read_array(field(key), at(key)); }
  std::optional<Sha256Digest> optional_digest(std::string_view key) {
    return read_optional_digest(field(key), at(key));
  }
  Sha256Digest digest(std::string_view key) { return read_digest(field(key), at(key)); }
  std::vector<bool> block_bitmap(std::string_view key, std::uint64_t count) {
    return read_block_bitmap(field(key), count, at(key));
  }

  void finish() const {
    for (const auto& [key, value] : object_) {
      if (std::find(read_.begin(), read_.end(), key) == read_.end()) {
        at_.field(printable(key, kMaxQuotedBytes)).fail("unexpected field");
      }
    }
  }

 private:
  static const json::object_t& as_object(const json& value, const Location& at) {
    if (!value.is_object()) {
      at.fail(expected("an object", value));
    }
    return value.get_ref<const json::object_t&>();
  }

  const json& field(std::string_view key) {
    const auto it = object_.find(key);
    if (it == object_.end()) {
      at(key).fail("missing");
    }
    read_.push_back(key);
    return it->second;
  }

  Location at_;
  const json::object_t& object_;
  std::vector<std::string_view> read_;
};

// Whoever handles the range can then compute its end without wrapping around;
// checking it against the file size is the server's job.
void check_range(const ObjectReader& fields, std::uint64_t offset, std::uint64_t length) {
  if (length > std::numeric_limits<std::uint64_t>::max() - offset) {
    fields.at("length").fail("offset + length overflows 64 bits");
  }
}

Game decode_game(const json& value, const Location& at) {
  ObjectReader fields(value, at);
  Game game{
      .id = fields.string("id"),
      .name = fields.string("name"),
      .description = fields.string("description"),
      .genre = fields.string("genre"),
      .max_players = fields.u32("max_players"),
      .release_year = fields.u32("release_year"),
      .size = fields.u64("size"),
      .version = fields.string("version"),
  };
  fields.finish();
  return game;
}

std::uint64_t block_count(std::uint64_t size, std::uint32_t block_size) {
  if (block_size == 0) {
    return 0;
  }
  return size / block_size + (size % block_size == 0 ? 0 : 1);
}

GameFileDescription decode_file(const json& value, const Location& at) {
  ObjectReader fields(value, at);
  GameFileDescription file{
      .game_id = fields.string("game_id"),
      .relative_path = fields.string("relative_path"),
      .is_dir = fields.boolean("is_dir"),
      .size = fields.u64("size"),
      .block_size = fields.u32("block_size"),
      .block_hashes = {},
  };
  const json::array_t& hashes = fields.array("block_hashes");
  const Location hashes_at = fields.at("block_hashes");
  const std::uint64_t expected_count = block_count(file.size, file.block_size);
  if (hashes.size() != expected_count) {
    if (file.block_size == 0) {
      hashes_at.fail("must be empty while block_size is 0");
    }
    hashes_at.fail("expected " + std::to_string(expected_count) +
                   (expected_count == 1 ? " hash" : " hashes") + " for size " +
                   std::to_string(file.size) + " and block_size " +
                   std::to_string(file.block_size) + ", got " + std::to_string(hashes.size()));
  }
  file.block_hashes.reserve(hashes.size());
  for (std::size_t i = 0; i < hashes.size(); ++i) {
    file.block_hashes.push_back(read_digest(hashes[i], hashes_at.element(i)));
  }
  fields.finish();
  return file;
}

ErrorCode read_error_code(ObjectReader& fields) {
  const std::string name = fields.string("code");
  const auto* code = std::find_if(kErrorCodes.begin(), kErrorCodes.end(), [&](ErrorCode candidate) {
    return to_string(candidate) == name;
  });
  if (code == kErrorCodes.end()) {
    fields.at("code").fail("unknown error code " + quote(name));
  }
  return *code;
}

Request decode_request_object(const json& root, const Location& at) {
  ObjectReader fields(root, at);
  Request request;
  request.protocol_version = fields.u32("protocol");
  const std::string type = fields.string("type");
  if (type == kPingType) {
    request.body = PingRequest{};
  } else if (type == kListGamesType) {
    request.body = ListGamesRequest{};
  } else if (type == kGetGameType) {
    request.body = GetGameRequest{.game_id = fields.string("game_id")};
  } else if (type == kGetGameFileDataType) {
    request.body = GetGameFileDataRequest{.game_id = fields.string("game_id"),
                                          .relative_path = fields.string("relative_path")};
  } else if (type == kGetGameFileChunkType) {
    GetGameFileChunkRequest body{.game_id = fields.string("game_id"),
                                 .relative_path = fields.string("relative_path"),
                                 .offset = fields.u64("offset"),
                                 .length = fields.u64("length")};
    check_range(fields, body.offset, body.length);
    request.body = std::move(body);
  } else if (type == kAuthenticateType) {
    request.body = AuthenticateRequest{.peer_name = fields.string("peer_name"),
                                       .proof = fields.optional_digest("proof")};
  } else if (type == kGetBlockMapType) {
    request.body = GetBlockMapRequest{.game_id = fields.string("game_id"),
                                      .manifest = fields.digest("manifest")};
  } else {
    fields.at("type").fail("unknown request type " + quote(type));
  }
  fields.finish();
  return request;
}

// The games and files lists were decoded while parsing; `root` only holds an
// empty array in their place.
struct DecodedLists {
  std::vector<Game> games;
  std::vector<GameFileDescription> files;
};

Response decode_response_object(const json& root, DecodedLists& lists, const Location& at) {
  ObjectReader fields(root, at);
  const std::string type = fields.string("type");
  Response response;
  if (type == kPongType) {
    response = PongResponse{.library_revision = fields.u64("library_revision")};
  } else if (type == kGamesType) {
    static_cast<void>(fields.array("games"));
    response = GamesResponse{.games = std::move(lists.games)};
  } else if (type == kGameFilesType) {
    static_cast<void>(fields.array("files"));
    response =
        GameFilesResponse{.game_id = fields.string("game_id"), .files = std::move(lists.files)};
  } else if (type == kFileDataType) {
    FileDataResponse header{.game_id = fields.string("game_id"),
                            .relative_path = fields.string("relative_path"),
                            .offset = fields.u64("offset"),
                            .length = fields.u64("length")};
    check_range(fields, header.offset, header.length);
    response = std::move(header);
  } else if (type == kErrorType) {
    response = ErrorResponse{.code = read_error_code(fields), .message = fields.string("message")};
  } else if (type == kAuthenticatedType) {
    response = AuthenticatedResponse{.peer_name = fields.string("peer_name"),
                                     .proof = fields.optional_digest("proof")};
  } else if (type == kBlockMapType) {
    BlockMapResponse map{.game_id = fields.string("game_id"), .blocks = {}};
    const auto count = fields.u64("block_count");
    map.blocks = fields.block_bitmap("blocks", count);
    response = std::move(map);
  } else {
    fields.at("type").fail("unknown response type " + quote(type));
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
void check_known(std::string_view name, FieldNames known, const Location& at) {
  if (std::find(known.begin(), known.end(), name) == known.end()) {
    at.field(printable(name, kMaxQuotedBytes)).fail("unexpected field");
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
  MessageBuilder(const Location& at, FieldNames root_fields) : at_(at), root_fields_(root_fields) {}

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
      check_known(name, root_fields_, at_);
      root_key_ = std::move(name);
    } else {
      const Location list_at = at_.field(root_key_);
      check_known(name,
                  levels_.back() == Level::Game ? FieldNames(kGameFields) : FieldNames(kFileFields),
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
        if (!is_object && root_key_ == "games") {
          return Level::Games;
        }
        if (!is_object && root_key_ == "files") {
          return Level::Files;
        }
        return std::nullopt;
      case Level::Games:
        return is_object ? std::optional(Level::Game) : std::nullopt;
      case Level::Files:
        return is_object ? std::optional(Level::File) : std::nullopt;
      case Level::File:
        return !is_object && element_key_ == "block_hashes" ? std::optional(Level::BlockHashes)
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
      lists_.games.push_back(decode_game(element, element_at));
    } else {
      lists_.files.push_back(decode_file(element, element_at));
    }
  }

  void add_block_hash(json hash) {
    const Location list_at = at_.field(root_key_);
    const Location file_at = list_at.element(index_);
    const Location hashes_at = file_at.field(element_key_);
    read_digest(hash, hashes_at.element(hash_index_++));
    element_[element_key_].push_back(std::move(hash));
  }

  Location at_;
  FieldNames root_fields_;
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
DecodeResult<T> guarded(Decode decode) noexcept {
  try {
    return DecodeResult<T>::ok(decode());
  } catch (DecodeError& error) {
    return DecodeResult<T>::failure(std::move(error.message));
  } catch (const std::bad_alloc&) {
    return DecodeResult<T>::failure("out of memory");
  }
}

void encode_body(json& out, const PingRequest&) {
  out["type"] = kPingType;
}

void encode_body(json& out, const ListGamesRequest&) {
  out["type"] = kListGamesType;
}

void encode_body(json& out, const GetGameRequest& body) {
  out["type"] = kGetGameType;
  out["game_id"] = body.game_id;
}

void encode_body(json& out, const GetGameFileDataRequest& body) {
  out["type"] = kGetGameFileDataType;
  out["game_id"] = body.game_id;
  out["relative_path"] = body.relative_path;
}

void encode_body(json& out, const GetGameFileChunkRequest& body) {
  out["type"] = kGetGameFileChunkType;
  out["game_id"] = body.game_id;
  out["relative_path"] = body.relative_path;
  out["offset"] = body.offset;
  out["length"] = body.length;
}

void encode_body(json& out, const PongResponse& body) {
  out["type"] = kPongType;
  out["library_revision"] = body.library_revision;
}

void encode_body(json& out, const GamesResponse& body) {
  out["type"] = kGamesType;
  out["games"] = body.games;
}

void encode_body(json& out, const GameFilesResponse& body) {
  out["type"] = kGameFilesType;
  out["game_id"] = body.game_id;
  out["files"] = body.files;
}

void encode_body(json& out, const FileDataResponse& body) {
  out["type"] = kFileDataType;
  out["game_id"] = body.game_id;
  out["relative_path"] = body.relative_path;
  out["offset"] = body.offset;
  out["length"] = body.length;
}

void encode_body(json& out, const ErrorResponse& body) {
  out["type"] = kErrorType;
  out["code"] = to_string(body.code);
  out["message"] = body.message;
}

json optional_hex(const std::optional<Sha256Digest>& digest) {
  return digest ? json(to_hex(*digest)) : json(nullptr);
}

void encode_body(json& out, const AuthenticateRequest& body) {
  out["type"] = kAuthenticateType;
  out["peer_name"] = body.peer_name;
  out["proof"] = optional_hex(body.proof);
}

void encode_body(json& out, const AuthenticatedResponse& body) {
  out["type"] = kAuthenticatedType;
  out["peer_name"] = body.peer_name;
  out["proof"] = optional_hex(body.proof);
}

void encode_body(json& out, const GetBlockMapRequest& body) {
  out["type"] = kGetBlockMapType;
  out["game_id"] = body.game_id;
  out["manifest"] = to_hex(body.manifest);
}

void encode_body(json& out, const BlockMapResponse& body) {
  std::vector<std::uint8_t> bitmap((body.blocks.size() + 7) / 8);
  for (std::size_t i = 0; i < body.blocks.size(); ++i) {
    if (body.blocks[i]) {
      bitmap[i / 8] |= static_cast<std::uint8_t>(1U << (i % 8));
    }
  }
  out["type"] = kBlockMapType;
  out["game_id"] = body.game_id;
  out["block_count"] = body.blocks.size();
  out["blocks"] = to_hex(bitmap);
}

std::string dump(const json& message) {
  return message.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace

void to_json(json& out, const Game& game) {
  out = json{
      {"id", game.id},
      {"name", game.name},
      {"description", game.description},
      {"genre", game.genre},
      {"max_players", game.max_players},
      {"release_year", game.release_year},
      {"size", game.size},
      {"version", game.version},
  };
}

void to_json(json& out, const GameFileDescription& file) {
  json hashes = json::array();
  for (const Sha256Digest& digest : file.block_hashes) {
    hashes.push_back(to_hex(digest));
  }
  out = json{
      {"game_id", file.game_id},       {"relative_path", file.relative_path},
      {"is_dir", file.is_dir},         {"size", file.size},
      {"block_size", file.block_size}, {"block_hashes", std::move(hashes)},
  };
}

void from_json(const json& in, Game& game) {
  try {
    game = decode_game(in, Location("game"));
  } catch (DecodeError& error) {
    throw json::type_error::create(302, error.message, &in);
  }
}

void from_json(const json& in, GameFileDescription& file) {
  try {
    file = decode_file(in, Location("file description"));
  } catch (DecodeError& error) {
    throw json::type_error::create(302, error.message, &in);
  }
}

std::string encode(const Request& request) {
  json message = {{"protocol", request.protocol_version}};
  std::visit([&](const auto& body) { encode_body(message, body); }, request.body);
  return dump(message);
}

std::string encode(const Response& response) {
  json message = json::object();
  std::visit([&](const auto& body) { encode_body(message, body); }, response);
  return dump(message);
}

DecodeResult<Request> decode_request(std::string_view bytes) noexcept {
  return guarded<Request>([bytes] {
    const Location at("request");
    MessageBuilder message(at, kRequestFields);
    parse(bytes, kMaxRequestBytes, at, message);
    return decode_request_object(message.root(), at);
  });
}

DecodeResult<Response> decode_response(std::string_view bytes) noexcept {
  return guarded<Response>([bytes] {
    const Location at("response");
    MessageBuilder message(at, kResponseFields);
    parse(bytes, kMaxResponseBytes, at, message);
    return decode_response_object(message.root(), message.lists(), at);
  });
}

}  // namespace lanspread::proto
