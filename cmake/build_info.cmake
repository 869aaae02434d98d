# Run at every build (cmake -P): writes OUTPUT from TEMPLATE with the
# project's VERSION and the git commit of SOURCE_DIR. Outside a git checkout
# of its own (a source tarball, even one unpacked inside another repository)
# the commit is COMMIT when given, else "unknown"; "-dirty" marks tracked files
# that differ from it. configure_file leaves OUTPUT untouched when nothing
# changed, so an unchanged commit rebuilds nothing.
if(NOT COMMIT)
  set(COMMIT unknown)
  execute_process(COMMAND git -C "${SOURCE_DIR}" rev-parse --show-toplevel --short=12 HEAD
                  OUTPUT_VARIABLE answer OUTPUT_STRIP_TRAILING_WHITESPACE
                  RESULT_VARIABLE status ERROR_QUIET)
  if(status EQUAL 0)
    string(REPLACE "\n" ";" answer "${answer}")
    list(GET answer 0 top_level)
    list(GET answer 1 head)
    file(REAL_PATH "${SOURCE_DIR}" source_dir)
    file(REAL_PATH "${top_level}" top_level)
    if(top_level STREQUAL source_dir)
      set(COMMIT "${head}")
      execute_process(COMMAND git -C "${SOURCE_DIR}" status --porcelain --untracked-files=no
                      OUTPUT_VARIABLE changes ERROR_QUIET)
      if(changes)
        string(APPEND COMMIT "-dirty")
      endif()
    endif()
  endif()
endif()
configure_file("${TEMPLATE}" "${OUTPUT}" @ONLY)
