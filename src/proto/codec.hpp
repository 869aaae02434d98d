#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "base/result.hpp"
#include "proto/request.hpp"
#include "proto/response.hpp"

namespace lanspread::proto {

// Every message is one compact UTF-8 JSON object; framing is the transport's
// job. Inputs above these limits are rejected before any parsing. Decoding
// itself needs memory within a small multiple of the input, so the limits
// also bound what one message from a hostile peer can cost us.
inline constexpr std::size_t kMaxRequestBytes = std::size_t{64} * 1024;
// Responses are larger because a manifest carries one SHA-256 per block.
inline constexpr std::size_t kMaxResponseBytes = std::size_t{64} * 1024 * 1024;

// Strings are expected to be UTF-8 without NUL characters. Invalid UTF-8 is
// replaced by U+FFFD instead of failing, so encoding never throws for bad
// content; a string containing NUL is encoded but rejected by the decoder.
// Callers must keep messages within the limits above, or the peer will
// reject them.
std::string encode(const Request& request);
std::string encode(const Response& response);

// Decoding treats `bytes` as hostile: nothing is trusted, nothing is thrown,
// and any deviation from the exact message shape (unknown or missing fields,
// wrong JSON types, out-of-range numbers, malformed hashes, NUL characters,
// nesting beyond a few levels, ...) yields an error naming the offending
// field. Error messages are printable ASCII, so they can be logged or echoed
// back in an ErrorResponse.
//
// A request carrying a protocol version other than kProtocolVersion still
// decodes, provided its body has the current shape, so that the server can
// answer ErrorCode::UnsupportedVersion; a missing version is an error.
// Semantic checks such as rejecting ".." in paths are left to the server.
Result<Request> decode_request(std::string_view bytes) noexcept;
Result<Response> decode_response(std::string_view bytes) noexcept;

}  // namespace lanspread::proto
