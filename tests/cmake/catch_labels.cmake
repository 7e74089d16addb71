# Registers a Catch2 program's test cases with CTest, each once, labelled by kind from its tags:
# the first of [slow], [browser], [statistical] and [cli] it has, else `unit`; [threads] adds the
# label `threads`. A test that prints "SKIPPED: <why>" is reported as skipped.
#
# Run after every build of the program (a POST_BUILD step, as Catch2's own discovery does):
#   cmake -DEXECUTABLE=<program> -DWORKING_DIRECTORY=<dir> -DOUTPUT=<file> -P catch_labels.cmake
# writes OUTPUT, which CTest includes (TEST_INCLUDE_FILES).
set(script "")
set(excluded "")
foreach(kind IN ITEMS slow browser statistical cli unit)
  if(kind STREQUAL "unit")
    set(spec "${excluded}")
  else()
    set(spec "[${kind}]${excluded}")
  endif()
  foreach(threads IN ITEMS 1 0)
    if(threads)
      set(tags "${spec}[threads]")
      set(labels "${kind};threads")
    else()
      set(tags "${spec}~[threads]")
      set(labels "${kind}")
    endif()
    execute_process(COMMAND "${EXECUTABLE}" "${tags}" --list-test-names-only
                    OUTPUT_VARIABLE names RESULT_VARIABLE code WORKING_DIRECTORY "${WORKING_DIRECTORY}")
    # the program exits with the number of tests listed
    if(code LESS 0 OR code MATCHES "[^0-9]")
      message(FATAL_ERROR "${EXECUTABLE} failed to list its tests: ${code}")
    endif()
    string(REPLACE "\n" ";" names "${names}")
    foreach(name IN LISTS names)
      if(name STREQUAL "")
        continue()
      endif()
      # Catch2 reads a test name on its command line as a spec: escape ',', '[' and ']'
      set(pattern "${name}")
      foreach(char , [ ])
        string(REPLACE "${char}" "\\${char}" pattern "${pattern}")
      endforeach()
      string(APPEND script "add_test([==[${name}]==] [==[${EXECUTABLE}]==] [==[${pattern}]==])\n"
        "set_tests_properties([==[${name}]==] PROPERTIES WORKING_DIRECTORY [==[${WORKING_DIRECTORY}]==] "
        "LABELS [==[${labels}]==] SKIP_REGULAR_EXPRESSION [==[SKIPPED: ]==])\n")
    endforeach()
  endforeach()
  string(APPEND excluded "~[${kind}]")
endforeach()
file(WRITE "${OUTPUT}" "${script}")
