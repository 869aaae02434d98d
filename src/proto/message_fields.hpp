#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "proto/hex.hpp"
#include "proto/object_reader.hpp"
#include "proto/request.hpp"
#include "proto/response.hpp"

// The shape of every message on the wire (internal to lanspread_proto): one
// table per message names its fields once, and that table drives the
// encoder, the decoder and the parser's early rejection of unknown fields
// (codec.cpp). A field's JSON form follows from its C++ type (below); the
// few fields whose wire form spans several keys or checks one against
// another (ByteRange, FileBlocks, BlockBitmap) have a codec of their own.
namespace lanspread::proto::wire {

// Every message carries its type under this key.
inline constexpr std::string_view kTypeKey = "type";

// The containers inside a message whose content the parser keeps (see
// MessageBuilder in codec.cpp): any other container is stored empty.
enum class Nested { None, Games, Files, BlockHashes };

// ---- one JSON form per C++ type -------------------------------------------

inline json encode_value(const std::string& text) {
  return text;
}
inline json encode_value(std::uint64_t number) {
  return number;
}
inline json encode_value(std::uint32_t number) {
  return number;
}
inline json encode_value(bool flag) {
  return flag;
}
inline json encode_value(const Sha256Digest& digest) {
  return to_hex(digest);
}
// null stands for "none".
inline json encode_value(const std::optional<Sha256Digest>& digest) {
  return digest ? encode_value(*digest) : json(nullptr);
}
inline json encode_value(ErrorCode code) {
  return to_string(code);
}
// Games and file descriptions through their own tables (to_json in codec.cpp).
template <class Element>
json encode_value(const std::vector<Element>& elements) {
  return elements;
}

template <class Value>
Value decode_value(ObjectReader& in, std::string_view key) {
  const json& value = in.field(key);
  const Location at = in.at(key);
  if constexpr (std::is_same_v<Value, std::string>) {
    return read_string(value, at);
  } else if constexpr (std::is_same_v<Value, std::uint64_t>) {
    return read_u64(value, at);
  } else if constexpr (std::is_same_v<Value, std::uint32_t>) {
    return read_u32(value, at);
  } else if constexpr (std::is_same_v<Value, bool>) {
    return read_bool(value, at);
  } else if constexpr (std::is_same_v<Value, Sha256Digest>) {
    return read_digest(value, at);
  } else if constexpr (std::is_same_v<Value, std::optional<Sha256Digest>>) {
    return value.is_null() ? std::nullopt : std::optional(read_digest(value, at));
  } else if constexpr (std::is_same_v<Value, ErrorCode>) {
    static constexpr std::array kCodes = {ErrorCode::UnknownGame,        ErrorCode::InvalidRequest,
                                          ErrorCode::NotAllowed,         ErrorCode::NotFound,
                                          ErrorCode::UnsupportedVersion, ErrorCode::Internal,
                                          ErrorCode::WrongPassphrase};
    const std::string name = read_string(value, at);
    const auto* code = std::find_if(kCodes.begin(), kCodes.end(), [&](ErrorCode candidate) {
      return to_string(candidate) == name;
    });
    if (code == kCodes.end()) {
      at.fail("unknown error code " + quote(name));
    }
    return *code;
  } else if constexpr (std::is_same_v<Value, std::vector<Game>>) {
    static_cast<void>(read_array(value, at));
    return std::move(in.lists().games);
  } else {
    static_assert(std::is_same_v<Value, std::vector<GameFileDescription>>, "no JSON form");
    static_cast<void>(read_array(value, at));
    return std::move(in.lists().files);
  }
}

template <class Value>
constexpr Nested kNestedIn =
    std::is_same_v<Value, std::vector<Game>>                  ? Nested::Games
    : std::is_same_v<Value, std::vector<GameFileDescription>> ? Nested::Files
                                                              : Nested::None;

// ---- field codecs: encode, decode, has (the key is one of the field's),
// nested (what the parser keeps under that key) ---------------------------

template <class Message, class Value>
struct Field {
  std::string_view key;
  Value Message::*member;

