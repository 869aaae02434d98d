#include "platform/directory_handle.hpp"

// clang-format off: windows.h before the NT headers it completes.
#include <windows.h>
#include <winternl.h>
// clang-format on

#include <algorithm>
#include <optional>
#include <string>
#include <utility>

namespace lanspread::platform {
namespace {

// Windows counts 100 ns ticks from 1601; the rest of the program counts ns
// from 1970, as POSIX does.
constexpr std::int64_t kUnixEpochTicks = 116'444'736'000'000'000;

std::int64_t to_unix_ns(std::int64_t ticks) {
  return (ticks - kUnixEpochTicks) * 100;
}

std::int64_t to_unix_ns(const FILETIME& time) {
  return to_unix_ns(static_cast<std::int64_t>(
      (static_cast<std::uint64_t>(time.dwHighDateTime) << 32) | time.dwLowDateTime));
}

// The Win32 errors a caller branches on become the errno values POSIX gives
// for the same cause, so callers need no Windows cases; the rest keep their
// system message.
std::error_code error_from(DWORD error) {
  switch (error) {
    case ERROR_FILE_NOT_FOUND:
    case ERROR_PATH_NOT_FOUND:
    case ERROR_INVALID_NAME:
      return std::make_error_code(std::errc::no_such_file_or_directory);
    case ERROR_ACCESS_DENIED:
      return std::make_error_code(std::errc::permission_denied);
    case ERROR_DIRECTORY:
      return std::make_error_code(std::errc::not_a_directory);
    case ERROR_FILE_EXISTS:
    case ERROR_ALREADY_EXISTS:
      return std::make_error_code(std::errc::file_exists);
    case ERROR_DIR_NOT_EMPTY:
      return std::make_error_code(std::errc::directory_not_empty);
    case ERROR_FILENAME_EXCED_RANGE:
      return std::make_error_code(std::errc::filename_too_long);
    case ERROR_DISK_FULL:
    case ERROR_HANDLE_DISK_FULL:
      return std::make_error_code(std::errc::no_space_on_device);
    default:
      return {static_cast<int>(error), std::system_category()};
  }
}

std::error_code last_error() {
  return error_from(::GetLastError());
}

// Nothing for text that is not UTF-8: no file has that name.
std::optional<std::wstring> wide(std::string_view text) {
  if (text.empty())
    return std::wstring();
  const auto length = static_cast<int>(text.size());
  const int size =
      ::MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, text.data(), length, nullptr, 0);
  if (size <= 0)
    return std::nullopt;
  std::wstring result(static_cast<std::size_t>(size), L'\0');
  ::MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, text.data(), length, result.data(), size);
  return result;
}

// A name that is not valid UTF-16 (a lone surrogate) has no UTF-8 spelling;
// it comes back with U+FFFD in its place and `valid` false.
std::string utf8(std::wstring_view text, bool& valid) {
  valid = true;
  if (text.empty())
    return {};
  const auto length = static_cast<int>(text.size());
  int size = ::WideCharToMultiByte(CP_UTF8, WC_ERR_INVALID_CHARS, text.data(), length, nullptr, 0,
                                   nullptr, nullptr);
  DWORD flags = WC_ERR_INVALID_CHARS;
  if (size == 0) {
    valid = false;
    flags = 0;
    size = ::WideCharToMultiByte(CP_UTF8, 0, text.data(), length, nullptr, 0, nullptr, nullptr);
  }
  std::string result(static_cast<std::size_t>(std::max(size, 0)), '\0');
  ::WideCharToMultiByte(CP_UTF8, flags, text.data(), length, result.data(), size, nullptr, nullptr);
  return result;
}

// One path component, nothing more: a separator would walk further than one
// level, and a colon would name an alternate data stream of the entry.
bool is_single_component(std::string_view name) {
  return !name.empty() && name != ".." && name.find_first_of("/\\:") == std::string_view::npos;
}

EntryType type_of(DWORD attributes) {
  // Every reparse point (symbolic link, junction, mount point) is refused
  // where POSIX refuses a symlink: each one can lead out of the folder.
  if ((attributes & FILE_ATTRIBUTE_REPARSE_POINT) != 0)
    return EntryType::Symlink;
  if ((attributes & FILE_ATTRIBUTE_DIRECTORY) != 0)
    return EntryType::Directory;
  if ((attributes & FILE_ATTRIBUTE_DEVICE) != 0)
    return EntryType::Other;
  return EntryType::File;
}

