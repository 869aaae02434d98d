// The RAR 5 header probe reads archives that came from other peers. It must
// never crash, hang or read out of bounds, whatever the bytes.
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "peer/install/rar5_probe.hpp"

namespace {

// The probe takes a path; an in-memory file keeps each run off the disk.
int memory_file() {
  static const int fd = [] {
    const int created = memfd_create("rar5_probe_fuzz", MFD_CLOEXEC);
    if (created < 0)
      std::abort();
    return created;
  }();
  return fd;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const int fd = memory_file();
  if (ftruncate(fd, 0) != 0)
    std::abort();
  if (size > 0 && pwrite(fd, data, size, 0) != static_cast<ssize_t>(size))
    std::abort();
  const std::string path = "/proc/self/fd/" + std::to_string(fd);
  lanspread::peer::install::rar5_has_encryption(path);
  return 0;
}
