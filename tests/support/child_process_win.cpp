// ChildProcess on Windows: CreateProcessW with pipes for stdout and stderr.
#include <windows.h>

#include <algorithm>
#include <array>
#include <csignal>
#include <stdexcept>
#include <system_error>

#include "platform/win/unique_handle.hpp"
#include "support/child_process.hpp"

namespace lanspread::test {

using platform::win::UniqueHandle;

struct ChildProcess::Os {
  UniqueHandle process;
  DWORD process_id = 0;
  UniqueHandle out;
  UniqueHandle err;
  std::optional<ProcessEnd> end;  // once reaped
};

namespace {

std::wstring wide(const std::string& text) {
  if (text.empty())
    return {};
  const int size = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, text.data(),
                                       static_cast<int>(text.size()), nullptr, 0);
  if (size <= 0)
    throw std::invalid_argument("not UTF-8: " + text);
  std::wstring result(static_cast<std::size_t>(size), L'\0');
  MultiByteToWideChar(CP_UTF8, 0, text.data(), static_cast<int>(text.size()), result.data(), size);
  return result;
}

// One argument as CommandLineToArgvW (and the C runtime) will split it back:
// quoted when it has a space, tab or quote or is empty; backslashes are
// literal except before a quote, where each is doubled.
void append_quoted(std::wstring& line, const std::wstring& argument) {
  if (!argument.empty() && argument.find_first_of(L" \t\n\v\"") == std::wstring::npos) {
    line += argument;
    return;
  }
  line += L'"';
  std::size_t backslashes = 0;
  for (const wchar_t c : argument) {
    if (c == L'\\') {
      ++backslashes;
      continue;
    }
    line.append(c == L'"' ? backslashes * 2 + 1 : backslashes, L'\\');
    backslashes = 0;
    line += c;
  }
  line.append(backslashes * 2, L'\\');  // before the closing quote
  line += L'"';
}

// This process's environment with `added` set on top, as CreateProcessW takes
// it: NAME=value strings sorted by name, ignoring case, each ending with a
// NUL, and one more NUL at the end.
std::wstring environment_block(const ChildProcess::Environment& added) {
  std::vector<std::wstring> variables;
  std::vector<std::wstring> names;
  for (const auto& [name, value] : added) {
    names.push_back(wide(name) + L"=");
    variables.push_back(names.back() + wide(value));
  }
  wchar_t* const inherited = GetEnvironmentStringsW();
  for (const wchar_t* variable = inherited; *variable != L'\0'; variable += wcslen(variable) + 1) {
    const std::wstring text(variable);
    const bool replaced = std::any_of(names.begin(), names.end(), [&](const std::wstring& name) {
      return _wcsnicmp(text.c_str(), name.c_str(), name.size()) == 0;
    });
    if (!replaced)
      variables.push_back(text);
  }
  FreeEnvironmentStringsW(inherited);
  const auto name_of = [](const std::wstring& variable) {
    // "=C:=C:\..." names start with '='; the name ends at the next one.
    return variable.substr(0, variable.find(L'=', 1));
  };
  std::sort(variables.begin(), variables.end(), [&](const std::wstring& a, const std::wstring& b) {
    return _wcsicmp(name_of(a).c_str(), name_of(b).c_str()) < 0;
  });
  std::wstring block;
  for (const auto& variable : variables) {
    block += variable;
    block += L'\0';
  }
  block += L'\0';
  return block;
}

// A pipe whose write end the child inherits.
struct Pipe {
  Pipe() {
    SECURITY_ATTRIBUTES inheritable{sizeof(SECURITY_ATTRIBUTES), nullptr, TRUE};
    HANDLE read_end = nullptr;
    HANDLE write_end = nullptr;
    if (!CreatePipe(&read_end, &write_end, &inheritable, 0))
      throw std::system_error(static_cast<int>(GetLastError()), std::system_category(),
                              "CreatePipe");
    read.reset(read_end);
    write.reset(write_end);
    SetHandleInformation(read_end, HANDLE_FLAG_INHERIT, 0);
  }
  UniqueHandle read;
  UniqueHandle write;
};

}  // namespace

