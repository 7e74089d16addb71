# Tests of the built programs and the installed package, beyond the Catch2 unit tests.

# The CLI answers --help and --version (checked by output; the exit code is then not checked).
add_test(NAME cli.help COMMAND marketsim_cli --help)
set_tests_properties(cli.help PROPERTIES PASS_REGULAR_EXPRESSION "Usage")
add_test(NAME cli.version COMMAND marketsim_cli --version)
set_tests_properties(cli.version PROPERTIES
  PASS_REGULAR_EXPRESSION "${PROJECT_VERSION}")

# `cmake --install` into a scratch prefix, then a separate project finds it with
# find_package(marketsim), links marketsim::marketsim, builds and runs.
add_test(NAME install.find_package
  COMMAND ${CMAKE_COMMAND}
    -DBUILD_DIR=${PROJECT_BINARY_DIR}
    -DCONSUMER_DIR=${CMAKE_CURRENT_SOURCE_DIR}/install
    -DWORK_DIR=${CMAKE_CURRENT_BINARY_DIR}/install_test
    -DGENERATOR=${CMAKE_GENERATOR}
    -DMAKE_PROGRAM=${CMAKE_MAKE_PROGRAM}
    -DCXX_COMPILER=${CMAKE_CXX_COMPILER}
    "-DCXX_FLAGS=${CMAKE_CXX_FLAGS}"
    -DCONFIG=$<CONFIG>
    -P ${CMAKE_CURRENT_SOURCE_DIR}/install/consumer_test.cmake)
set_tests_properties(install.find_package PROPERTIES TIMEOUT 600)
