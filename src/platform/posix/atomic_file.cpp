#include "platform/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "platform/unique_fd.hpp"

namespace lanspread::platform {
namespace {

std::string errno_reason(const char* what, const std::filesystem::path& path) {
  return std::string(what) + " " + path.string() + ": " + std::strerror(errno);
}

}  // namespace

std::optional<std::string> write_file_atomically(const std::filesystem::path& file,
                                                 std::string_view contents) {
  const auto dir = file.parent_path().empty() ? std::filesystem::path(".") : file.parent_path();
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec)
    return "cannot create " + dir.string() + ": " + ec.message();

  auto temp = file;
  temp += ".tmp";
  {
    const UniqueFd out(::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
    if (!out)
      return errno_reason("cannot create", temp);
    const char* data = contents.data();
    std::size_t left = contents.size();
    while (left > 0) {
      const ssize_t written = ::write(out.get(), data, left);
      if (written < 0 && errno == EINTR)
        continue;
      if (written <= 0) {
        auto reason = errno_reason("cannot write", temp);
        ::unlink(temp.c_str());
        return reason;
      }
      data += written;
      left -= static_cast<std::size_t>(written);
    }
    if (::fsync(out.get()) != 0) {
      auto reason = errno_reason("cannot sync", temp);
      ::unlink(temp.c_str());
      return reason;
    }
  }
  if (::rename(temp.c_str(), file.c_str()) != 0) {
    auto reason = errno_reason("cannot rename onto", file);
    ::unlink(temp.c_str());
    return reason;
  }
  sync_directory(dir);
  return std::nullopt;
}

void sync_directory(const std::filesystem::path& dir) {
  const UniqueFd directory(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (directory)
    ::fsync(directory.get());
}

}  // namespace lanspread::platform
