// Manifest paths come from other peers and decide where a download writes.
// Whatever the bytes, a path the check accepts must stay inside the game
// root: relative, no empty, "." or ".." component, no separator inside a
// component, and rebuilt from its components it is the path that was given.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "peer/download/manifest_path.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view path(reinterpret_cast<const char*>(data), size);
  const auto checked = lanspread::peer::download::check_manifest_path(path);
  if (!checked) {
    if (checked.error().message.empty())
      std::abort();  // every refusal says why
    return 0;
  }
  if (checked->empty())
    std::abort();
  std::string rebuilt;
  for (const auto& component : *checked) {
    if (component.empty() || component == "." || component == ".." ||
        component.find('/') != std::string::npos || component.find('\0') != std::string::npos)
      std::abort();
    if (!rebuilt.empty())
      rebuilt += '/';
    rebuilt += component;
  }
  if (rebuilt != path)
    std::abort();
  return 0;
}
