#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

// Lowercase hexadecimal, the one text form of bytes in this project: on the
// wire (hashes, proofs, block maps), in state files (cached block hashes, the
// party key) and in peer ids (certificate fingerprints). Here in proto, the
// lowest layer, so that every layer above can use it.
namespace lanspread::proto {

// Two lowercase digits per byte, appended to `out`.
void append_hex(std::string& out, std::span<const std::uint8_t> bytes);
std::string to_hex(std::span<const std::uint8_t> bytes);

// Fills `out` from exactly 2 * out.size() lowercase hex digits. False, with
// `out` partly written, for any other length or character (upper case
// included: every writer above emits lower case, so anything else is not
// ours).
[[nodiscard]] bool from_hex(std::string_view hex, std::span<std::uint8_t> out);

}  // namespace lanspread::proto
