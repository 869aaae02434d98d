# What builds where. Linux builds everything; the Windows flavour
# (cmake/mingw-w64.cmake, docs/windows.md) builds the parts ported so far and
# leaves the rest out explicitly, through the two functions below, so the
# list of what is missing is printed at configure time and written to
# <build>/windows-left-out.tsv for scripts/test.sh to count. On Linux both
# functions do nothing.
#
#   lanspread_windows_leave_out(<target> <list-var> <NOT_PORTED|LINUX_ONLY> <reason> <file>...)
#     removes the files from <list-var>, the list <target> is built from
#   lanspread_windows_leave_out_target(<name> <NOT_PORTED|LINUX_ONLY> <reason> <file>...)
#     records a whole target the caller does not define on Windows
#
# NOT_PORTED: waits for a later phase of the port. LINUX_ONLY: Linux by
# nature (network namespaces, GSO/GRO, tmpfs mounts, POSIX modes...).

set_property(GLOBAL PROPERTY LANSPREAD_WINDOWS_LEFT_OUT "")

function(_lanspread_windows_record name kind reason)
  if(NOT kind MATCHES "^(NOT_PORTED|LINUX_ONLY)$")
    message(FATAL_ERROR "lanspread_windows_leave_out: kind must be NOT_PORTED or LINUX_ONLY, not ${kind}")
  endif()
  file(RELATIVE_PATH folder ${PROJECT_SOURCE_DIR} ${CMAKE_CURRENT_SOURCE_DIR})
  set(files "")
  foreach(item IN LISTS ARGN)
    list(APPEND files ${folder}/${item})
  endforeach()
  list(JOIN files " " files)
  set_property(GLOBAL APPEND PROPERTY LANSPREAD_WINDOWS_LEFT_OUT "${kind}\t${name}\t${reason}\t${files}")
endfunction()

function(lanspread_windows_leave_out target list_var kind reason)
  if(NOT WIN32)
    return()
  endif()
  set(items ${${list_var}})
  foreach(item IN LISTS ARGN)
    if(NOT item IN_LIST items)
      message(FATAL_ERROR "lanspread_windows_leave_out: ${item} is not in ${list_var}")
    endif()
  endforeach()
  list(REMOVE_ITEM items ${ARGN})
  set(${list_var} ${items} PARENT_SCOPE)
  _lanspread_windows_record(${target} ${kind} "${reason}" ${ARGN})
endfunction()

function(lanspread_windows_leave_out_target name kind reason)
  if(WIN32)
    _lanspread_windows_record(${name} ${kind} "${reason}" ${ARGN})
  endif()
endfunction()

# Prints the list and writes it for scripts/test.sh; called at the end of the
# top-level CMakeLists.txt.
function(lanspread_windows_report)
  if(NOT WIN32)
    return()
  endif()
  get_property(entries GLOBAL PROPERTY LANSPREAD_WINDOWS_LEFT_OUT)
  set(table "")
  message(STATUS "Left out of the Windows build (docs/windows.md):")
  foreach(entry IN LISTS entries)
    string(REPLACE "\t" ";" fields "${entry}")
    list(GET fields 0 kind)
    list(GET fields 1 name)
    list(GET fields 2 reason)
    list(GET fields 3 files)
    message(STATUS "  ${name} [${kind}] ${reason}: ${files}")
    string(APPEND table "${entry}\n")
  endforeach()
  file(WRITE ${PROJECT_BINARY_DIR}/windows-left-out.tsv "${table}")
endfunction()

if(WIN32)
  # Windows 10 APIs (GetAdaptersAddresses, WSASendMsg, MoveFileEx with
  # write-through); windows.h without min/max macros and rarely used parts.
  add_compile_definitions(_WIN32_WINNT=0x0A00 WINVER=0x0A00 NOMINMAX WIN32_LEAN_AND_MEAN)
endif()
