#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>

namespace lanspread::test {

// `size` bytes, the same for the same seed, that do not repeat within a
// block: a block hashed at the wrong offset does not match by chance.
std::string pattern(std::size_t size, unsigned seed);

// What coreutils' sha256sum, an implementation independent of ours, says of
// `length` bytes at `offset` of `file`.
std::string sha256sum(const std::filesystem::path& file, std::uint64_t offset,
                      std::uint64_t length);

}  // namespace lanspread::test
