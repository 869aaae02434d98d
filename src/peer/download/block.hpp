#pragma once

#include <cstdint>

namespace lanspread::peer::download {

// One unit of transfer and verification: a `block_size` slice of one file of
// the manifest (the last slice of a file is shorter; a small file is one
// block). `file_index` is the file's index in the manifest.
struct Block {
  std::uint32_t file_index = 0;
  std::uint64_t offset = 0;
  std::uint32_t length = 0;

  bool operator==(const Block&) const = default;
};

// 1 MiB: large enough that per-request costs (a QUIC stream, a disk seek, a
// hash finalisation) stay below 1% on a gigabit LAN, small enough that a
// retried or duplicated block wastes little and several peers share one file.
inline constexpr std::uint32_t kDefaultBlockSize = 1024 * 1024;

}  // namespace lanspread::peer::download
