# The Python module's tests (pytest, Debian's python3-pytest), one CTest test per file, against the
# module in <build dir>/python and the command built beside it. Label `python`.
execute_process(COMMAND "${Python3_EXECUTABLE}" -c "import pytest, numpy, pandas, matplotlib"
                RESULT_VARIABLE _marketsim_python_missing OUTPUT_QUIET ERROR_QUIET)
file(GLOB _marketsim_python_tests CONFIGURE_DEPENDS ${CMAKE_CURRENT_LIST_DIR}/test_*.py)
foreach(_file IN LISTS _marketsim_python_tests)
  get_filename_component(_stem "${_file}" NAME_WE)
  string(REGEX REPLACE "^test_" "" _stem "${_stem}")
  if(_marketsim_python_missing)
    add_test(NAME python.${_stem} COMMAND ${CMAKE_COMMAND} -E echo
      "SKIPPED: ${Python3_EXECUTABLE} lacks pytest, numpy, pandas or matplotlib (scripts/setup.sh installs them)")
  else()
    add_test(NAME python.${_stem}
      COMMAND "${Python3_EXECUTABLE}" -m pytest -q -p no:cacheprovider ${_file}
      WORKING_DIRECTORY ${CMAKE_CURRENT_LIST_DIR})
  endif()
  # PROCESSORS 2: runs use every core.
  set_tests_properties(python.${_stem} PROPERTIES LABELS python TIMEOUT 600 PROCESSORS 2
    SKIP_REGULAR_EXPRESSION "SKIPPED: "
    ENVIRONMENT "PYTHONPATH=${PROJECT_BINARY_DIR}/python;PYTHONDONTWRITEBYTECODE=1;MPLBACKEND=Agg;MARKETSIM_CLI=$<TARGET_FILE:marketsim_cli>;MARKETSIM_SOURCE_DIR=${PROJECT_SOURCE_DIR};MARKETSIM_BUILD_DIR=${PROJECT_BINARY_DIR}")
endforeach()