// NtSetInformationFile's classes with POSIX semantics, which mingw-w64's
// winternl.h does not list; the numbers are Windows'.
constexpr auto kFileDispositionInformationEx = static_cast<FILE_INFORMATION_CLASS>(64);
constexpr auto kFileRenameInformationEx = static_cast<FILE_INFORMATION_CLASS>(65);

// NtSetInformationFile with a Win32 error, as the callers map them.
Result<void, std::error_code> set_information(HANDLE handle, void* info, std::size_t size,
                                              FILE_INFORMATION_CLASS kind) {
  IO_STATUS_BLOCK status_block{};
  const NTSTATUS status =
      ::NtSetInformationFile(handle, &status_block, info, static_cast<ULONG>(size), kind);
  if (!NT_SUCCESS(status))
    return error_from(::RtlNtStatusToDosError(status));
  return {};
}

constexpr DWORD kShareAll = FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE;
constexpr ACCESS_MASK kDirectoryAccess = FILE_LIST_DIRECTORY | FILE_TRAVERSE | FILE_READ_ATTRIBUTES;

// Whether the entry `handle` opened is called `name` on disk, to the letter.
// Windows finds a name case-insensitively and by its 8.3 alias ("LOCAL",
// "LOCAL~1.BAC" for ".local.backup") whatever the open asks; POSIX opens the
// exact name only, and the peer's checks of names (the entries never served)
// rely on that.
Result<bool, std::error_code> has_exact_name(HANDLE handle, std::wstring_view name) {
  std::vector<std::uint64_t> buffer(128);  // FILE_NAME_INFO, 8-byte aligned
  for (;;) {
    const auto bytes = static_cast<DWORD>(buffer.size() * sizeof(std::uint64_t));
    auto* info = reinterpret_cast<FILE_NAME_INFO*>(buffer.data());
    if (::GetFileInformationByHandleEx(handle, FileNameInfo, info, bytes)) {
      // The path from the volume's root; its last component is the entry's.
      const std::wstring_view path(info->FileName, info->FileNameLength / sizeof(wchar_t));
      const auto separator = path.find_last_of(L'\\');
      return path.substr(separator == std::wstring_view::npos ? 0 : separator + 1) == name;
    }
    if (::GetLastError() != ERROR_MORE_DATA || info->FileNameLength == 0)
      return last_error();
    buffer.resize((sizeof(FILE_NAME_INFO) + info->FileNameLength) / sizeof(std::uint64_t) + 1);
  }
}

// openat(2) for Windows: opens `name` inside the open directory `dir`
// (NtCreateFile relative to its handle), never through a reparse point, and
// only by its exact name. "." opens `dir` itself again. `disposition` is
// NtCreateFile's (FILE_OPEN, FILE_CREATE, FILE_OPEN_IF); `options` add to
// its create options.
Result<OwnedHandle, std::error_code> open_relative(HANDLE dir, std::string_view name,
                                                   ACCESS_MASK access,
                                                   ULONG disposition = FILE_OPEN,
                                                   ULONG options = 0) {
  if (name != "." && !is_single_component(name))
    return std::make_error_code(std::errc::invalid_argument);
  auto converted = name == "." ? std::optional(std::wstring()) : wide(name);
  if (!converted)
    return std::make_error_code(std::errc::no_such_file_or_directory);
  std::wstring& text = *converted;
  // NTFS's limit on one name, in UTF-16 units, where POSIX gives ENAMETOOLONG.
  constexpr std::size_t kLongestName = 255;
  if (text.size() > kLongestName)
    return std::make_error_code(std::errc::filename_too_long);
  UNICODE_STRING object_name{};
  object_name.Length = static_cast<USHORT>(text.size() * sizeof(wchar_t));
  object_name.MaximumLength = object_name.Length;
  object_name.Buffer = text.data();
  OBJECT_ATTRIBUTES attributes{};
  InitializeObjectAttributes(&attributes, &object_name, OBJ_CASE_INSENSITIVE, dir, nullptr);
  IO_STATUS_BLOCK status_block{};
  HANDLE handle = nullptr;
  const NTSTATUS status =
      ::NtCreateFile(&handle, access | SYNCHRONIZE, &attributes, &status_block, nullptr,
                     FILE_ATTRIBUTE_NORMAL, kShareAll, disposition,
                     options | FILE_OPEN_REPARSE_POINT | FILE_SYNCHRONOUS_IO_NONALERT, nullptr, 0);
  if (!NT_SUCCESS(status))
    return error_from(::RtlNtStatusToDosError(status));
  OwnedHandle opened(handle);
  if (!text.empty()) {
    const auto exact = has_exact_name(opened.get(), text);
    if (!exact)
      return exact.error();
    // Another spelling of the name (its case, its 8.3 alias) holds it: POSIX
    // would open or create a separate entry, Windows cannot.
    if (!*exact) {
      return std::make_error_code(disposition == FILE_OPEN ? std::errc::no_such_file_or_directory
                                                           : std::errc::file_exists);
    }
  }
  return opened;
}

