# All dependencies come from Debian's -dev packages (scripts/install-deps.sh);
# for Windows, from the prefix scripts/build-windows-deps.sh builds out of
# Debian's source packages (cmake/mingw-w64.cmake points the searches there).
find_package(Threads REQUIRED)
find_package(nlohmann_json 3.11 REQUIRED)
find_package(spdlog REQUIRED)
find_package(fmt REQUIRED)
find_package(CLI11 REQUIRED)
find_package(PkgConfig REQUIRED)
# ngtcp2 1.x from bookworm-backports; both modules must be the same release.
pkg_check_modules(NGTCP2 REQUIRED libngtcp2>=1.11 libngtcp2_crypto_gnutls>=1.11)
pkg_check_modules(GNUTLS REQUIRED IMPORTED_TARGET GLOBAL gnutls)
# Linked statically, in every build: Debian 12 has ngtcp2 1.x only in
# backports, and the program (and so the .deb) must run without them
# (docs/decisions.md, "Packages").
find_library(NGTCP2_STATIC_LIBRARY libngtcp2.a HINTS ${NGTCP2_LIBRARY_DIRS} REQUIRED)
find_library(NGTCP2_CRYPTO_STATIC_LIBRARY libngtcp2_crypto_gnutls.a HINTS ${NGTCP2_LIBRARY_DIRS}
             REQUIRED)
add_library(ngtcp2 INTERFACE)
target_include_directories(ngtcp2 SYSTEM INTERFACE ${NGTCP2_INCLUDE_DIRS})
# The Windows prefix's .pc files say NGTCP2_STATICLIB (no dllimport).
target_compile_options(ngtcp2 INTERFACE ${NGTCP2_CFLAGS_OTHER})
target_link_libraries(ngtcp2 INTERFACE ${NGTCP2_CRYPTO_STATIC_LIBRARY} ${NGTCP2_STATIC_LIBRARY}
                                       PkgConfig::GNUTLS)

# Standalone Asio is header-only and ships no CMake config on Debian.
find_path(ASIO_INCLUDE_DIR asio.hpp REQUIRED)
add_library(asio INTERFACE)
target_include_directories(asio SYSTEM INTERFACE ${ASIO_INCLUDE_DIR})
# Asio 1.22 picks aligned_alloc or operator new per translation unit,
# depending on whether a libstdc++ header came first; translation units that
# disagree free each other's memory the wrong way (ASan: alloc-dealloc
# mismatch). One choice for all of them.
target_compile_definitions(asio INTERFACE ASIO_STANDALONE ASIO_NO_DEPRECATED
                                          ASIO_DISABLE_STD_ALIGNED_ALLOC)
target_link_libraries(asio INTERFACE Threads::Threads)
if(WIN32)
  target_link_libraries(asio INTERFACE ws2_32 mswsock)
endif()

if(LANSPREAD_TESTS)
  find_package(GTest REQUIRED)
endif()
if(LANSPREAD_BENCH)
  find_package(benchmark REQUIRED)
endif()