ChildProcess::ChildProcess(const std::vector<std::string>& argv, const Environment& environment)
    : os_(std::make_unique<Os>()) {
  Pipe out_pipe;
  Pipe err_pipe;
  SECURITY_ATTRIBUTES inheritable{sizeof(SECURITY_ATTRIBUTES), nullptr, TRUE};
  UniqueHandle input(CreateFileW(L"NUL", GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE,
                                 &inheritable, OPEN_EXISTING, 0, nullptr));
  std::wstring command_line;
  for (const auto& arg : argv) {
    if (!command_line.empty())
      command_line += L' ';
    append_quoted(command_line, wide(arg));
  }
  auto block = environment_block(environment);

  // Only these three handles go to the child: another child started at the
  // same time must not keep this one's pipes open (its EOF would never come).
  std::array<HANDLE, 3> inherited{input.get(), out_pipe.write.get(), err_pipe.write.get()};
  SIZE_T size = 0;
  InitializeProcThreadAttributeList(nullptr, 1, 0, &size);
  std::vector<std::byte> list_memory(size);
  auto* attributes = reinterpret_cast<LPPROC_THREAD_ATTRIBUTE_LIST>(list_memory.data());
  if (!InitializeProcThreadAttributeList(attributes, 1, 0, &size) ||
      !UpdateProcThreadAttribute(attributes, 0, PROC_THREAD_ATTRIBUTE_HANDLE_LIST, inherited.data(),
                                 sizeof(inherited), nullptr, nullptr)) {
    throw std::system_error(static_cast<int>(GetLastError()), std::system_category(),
                            "the handle list of a child process");
  }
  STARTUPINFOEXW startup{};
  startup.StartupInfo.cb = sizeof startup;
  startup.StartupInfo.dwFlags = STARTF_USESTDHANDLES;
  startup.StartupInfo.hStdInput = input.get();
  startup.StartupInfo.hStdOutput = out_pipe.write.get();
  startup.StartupInfo.hStdError = err_pipe.write.get();
  startup.lpAttributeList = attributes;
  PROCESS_INFORMATION started{};
  // A process group of its own, so that Ctrl-Break reaches this child alone.
  const DWORD flags =
      CREATE_UNICODE_ENVIRONMENT | CREATE_NEW_PROCESS_GROUP | EXTENDED_STARTUPINFO_PRESENT;
  const bool created = CreateProcessW(nullptr, command_line.data(), nullptr, nullptr, TRUE, flags,
                                      block.data(), nullptr, &startup.StartupInfo, &started);
  const DWORD error = GetLastError();
  DeleteProcThreadAttributeList(attributes);
  os_->out = std::move(out_pipe.read);
  os_->err = std::move(err_pipe.read);
  if (!created) {
    err_ = "cannot start " + argv.front() + ": " +
           std::system_category().message(static_cast<int>(error));
    return;
  }
  CloseHandle(started.hThread);
  os_->process.reset(started.hProcess);
  os_->process_id = started.dwProcessId;
}

ChildProcess::~ChildProcess() {
  if (os_->process && !os_->end) {
    TerminateProcess(os_->process.get(), kKilledExitCode);
    WaitForSingleObject(os_->process.get(), INFINITE);
  }
}

// Anonymous pipes have no overlapped reads to wait on with a timeout:
// PeekNamedPipe says what can be read without blocking, every few ms.
bool ChildProcess::pump(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (!os_->out && !os_->err)
      return false;
    bool read_some = false;
    for (auto* pipe : {&os_->out, &os_->err}) {
      if (!*pipe)
        continue;
      DWORD available = 0;
      if (!PeekNamedPipe(pipe->get(), nullptr, 0, nullptr, &available, nullptr)) {
        pipe->reset();  // ERROR_BROKEN_PIPE: the child closed its end
        continue;
      }
      if (available == 0)
        continue;
      std::string buffer(std::min<DWORD>(available, 65536), '\0');
      DWORD got = 0;
      if (!ReadFile(pipe->get(), buffer.data(), static_cast<DWORD>(buffer.size()), &got, nullptr)) {
        pipe->reset();
        continue;
      }
      (pipe == &os_->out ? out_ : err_).append(buffer.data(), got);
      read_some = true;
    }
    if (read_some || std::chrono::steady_clock::now() >= deadline)
      return true;
    Sleep(5);
  }
}

void ChildProcess::send_signal(int signal) {
  if (!os_->process || os_->end)
    return;
  if (signal != SIGINT && signal != SIGTERM)
    throw std::invalid_argument("no Windows counterpart for signal " + std::to_string(signal));
  // The event goes through the console this process shares with the child.
  if (!GenerateConsoleCtrlEvent(CTRL_BREAK_EVENT, os_->process_id))
    err_ += "cannot send Ctrl-Break: " +
            std::system_category().message(static_cast<int>(GetLastError())) + "\n";
}

void ChildProcess::kill() {
  if (os_->process && !os_->end)
    TerminateProcess(os_->process.get(), kKilledExitCode);
}

std::optional<ProcessEnd> ChildProcess::reap(bool closed) {
  if (!os_->process || os_->end)
    return os_->end;
  // After EOF the child is exiting, so the wait is short.
  if (WaitForSingleObject(os_->process.get(), closed ? 10'000 : 0) != WAIT_OBJECT_0)
    return std::nullopt;
  DWORD code = 0;
  GetExitCodeProcess(os_->process.get(), &code);
  ProcessEnd end;
  if (code == kKilledExitCode)
    end.killed = true;
  else
    end.exit_code = static_cast<int>(code);
  os_->end = end;
  return end;
}

}  // namespace lanspread::test