Result<BY_HANDLE_FILE_INFORMATION, std::error_code> information(HANDLE handle) {
  BY_HANDLE_FILE_INFORMATION info{};
  if (!::GetFileInformationByHandle(handle, &info))
    return last_error();
  return info;
}

std::uint64_t size_of(const BY_HANDLE_FILE_INFORMATION& info) {
  return (static_cast<std::uint64_t>(info.nFileSizeHigh) << 32) | info.nFileSizeLow;
}

// Why the handle just opened (with FILE_OPEN_REPARSE_POINT) cannot serve as
// a directory; nothing when it can.
std::error_code refusal_as_directory(HANDLE handle) {
  const auto info = information(handle);
  if (!info)
    return info.error();
  switch (type_of(info->dwFileAttributes)) {
    case EntryType::Directory:
      return {};
    case EntryType::Symlink:
      return std::make_error_code(std::errc::too_many_symbolic_link_levels);
    default:
      return std::make_error_code(std::errc::not_a_directory);
  }
}

// A regular file `name` in `dir`, opened for `access`, with what
// GetFileInformationByHandle says of it; ELOOP for a reparse point, EINVAL
// for anything else that is not a regular file.
struct OpenedFile {
  OwnedHandle handle;
  BY_HANDLE_FILE_INFORMATION info;
};

Result<OpenedFile, std::error_code> open_regular_file(HANDLE dir, std::string_view name,
                                                      ACCESS_MASK access) {
  auto opened = open_relative(dir, name, access);
  if (!opened)
    return opened.error();
  const auto info = information(opened->get());
  if (!info)
    return info.error();
  const auto type = type_of(info->dwFileAttributes);
  if (type != EntryType::File) {
    return std::make_error_code(type == EntryType::Symlink
                                    ? std::errc::too_many_symbolic_link_levels
                                    : std::errc::invalid_argument);
  }
  return OpenedFile{std::move(*opened), *info};
}

// The offset rides in the OVERLAPPED; the handle is synchronous, so the
// call returns with the bytes, and concurrent reads and writes never share
// a position.
OVERLAPPED at(std::uint64_t offset) {
  OVERLAPPED position{};
  position.Offset = static_cast<DWORD>(offset);
  position.OffsetHigh = static_cast<DWORD>(offset >> 32);
  return position;
}

// ReadFile and WriteFile take a DWORD count.
DWORD capped(std::size_t length) {
  return static_cast<DWORD>(std::min<std::size_t>(length, 1U << 30));
}

Result<std::size_t, std::error_code> read_at_offset(HANDLE file, std::uint64_t offset,
                                                    std::byte* out, std::size_t length) {
  OVERLAPPED position = at(offset);
  DWORD got = 0;
  if (!::ReadFile(file, out, capped(length), &got, &position)) {
    if (const DWORD code = ::GetLastError(); code != ERROR_HANDLE_EOF)
      return error_from(code);
    return std::size_t{0};
  }
  return static_cast<std::size_t>(got);
}

}  // namespace

Result<DirectoryEntry, std::error_code> examine(const std::filesystem::path& path) {
  WIN32_FILE_ATTRIBUTE_DATA info{};
  // Reports a reparse point itself, never what it points to.
  if (!::GetFileAttributesExW(path.c_str(), GetFileExInfoStandard, &info))
    return last_error();
  const auto name = path.filename().u8string();
  DirectoryEntry entry{.name = std::string(name.begin(), name.end()),
                       .type = type_of(info.dwFileAttributes)};
  if (entry.type == EntryType::File)
    entry.size = (static_cast<std::uint64_t>(info.nFileSizeHigh) << 32) | info.nFileSizeLow;
  entry.mtime_ns = to_unix_ns(info.ftLastWriteTime);
  return entry;
}

