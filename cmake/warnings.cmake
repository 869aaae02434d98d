# Every project target gets these through lanspread_warnings; third-party
# headers are included as SYSTEM so their warnings never fail our build.
add_library(lanspread_warnings INTERFACE)
target_compile_options(lanspread_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Woverloaded-virtual
  -Wcast-align -Wimplicit-fallthrough -Werror
  # Designated initializers leave the remaining members to their defaults on
  # purpose.
  -Wno-missing-field-initializers
  # g++ 12 misreads Asio's coroutine frame allocator as a new/delete mismatch
  # (a known false positive, fixed in g++ 13).
  $<$<CXX_COMPILER_ID:GNU>:-Wno-mismatched-new-delete>)
