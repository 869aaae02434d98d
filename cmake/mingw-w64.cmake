# Cross-compiles for 64-bit Windows with Debian's mingw-w64 GCC (the posix
# thread model: the win32 one has no std::thread) against the static
# libraries scripts/build-windows-deps.sh builds; test programs run under
# wine. Used by `scripts/build.sh windows` (docs/windows.md):
#   cmake -DCMAKE_TOOLCHAIN_FILE=cmake/mingw-w64.cmake -DLANSPREAD_WINDOWS_PREFIX=<prefix> ...
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)

set(LANSPREAD_MINGW_TRIPLE x86_64-w64-mingw32)
set(CMAKE_C_COMPILER ${LANSPREAD_MINGW_TRIPLE}-gcc-posix)
set(CMAKE_CXX_COMPILER ${LANSPREAD_MINGW_TRIPLE}-g++-posix)
set(CMAKE_RC_COMPILER ${LANSPREAD_MINGW_TRIPLE}-windres)

# The prefix also reaches try_compile projects, which re-read this file.
if(NOT LANSPREAD_WINDOWS_PREFIX AND DEFINED ENV{LANSPREAD_WINDOWS_PREFIX})
  set(LANSPREAD_WINDOWS_PREFIX $ENV{LANSPREAD_WINDOWS_PREFIX})
endif()
if(NOT LANSPREAD_WINDOWS_PREFIX)
  message(FATAL_ERROR "LANSPREAD_WINDOWS_PREFIX is not set: the prefix scripts/build-windows-deps.sh printed")
endif()
set(ENV{LANSPREAD_WINDOWS_PREFIX} ${LANSPREAD_WINDOWS_PREFIX})
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES LANSPREAD_WINDOWS_PREFIX)

# Libraries and headers come only from the prefix and mingw's own sysroot
# (never the host's /usr/include, whose glibc headers break the build).
set(CMAKE_FIND_ROOT_PATH ${LANSPREAD_WINDOWS_PREFIX} /usr/${LANSPREAD_MINGW_TRIPLE})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# pkg-config reads the prefix's .pc files only, with the static link lines
# (a static library's own dependencies are in Libs.private).
set(ENV{PKG_CONFIG_LIBDIR} ${LANSPREAD_WINDOWS_PREFIX}/lib/pkgconfig:${LANSPREAD_WINDOWS_PREFIX}/share/pkgconfig)
set(ENV{PKG_CONFIG_PATH} "")
set(ENV{PKG_CONFIG_SYSROOT_DIR} "")
set(PKG_CONFIG_ARGN --static)

# One self-contained .exe: libstdc++, libgcc and winpthread linked in, so no
# DLL has to travel beside it.
set(CMAKE_EXE_LINKER_FLAGS_INIT -static)

# ctest and gtest_discover_tests run the test programs under wine.
# Quiet, and without the .NET and HTML engines wine would offer to install.
set(CMAKE_CROSSCOMPILING_EMULATOR /usr/bin/env WINEDEBUG=-all WINEDLLOVERRIDES=mscoree,mshtml= wine)