Result<DirectoryHandle, std::error_code> DirectoryHandle::open(const std::filesystem::path& path) {
  OwnedHandle handle(
      ::CreateFileW(path.c_str(), kDirectoryAccess, kShareAll, nullptr, OPEN_EXISTING,
                    FILE_FLAG_BACKUP_SEMANTICS | FILE_FLAG_OPEN_REPARSE_POINT, nullptr));
  if (!handle)
    return last_error();
  if (const auto refused = refusal_as_directory(handle.get()))
    return refused;
  return DirectoryHandle(std::move(handle));
}

Result<DirectoryHandle, std::error_code> DirectoryHandle::open_child(std::string_view name) const {
  auto handle = open_relative(fd_.get(), name, kDirectoryAccess);
  if (!handle)
    return handle.error();
  if (const auto refused = refusal_as_directory(handle->get()))
    return refused;
  return DirectoryHandle(std::move(*handle));
}

std::vector<DirectoryEntry> DirectoryHandle::entries(std::error_code& error) const {
  std::vector<DirectoryEntry> result;
  // A listing handle of its own starts at the first entry every time, and
  // two listings of the same directory do not share a position.
  auto listing = open_relative(fd_.get(), ".", FILE_LIST_DIRECTORY);
  if (!listing) {
    error = listing.error();
    return result;
  }
  // FILE_ID_BOTH_DIR_INFO records, 8-byte aligned in the buffer.
  std::vector<std::uint64_t> buffer(8 * 1024);
  const auto bytes = static_cast<DWORD>(buffer.size() * sizeof(std::uint64_t));
  for (;;) {
    if (!::GetFileInformationByHandleEx(listing->get(), FileIdBothDirectoryInfo, buffer.data(),
                                        bytes)) {
      if (const DWORD code = ::GetLastError(); code != ERROR_NO_MORE_FILES)
        error = error_from(code);
      return result;
    }
    const auto* record = reinterpret_cast<const std::byte*>(buffer.data());
    for (;;) {
      const auto& info = *reinterpret_cast<const FILE_ID_BOTH_DIR_INFO*>(record);
      const std::wstring_view wide_name(info.FileName, info.FileNameLength / sizeof(wchar_t));
      if (wide_name != L"." && wide_name != L"..") {
        bool valid = true;
        DirectoryEntry entry{.name = utf8(wide_name, valid), .type = type_of(info.FileAttributes)};
        if (entry.type == EntryType::File) {
          entry.size = static_cast<std::uint64_t>(info.EndOfFile.QuadPart);
          entry.allocated = static_cast<std::uint64_t>(info.AllocationSize.QuadPart);
        }
        entry.mtime_ns = to_unix_ns(info.LastWriteTime.QuadPart);
        if (!valid)
          entry.error = std::make_error_code(std::errc::illegal_byte_sequence);
        result.push_back(std::move(entry));
      }
      if (info.NextEntryOffset == 0)
        break;
      record += info.NextEntryOffset;
    }
  }
}

Result<FileIdentity, std::error_code> DirectoryHandle::identify(std::string_view name) const {
  const auto file = open_regular_file(fd_.get(), name, FILE_READ_ATTRIBUTES);
  if (!file)
    return file.error();
  FILE_BASIC_INFO times{};
  if (!::GetFileInformationByHandleEx(file->handle.get(), FileBasicInfo, &times, sizeof times))
    return last_error();
  const auto& info = file->info;
  return FileIdentity{
      .device = info.dwVolumeSerialNumber,
      .file_id = (static_cast<std::uint64_t>(info.nFileIndexHigh) << 32) | info.nFileIndexLow,
      .size = size_of(info),
      .mtime_ns = to_unix_ns(times.LastWriteTime.QuadPart),
      .ctime_ns = to_unix_ns(times.ChangeTime.QuadPart)};
}

std::int64_t DirectoryHandle::mtime_ns() const {
  const auto info = information(fd_.get());
  return info ? to_unix_ns(info->ftLastWriteTime) : 0;
}

