#include "support/sample_bytes.hpp"

#include <cstdio>
#include <memory>

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

}  // namespace lanspread::test
