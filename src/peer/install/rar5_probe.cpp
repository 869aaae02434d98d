#include "peer/install/rar5_probe.hpp"

#include <cstdint>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lanspread::peer::install {
namespace {

constexpr std::string_view kSignature{"Rar!\x1a\x07\x01\x00", 8};
constexpr std::uint64_t kMaxHeaderSize = 2 * 1024 * 1024;  // the format's own limit
constexpr int kMaxBlocks = 1'000'000;

constexpr std::uint64_t kTypeFile = 2;
constexpr std::uint64_t kTypeService = 3;
constexpr std::uint64_t kTypeArchiveEncryption = 4;
constexpr std::uint64_t kTypeEnd = 5;
constexpr std::uint64_t kFlagExtra = 0x1;
constexpr std::uint64_t kFlagData = 0x2;
constexpr std::uint64_t kExtraFileEncryption = 0x1;

// RAR 5's variable-length integer: 7 bits per byte, high bit = more.
class Cursor {
 public:
  explicit Cursor(std::string_view bytes) : bytes_(bytes) {}
  std::optional<std::uint64_t> vint() {
    std::uint64_t value = 0;
    for (int shift = 0; shift < 64 && pos_ < bytes_.size(); shift += 7) {
      const auto byte = static_cast<unsigned char>(bytes_[pos_++]);
      value |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0)
        return value;
    }
    return std::nullopt;
  }
  std::size_t pos() const { return pos_; }
  void seek(std::size_t pos) { pos_ = pos; }

 private:
  std::string_view bytes_;
  std::size_t pos_ = 0;
};

std::optional<std::uint64_t> read_vint(std::istream& in) {
  std::uint64_t value = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    const int byte = in.get();
    if (byte == EOF)
      return std::nullopt;
    value |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0)
      return value;
  }
  return std::nullopt;
}

bool extra_area_has_encryption(std::string_view extra) {
  Cursor cursor(extra);
  while (cursor.pos() < extra.size()) {
    const auto size = cursor.vint();
    if (!size || *size == 0)
      return false;
    const auto start = cursor.pos();
    if (*size > extra.size() - start)
      return false;
    const auto type = cursor.vint();
    if (!type)
      return false;
    if (*type == kExtraFileEncryption)
      return true;
    cursor.seek(start + *size);
  }
  return false;
}

}  // namespace

bool rar5_has_encryption(const std::filesystem::path& volume) {
  std::ifstream in(volume, std::ios::binary);
  std::string signature(kSignature.size(), '\0');
  if (!in.read(signature.data(), static_cast<std::streamsize>(signature.size())) ||
      signature != kSignature)
    return false;
  for (int block = 0; block < kMaxBlocks; ++block) {
    if (!in.ignore(4))  // header CRC
      return false;
    const auto header_size = read_vint(in);
    if (!header_size || *header_size == 0 || *header_size > kMaxHeaderSize)
      return false;
    std::string header(*header_size, '\0');
    if (!in.read(header.data(), static_cast<std::streamsize>(header.size())))
      return false;
    Cursor cursor(header);
    const auto type = cursor.vint();
    const auto flags = cursor.vint();
    if (!type || !flags)
      return false;
    if (*type == kTypeArchiveEncryption)
      return true;
    if (*type == kTypeEnd)
      return false;
    std::uint64_t extra_size = 0;
    std::uint64_t data_size = 0;
    if ((*flags & kFlagExtra) != 0) {
      const auto value = cursor.vint();
      if (!value || *value > header.size())
        return false;
      extra_size = *value;
    }
    if ((*flags & kFlagData) != 0) {
      const auto value = cursor.vint();
      if (!value)
        return false;
      data_size = *value;
    }
    if ((*type == kTypeFile || *type == kTypeService) && extra_size > 0 &&
        extra_area_has_encryption(std::string_view(header).substr(header.size() - extra_size)))
      return true;
    if (!in.seekg(static_cast<std::streamoff>(data_size), std::ios::cur))
      return false;
  }
  return false;
}

}  // namespace lanspread::peer::install