Result<DirectoryEntry, std::error_code> DirectoryHandle::examine_child(
    std::string_view name) const {
  const auto opened = open_relative(fd_.get(), name, FILE_READ_ATTRIBUTES);
  if (!opened)
    return opened.error();
  FILE_BASIC_INFO basic{};
  FILE_STANDARD_INFO standard{};
  if (!::GetFileInformationByHandleEx(opened->get(), FileBasicInfo, &basic, sizeof basic) ||
      !::GetFileInformationByHandleEx(opened->get(), FileStandardInfo, &standard,
                                      sizeof standard)) {
    return last_error();
  }
  DirectoryEntry entry{.name = std::string(name), .type = type_of(basic.FileAttributes)};
  if (entry.type == EntryType::File) {
    entry.size = static_cast<std::uint64_t>(standard.EndOfFile.QuadPart);
    entry.allocated = static_cast<std::uint64_t>(standard.AllocationSize.QuadPart);
  }
  entry.mtime_ns = to_unix_ns(basic.LastWriteTime.QuadPart);
  return entry;
}

Result<void, std::error_code> DirectoryHandle::create_child(std::string_view name) const {
  const auto created =
      open_relative(fd_.get(), name, FILE_LIST_DIRECTORY, FILE_CREATE, FILE_DIRECTORY_FILE);
  if (!created)
    return created.error();
  return {};
}

Result<void, std::error_code> DirectoryHandle::rename(std::string_view from,
                                                      std::string_view to) const {
  if (!is_single_component(to))
    return std::make_error_code(std::errc::invalid_argument);
  const auto target = wide(to);
  if (!target)
    return std::make_error_code(std::errc::invalid_argument);
  // FILE_WRITE_THROUGH on the handle makes NTFS commit its journal up to the
  // rename before the call returns (MoveFileEx's MOVEFILE_WRITE_THROUGH does
  // the same); the journal is written in order, so every creation, rename
  // and removal made before it is durable with it.
  const auto source =
      open_relative(fd_.get(), from, DELETE | FILE_READ_ATTRIBUTES, FILE_OPEN, FILE_WRITE_THROUGH);
  if (!source)
    return source.error();
  const auto name_bytes = target->size() * sizeof(wchar_t);
  // FILE_RENAME_INFO (FILE_RENAME_INFORMATION's layout, with the Flags of
  // its Ex class) and the name after it, 8-byte aligned.
  std::vector<std::uint64_t> buffer(
      (sizeof(FILE_RENAME_INFO) + name_bytes) / sizeof(std::uint64_t) + 1);
  auto* info = reinterpret_cast<FILE_RENAME_INFO*>(buffer.data());
  info->RootDirectory = fd_.get();  // the new name is relative to this directory
  info->FileNameLength = static_cast<DWORD>(name_bytes);
  std::copy(target->begin(), target->end(), info->FileName);
  const auto bytes = buffer.size() * sizeof(std::uint64_t);
  // NtSetInformationFile, not SetFileInformationByHandle: wine's takes the
  // name for a path from the current directory, which clashes with
  // RootDirectory. POSIX semantics replace a target that is open elsewhere
  // (Windows 10 1607 and later); the plain rename is the fallback where
  // they are unknown (older Windows, wine), and fails on such a target.
  info->Flags = FILE_RENAME_FLAG_REPLACE_IF_EXISTS | FILE_RENAME_FLAG_POSIX_SEMANTICS;
  if (set_information(source->get(), info, bytes, kFileRenameInformationEx))
    return {};
  info->Flags = 0;
  info->ReplaceIfExists = TRUE;
  return set_information(source->get(), info, bytes, FileRenameInformation);
}

namespace {

// Deletes what `handle` (opened with DELETE) names. POSIX semantics take
// the name away at once even while another handle keeps the file open; the
// plain disposition, the fallback where they are unknown, leaves the name
// until the last handle closes.
Result<void, std::error_code> delete_opened(HANDLE handle) {
  FILE_DISPOSITION_INFO_EX posix{FILE_DISPOSITION_FLAG_DELETE |
                                 FILE_DISPOSITION_FLAG_POSIX_SEMANTICS |
                                 FILE_DISPOSITION_FLAG_IGNORE_READONLY_ATTRIBUTE};
  const auto deleted = set_information(handle, &posix, sizeof posix, kFileDispositionInformationEx);
  if (deleted || deleted.error() == std::errc::directory_not_empty)
    return deleted;
  FILE_DISPOSITION_INFORMATION plain{TRUE};
  return set_information(handle, &plain, sizeof plain, FileDispositionInformation);
}

// Opens the child `name` of `dir` for deletion, if it is of the kind the
// caller removes (POSIX's unlinkat refusals otherwise).
Result<OwnedHandle, std::error_code> open_for_removal(HANDLE dir, std::string_view name,
                                                      bool directory) {
  auto opened = open_relative(dir, name, DELETE | FILE_READ_ATTRIBUTES);
  if (!opened)
    return opened.error();
  const auto info = information(opened->get());
  if (!info)
    return info.error();
  const auto type = type_of(info->dwFileAttributes);
  if (directory && type != EntryType::Directory)
    return std::make_error_code(std::errc::not_a_directory);
  if (!directory && type == EntryType::Directory)
    return std::make_error_code(std::errc::is_a_directory);
  return opened;
}

}  // namespace

