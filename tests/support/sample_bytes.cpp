#include "support/sample_bytes.hpp"

#ifdef _WIN32
#include <windows.h>
// bcrypt.h needs windows.h first.
#include <bcrypt.h>
#endif

#include <cstdio>
#include <fstream>
#include <memory>
#include <vector>

namespace lanspread::test {

std::string pattern(std::size_t size, unsigned seed) {
  std::string data(size, '\0');
  unsigned x = seed * 2654435761u + 1;
  for (auto& c : data) {
    x = x * 1103515245u + 12345u;
    c = static_cast<char>(x >> 16);
  }
  return data;
}

#ifdef _WIN32
// No sha256sum on Windows: the system's own SHA-256 (CNG), which shares no
// code with the GnuTLS one under test.
std::string sha256sum(const std::filesystem::path& file, std::uint64_t offset,
                      std::uint64_t length) {
  std::ifstream in(file, std::ios::binary);
  in.seekg(static_cast<std::streamoff>(offset));
  std::vector<unsigned char> bytes(length);
  in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(length));
  bytes.resize(static_cast<std::size_t>(in.gcount()));
  unsigned char digest[32] = {};
  BCRYPT_ALG_HANDLE algorithm = nullptr;
  if (BCryptOpenAlgorithmProvider(&algorithm, BCRYPT_SHA256_ALGORITHM, nullptr, 0) < 0)
    return "sha256sum failed";
  BCRYPT_HASH_HANDLE hash = nullptr;
  const bool done = BCryptCreateHash(algorithm, &hash, nullptr, 0, nullptr, 0, 0) >= 0 &&
                    BCryptHashData(hash, bytes.data(), static_cast<ULONG>(bytes.size()), 0) >= 0 &&
                    BCryptFinishHash(hash, digest, sizeof digest, 0) >= 0;
  if (hash != nullptr)
    BCryptDestroyHash(hash);
  BCryptCloseAlgorithmProvider(algorithm, 0);
  if (!done)
    return "sha256sum failed";
  std::string hex;
  for (const unsigned char byte : digest) {
    constexpr char kDigits[] = "0123456789abcdef";
    hex += kDigits[byte >> 4];
    hex += kDigits[byte & 15];
  }
  return hex;
}
#else
std::string sha256sum(const std::filesystem::path& file, std::uint64_t offset,
                      std::uint64_t length) {
  const auto command = "tail -c +" + std::to_string(offset + 1) + " '" + file.string() +
                       "' | head -c " + std::to_string(length) + " | sha256sum";
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(::popen(command.c_str(), "r"), ::pclose);
  char line[65] = {};
  if (!pipe || std::fread(line, 1, 64, pipe.get()) != 64)
    return "sha256sum failed";
  return line;
}
#endif

}  // namespace lanspread::test
