#include "platform/private_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "platform/unique_fd.hpp"

namespace lanspread::platform {

Result<void, std::error_code> write_private_file(const std::filesystem::path& file,
                                                 std::string_view contents) {
  ::unlink(file.c_str());  // a fresh file, so the mode below is the one it gets
  const UniqueFd fd(::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (!fd)
    return std::error_code(errno, std::generic_category());
  const auto written = ::write(fd.get(), contents.data(), contents.size());
  if (written < 0)
    return std::error_code(errno, std::generic_category());
  if (static_cast<std::size_t>(written) != contents.size())
    return std::make_error_code(std::errc::no_space_on_device);
  return {};
}

bool others_may_read(const std::filesystem::path& file) {
  struct stat status {};
  return ::stat(file.c_str(), &status) == 0 && (status.st_mode & (S_IRWXG | S_IRWXO)) != 0;
}

}  // namespace lanspread::platform