Result<void, std::error_code> DirectoryHandle::remove_file(std::string_view name) const {
  const auto opened = open_for_removal(fd_.get(), name, false);
  if (!opened)
    return opened.error();
  return delete_opened(opened->get());
}

Result<void, std::error_code> DirectoryHandle::remove_empty_child(std::string_view name) const {
  const auto opened = open_for_removal(fd_.get(), name, true);
  if (!opened)
    return opened.error();
  return delete_opened(opened->get());
}

void DirectoryHandle::flush() const {
  // FlushFileBuffers needs write access, which this handle lacks; a folder
  // that will not open so is left to NTFS's journal (see rename).
  const auto writable = open_relative(fd_.get(), ".", FILE_GENERIC_WRITE);
  if (writable)
    ::FlushFileBuffers(writable->get());
}

Result<ReadOnlyFile, std::error_code> ReadOnlyFile::open_in(const DirectoryHandle& dir,
                                                            std::string_view name) {
  auto file = open_regular_file(dir.native_handle(), name, FILE_GENERIC_READ);
  if (!file)
    return file.error();
  return ReadOnlyFile(std::move(file->handle), size_of(file->info));
}

Result<std::size_t, std::error_code> ReadOnlyFile::read_at(std::uint64_t offset, std::byte* out,
                                                           std::size_t length) const {
  return read_at_offset(fd_.get(), offset, out, length);
}

Result<WritableFile, std::error_code> WritableFile::open_in(const DirectoryHandle& dir,
                                                            std::string_view name,
                                                            Opening opening) {
  const ULONG disposition = opening == Opening::Existing ? FILE_OPEN
                            : opening == Opening::New    ? FILE_CREATE
                                                         : FILE_OPEN_IF;
  auto opened =
      open_relative(dir.native_handle(), name, FILE_GENERIC_READ | FILE_GENERIC_WRITE, disposition);
  if (!opened)
    return opened.error();
  const auto info = information(opened->get());
  if (!info)
    return info.error();
  switch (type_of(info->dwFileAttributes)) {
    case EntryType::File:
      return WritableFile(std::move(*opened));
    case EntryType::Symlink:
      return std::make_error_code(std::errc::too_many_symbolic_link_levels);
    case EntryType::Directory:
      return std::make_error_code(std::errc::is_a_directory);
    default:
      return std::make_error_code(std::errc::invalid_argument);
  }
}

Result<std::uint64_t, std::error_code> WritableFile::size() const {
  LARGE_INTEGER size{};
  if (!::GetFileSizeEx(fd_.get(), &size))
    return last_error();
  return static_cast<std::uint64_t>(size.QuadPart);
}

Result<std::size_t, std::error_code> WritableFile::write_at(std::uint64_t offset,
                                                            const std::byte* bytes,
                                                            std::size_t length) const {
  OVERLAPPED position = at(offset);
  DWORD written = 0;
  if (!::WriteFile(fd_.get(), bytes, capped(length), &written, &position))
    return last_error();
  return static_cast<std::size_t>(written);
}

Result<std::size_t, std::error_code> WritableFile::read_at(std::uint64_t offset, std::byte* out,
                                                           std::size_t length) const {
  return read_at_offset(fd_.get(), offset, out, length);
}

Result<void, std::error_code> WritableFile::resize(std::uint64_t size) const {
  FILE_END_OF_FILE_INFO end{};
  end.EndOfFile.QuadPart = static_cast<LONGLONG>(size);
  if (!::SetFileInformationByHandle(fd_.get(), FileEndOfFileInfo, &end, sizeof end))
    return last_error();
  return {};
}

Result<void, std::error_code> WritableFile::flush() const {
  if (!::FlushFileBuffers(fd_.get()))
    return last_error();
  return {};
}

// Windows has no call to start the writeback of a range; its lazy writer
// flushes dirty pages within seconds on its own.
void WritableFile::start_writeback(std::uint64_t, std::uint64_t) const {}

}  // namespace lanspread::platform
