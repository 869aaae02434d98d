#include "platform/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "platform/unique_fd.hpp"

namespace lanspread::platform {
namespace {

Error errno_error(const char* what, const std::filesystem::path& path) {
  return Error{std::string(what) + " " + path.string() + ": " + std::strerror(errno)};
}

}  // namespace

Result<void> write_file_atomically(const std::filesystem::path& file, std::string_view contents) {
  const auto dir = file.parent_path().empty() ? std::filesystem::path(".") : file.parent_path();
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec)
    return Error{"cannot create " + dir.string() + ": " + ec.message()};

  auto temp = file;
  temp += ".tmp";
  {
    const UniqueFd out(::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
    if (!out)
      return errno_error("cannot create", temp);
    const char* data = contents.data();
    std::size_t left = contents.size();
    while (left > 0) {
      const ssize_t written = ::write(out.get(), data, left);
      if (written < 0 && errno == EINTR)
        continue;
      if (written <= 0) {
        auto error = errno_error("cannot write", temp);
        ::unlink(temp.c_str());
        return error;
      }
      data += written;
      left -= static_cast<std::size_t>(written);
    }
    if (::fsync(out.get()) != 0) {
      auto error = errno_error("cannot sync", temp);
      ::unlink(temp.c_str());
      return error;
    }
  }
  if (::rename(temp.c_str(), file.c_str()) != 0) {
    auto error = errno_error("cannot rename onto", file);
    ::unlink(temp.c_str());
    return error;
  }
  sync_directory(dir);
  return {};
}

void sync_directory(const std::filesystem::path& dir) {
  const UniqueFd directory(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (directory)
    ::fsync(directory.get());
}

}  // namespace lanspread::platform