  void encode(json& out, const Message& message) const { out[key] = encode_value(message.*member); }
  void decode(ObjectReader& in, Message& message) const {
    message.*member = decode_value<Value>(in, key);
  }
  bool has(std::string_view name) const { return name == key; }
  Nested nested(std::string_view name) const { return has(name) ? kNestedIn<Value> : Nested::None; }
};

template <class Message, class Value>
constexpr Field<Message, Value> field(std::string_view key, Value Message::*member) {
  return {key, member};
}

// A part of a file. Whoever handles it can then compute its end without
// wrapping around; checking it against the file size is the server's job.
template <class Message>
struct ByteRange {
  Field<Message, std::uint64_t> offset;
  Field<Message, std::uint64_t> length;

  void encode(json& out, const Message& message) const {
    offset.encode(out, message);
    length.encode(out, message);
  }
  void decode(ObjectReader& in, Message& message) const {
    offset.decode(in, message);
    length.decode(in, message);
    if (message.*length.member >
        std::numeric_limits<std::uint64_t>::max() - message.*offset.member) {
      in.at(length.key).fail("offset + length overflows 64 bits");
    }
  }
  bool has(std::string_view name) const { return offset.has(name) || length.has(name); }
  Nested nested(std::string_view) const { return Nested::None; }
};

template <class Message>
constexpr ByteRange<Message> byte_range(std::string_view offset_key, std::uint64_t Message::*offset,
                                        std::string_view length_key,
                                        std::uint64_t Message::*length) {
  return {{offset_key, offset}, {length_key, length}};
}

// A file's size and integrity data: one hash per `block_size` block (none
// while block_size is 0), so the count is checked against the size.
template <class Message>
struct FileBlocks {
  Field<Message, std::uint64_t> size;
  Field<Message, std::uint32_t> block_size;
  std::string_view hashes_key;
  std::vector<Sha256Digest> Message::*hashes;

  void encode(json& out, const Message& message) const {
    size.encode(out, message);
    block_size.encode(out, message);
    json list = json::array();
    for (const Sha256Digest& digest : message.*hashes) {
      list.push_back(encode_value(digest));
    }
    out[hashes_key] = std::move(list);
  }
  void decode(ObjectReader& in, Message& message) const {
    size.decode(in, message);
    block_size.decode(in, message);
    const json::array_t& list = read_array(in.field(hashes_key), in.at(hashes_key));
    const Location at = in.at(hashes_key);
    const std::uint64_t bytes = message.*size.member;
    const std::uint32_t block = message.*block_size.member;
    const std::uint64_t expected_count =
        block == 0 ? 0 : bytes / block + (bytes % block == 0 ? 0 : 1);
    if (list.size() != expected_count) {
      if (block == 0) {
        at.fail("must be empty while block_size is 0");
      }
      at.fail("expected " + std::to_string(expected_count) +
              (expected_count == 1 ? " hash" : " hashes") + " for size " + std::to_string(bytes) +
              " and block_size " + std::to_string(block) + ", got " + std::to_string(list.size()));
    }
    auto& digests = message.*hashes;
    digests.reserve(list.size());
    for (std::size_t i = 0; i < list.size(); ++i) {
      digests.push_back(read_digest(list[i], at.element(i)));
    }
  }
  bool has(std::string_view name) const {
    return size.has(name) || block_size.has(name) || name == hashes_key;
  }
  Nested nested(std::string_view name) const {
    return name == hashes_key ? Nested::BlockHashes : Nested::None;
  }
};

template <class Message>
constexpr FileBlocks<Message> file_blocks(std::string_view size_key, std::uint64_t Message::*size,
                                          std::string_view block_size_key,
                                          std::uint32_t Message::*block_size,
                                          std::string_view hashes_key,
                                          std::vector<Sha256Digest> Message::*hashes) {
  return {{size_key, size}, {block_size_key, block_size}, hashes_key, hashes};
}

// One flag per block as a count and a bitmap: ceil(count / 8) bytes in hex,
// block i in bit i % 8 (least significant first) of byte i / 8, unused bits
// zero.
template <class Message>
struct BlockBitmap {
  std::string_view count_key;
  std::string_view bits_key;
  std::vector<bool> Message::*flags;

