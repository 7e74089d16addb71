# Installs a built marketsim tree into a scratch prefix, then configures, builds and runs the
# consumer project in tests/install against it with find_package(marketsim).
#
# cmake -DBUILD_DIR=<marketsim build dir> -DCONSUMER_DIR=<tests/install> -DWORK_DIR=<scratch>
#       -DGENERATOR=<generator> [-DMAKE_PROGRAM=..] [-DCXX_COMPILER=..] [-DCXX_FLAGS=..]
#       [-DCONFIG=<build type>] -P consumer_test.cmake
foreach(var BUILD_DIR CONSUMER_DIR WORK_DIR GENERATOR)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "consumer_test.cmake: -D${var}=... is required")
  endif()
endforeach()

set(prefix ${WORK_DIR}/prefix)
set(consumer_build ${WORK_DIR}/build)
file(REMOVE_RECURSE ${WORK_DIR})

set(config_args)
if(CONFIG)
  set(config_args --config ${CONFIG})
endif()
execute_process(COMMAND ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix} ${config_args}
                COMMAND_ERROR_IS_FATAL ANY)

# The installed package must stand alone: no build-tree paths or in-tree/private-only targets.
file(GLOB_RECURSE exported ${prefix}/*/marketsimTargets*.cmake)
if(NOT exported)
  message(FATAL_ERROR "no marketsimTargets*.cmake under ${prefix}")
endif()
foreach(file IN LISTS exported)
  file(READ ${file} text)
  foreach(forbidden Random123 Eigen3 marketsim_warnings ${BUILD_DIR})
    string(FIND "${text}" "${forbidden}" at)
    if(NOT at EQUAL -1)
      message(FATAL_ERROR "${file} references '${forbidden}'")
    endif()
  endforeach()
endforeach()

set(configure_args -S ${CONSUMER_DIR} -B ${consumer_build} -G ${GENERATOR}
    -DCMAKE_PREFIX_PATH=${prefix} -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF)
if(MAKE_PROGRAM)
  list(APPEND configure_args -DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM})
endif()
if(CXX_COMPILER)
  list(APPEND configure_args -DCMAKE_CXX_COMPILER=${CXX_COMPILER})
endif()
if(CONFIG)
  list(APPEND configure_args -DCMAKE_BUILD_TYPE=${CONFIG})
endif()
# Sanitizer flags must match the installed library's, or the link fails.
list(APPEND configure_args "-DCMAKE_CXX_FLAGS=${CXX_FLAGS}")
execute_process(COMMAND ${CMAKE_COMMAND} ${configure_args} COMMAND_ERROR_IS_FATAL ANY)
execute_process(COMMAND ${CMAKE_COMMAND} --build ${consumer_build} ${config_args}
                COMMAND_ERROR_IS_FATAL ANY)

find_program(consumer consumer PATHS ${consumer_build} ${consumer_build}/${CONFIG} NO_DEFAULT_PATH
             REQUIRED)
execute_process(COMMAND ${consumer} OUTPUT_VARIABLE output RESULT_VARIABLE code
                OUTPUT_STRIP_TRAILING_WHITESPACE)
message(STATUS "consumer: ${output}")
if(NOT code EQUAL 0 OR NOT output MATCHES "^median .* tolerance 1e-12; bands on 1 and 2 threads identical$")
  message(FATAL_ERROR "the consumer failed (exit code ${code}): ${output}")
endif()