  void encode(json& out, const Message& message) const {
    const std::vector<bool>& blocks = message.*flags;
    std::vector<std::uint8_t> bytes((blocks.size() + 7) / 8);
    for (std::size_t i = 0; i < blocks.size(); ++i) {
      if (blocks[i]) {
        bytes[i / 8] |= static_cast<std::uint8_t>(1U << (i % 8));
      }
    }
    out[count_key] = blocks.size();
    out[bits_key] = to_hex(bytes);
  }
  void decode(ObjectReader& in, Message& message) const {
    const std::uint64_t count = decode_value<std::uint64_t>(in, count_key);
    const json& value = in.field(bits_key);
    const Location at = in.at(bits_key);
    if (!value.is_string()) {
      at.fail(expected("a string", value));
    }
    const auto& text = value.get_ref<const std::string&>();
    const std::uint64_t byte_count = count / 8 + (count % 8 == 0 ? 0 : 1);
    if (text.size() / 2 != byte_count || text.size() % 2 != 0) {
      at.fail("expected " + std::to_string(2 * byte_count) + " hex digits for " +
              std::to_string(count) + " blocks, got " + std::to_string(text.size()));
    }
    std::vector<std::uint8_t> bytes(text.size() / 2);
    if (!from_hex(text, bytes)) {
      at.fail("expected lowercase hex digits");
    }
    if (count % 8 != 0 && bytes.back() >> (count % 8) != 0) {
      at.fail("has bits set past block " + std::to_string(count));
    }
    std::vector<bool>& blocks = message.*flags;
    blocks.assign(static_cast<std::size_t>(count), false);
    for (std::size_t i = 0; i < blocks.size(); ++i) {
      blocks[i] = (bytes[i / 8] >> (i % 8) & 1U) != 0;
    }
  }
  bool has(std::string_view name) const { return name == count_key || name == bits_key; }
  Nested nested(std::string_view) const { return Nested::None; }
};

template <class Message>
constexpr BlockBitmap<Message> block_bitmap(std::string_view count_key, std::string_view bits_key,
                                            std::vector<bool> Message::*flags) {
  return {count_key, bits_key, flags};
}

// ---- the tables -------------------------------------------------------------
// wire(M) is M's table: its type (empty for the objects inside messages) and
// its fields, in the order the decoder reads them, which is the order in
// which problems are reported; the encoder's output is sorted by key
// whatever the order.

template <class... Fields>
struct Table {
  std::string_view type;
  std::tuple<Fields...> fields;
};

template <class... Fields>
constexpr Table<Fields...> message(std::string_view type, Fields... fields) {
  return {type, {fields...}};
}

template <class... Fields>
constexpr Table<Fields...> message(std::string_view type, std::tuple<Fields...> fields) {
  return {type, fields};
}

template <class... Fields>
constexpr Table<Fields...> object(Fields... fields) {
  return {{}, {fields...}};
}

// The fields a request and its answer share.

// A part of a file: asked for by a chunk request, announced by file data.
template <class M>
constexpr auto file_range() {
  return std::tuple{field("game_id", &M::game_id), field("relative_path", &M::relative_path),
                    byte_range("offset", &M::offset, "length", &M::length)};
}

// Who a peer is and its proof of the party passphrase, each way.
template <class M>
constexpr auto party_credentials() {
  return std::tuple{field("peer_name", &M::peer_name), field("proof", &M::proof)};
}

constexpr auto wire(std::type_identity<Game>) {
  using M = Game;
  return object(field("id", &M::id), field("name", &M::name), field("description", &M::description),
                field("genre", &M::genre), field("max_players", &M::max_players),
                field("release_year", &M::release_year), field("size", &M::size),
                field("version", &M::version));
}

constexpr auto wire(std::type_identity<GameFileDescription>) {
  using M = GameFileDescription;
  return object(field("game_id", &M::game_id), field("relative_path", &M::relative_path),
                field("is_dir", &M::is_dir),
                file_blocks("size", &M::size, "block_size", &M::block_size, "block_hashes",
                            &M::block_hashes));
}

// What every request carries besides its type and body.
constexpr auto wire(std::type_identity<Request>) {
  return object(field("protocol", &Request::protocol_version));
}

constexpr auto wire(std::type_identity<PingRequest>) {
  return message("ping");
}

constexpr auto wire(std::type_identity<ListGamesRequest>) {
  return message("list_games");
}

constexpr auto wire(std::type_identity<GetGameRequest>) {
  return message("get_game", field("game_id", &GetGameRequest::game_id));
}

constexpr auto wire(std::type_identity<GetGameFileDataRequest>) {
  using M = GetGameFileDataRequest;
  return message("get_game_file_data", field("game_id", &M::game_id),
                 field("relative_path", &M::relative_path));
}

constexpr auto wire(std::type_identity<GetGameFileChunkRequest>) {
  return message("get_game_file_chunk", file_range<GetGameFileChunkRequest>());
}

constexpr auto wire(std::type_identity<AuthenticateRequest>) {
  return message("authenticate", party_credentials<AuthenticateRequest>());
}

constexpr auto wire(std::type_identity<GetBlockMapRequest>) {
  using M = GetBlockMapRequest;
  return message("get_block_map", field("game_id", &M::game_id), field("manifest", &M::manifest));
}

constexpr auto wire(std::type_identity<PongResponse>) {
  return message("pong", field("library_revision", &PongResponse::library_revision));
}

constexpr auto wire(std::type_identity<GamesResponse>) {
  return message("games", field("games", &GamesResponse::games));
}

constexpr auto wire(std::type_identity<GameFilesResponse>) {
  using M = GameFilesResponse;
  return message("game_files", field("game_id", &M::game_id), field("files", &M::files));
}

constexpr auto wire(std::type_identity<FileDataResponse>) {
  return message("file_data", file_range<FileDataResponse>());
}

constexpr auto wire(std::type_identity<ErrorResponse>) {
  using M = ErrorResponse;
  return message("error", field("code", &M::code), field("message", &M::message));
}

constexpr auto wire(std::type_identity<AuthenticatedResponse>) {
  return message("authenticated", party_credentials<AuthenticatedResponse>());
}

constexpr auto wire(std::type_identity<BlockMapResponse>) {
  using M = BlockMapResponse;
  return message("block_map", field("game_id", &M::game_id),
                 block_bitmap("block_count", "blocks", &M::blocks));
}

template <class Message>
constexpr auto kTable = wire(std::type_identity<Message>());

// ---- what the codec does with a table ------------------------------------

template <class Message>
void encode_fields(json& out, const Message& message) {
  std::apply([&](const auto&... fields) { (fields.encode(out, message), ...); },
             kTable<Message>.fields);
}

template <class Message>
void decode_fields(ObjectReader& in, Message& message) {
  std::apply([&](const auto&... fields) { (fields.decode(in, message), ...); },
             kTable<Message>.fields);
}

template <class Message>
bool has_field(std::string_view key) {
  return std::apply([&](const auto&... fields) { return (fields.has(key) || ...); },
                    kTable<Message>.fields);
}

template <class Message>
Nested nested_in(std::string_view key) {
  Nested found = Nested::None;
  std::apply(
      [&](const auto&... fields) {
        static_cast<void>((((found = fields.nested(key)) != Nested::None) || ...));
      },
      kTable<Message>.fields);
  return found;
}

// The same over every message of a variant (a request body, a response).
template <class... Messages>
bool has_field_in_any(std::type_identity<std::variant<Messages...>>, std::string_view key) {
  return (has_field<Messages>(key) || ...);
}

template <class... Messages>
Nested nested_in_any(std::type_identity<std::variant<Messages...>>, std::string_view key) {
  Nested found = Nested::None;
  static_cast<void>((((found = nested_in<Messages>(key)) != Nested::None) || ...));
  return found;
}

template <class... Messages>
void encode_message(json& out, const std::variant<Messages...>& message) {
  std::visit(
      [&]<class Message>(const Message& body) {
        out[kTypeKey] = kTable<Message>.type;
        encode_fields(out, body);
      },
      message);
}

// False when `type` names no message of the variant.
template <class... Messages>
bool decode_message(std::string_view type, ObjectReader& in, std::variant<Messages...>& out) {
  const auto decode_as = [&]<class Message>(std::type_identity<Message>) {
    if (type != kTable<Message>.type) {
      return false;
    }
    Message body{};
    decode_fields(in, body);
    out = std::move(body);
    return true;
  };
  return (decode_as(std::type_identity<Messages>{}) || ...);
}

}  // namespace lanspread::proto::wire
