# Tests of the built programs and the installed package, beyond the Catch2 unit tests.

# The CLI answers --help and --version: exit code 0 and the expected text, both checked.
add_test(NAME cli.help
  COMMAND sh -c "out=$(\"$0\" --help) && printf '%s' \"$out\" | grep -q '^Usage: marketsim'" $<TARGET_FILE:marketsim_cli>)
add_test(NAME cli.version
  COMMAND sh -c "out=$(\"$0\" --version) && test \"$out\" = \"marketsim $1\"" $<TARGET_FILE:marketsim_cli> ${PROJECT_VERSION})
set_tests_properties(cli.help cli.version PROPERTIES LABELS cli)

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
set_tests_properties(install.find_package PROPERTIES TIMEOUT 600 LABELS install)

# Cross-check against an independent reference model (tests/reference/reference_model.py,
# written from docs/model.md alone, Python + numpy with its own random numbers): marketsim's bands
# for each scenario must agree with the reference's within 5 combined standard errors
# (compare_with_reference.py). Python 3.11+ (tomllib) and numpy are required; scripts/setup.sh
# installs them (Debian package python3-numpy).
find_package(Python3 3.11 COMPONENTS Interpreter)
if(NOT Python3_Interpreter_FOUND)
  message(FATAL_ERROR "The reference tests need Python 3.11 or later with numpy: run "
    "scripts/setup.sh (installs python3-numpy), or pass -DPython3_EXECUTABLE=/path/to/python3.")
endif()

# The first interpreter on PATH (a pyenv shim or a virtualenv, say) may lack the numpy that
# setup.sh installed for the system's python3: look further along PATH for one that has it.
function(marketsim_python_has_numpy result_var candidate)
  execute_process(COMMAND "${candidate}" -c "import tomllib, numpy"
    RESULT_VARIABLE rc OUTPUT_QUIET ERROR_QUIET)
  if(NOT rc EQUAL 0)
    set(${result_var} FALSE PARENT_SCOPE)
  endif()
endfunction()
set(_marketsim_has_numpy TRUE)
marketsim_python_has_numpy(_marketsim_has_numpy "${Python3_EXECUTABLE}")
if(_marketsim_has_numpy)
  set(MARKETSIM_REFERENCE_PYTHON "${Python3_EXECUTABLE}")
else()
  find_program(MARKETSIM_REFERENCE_PYTHON NAMES python3 python3.13 python3.12 python3.11
    VALIDATOR marketsim_python_has_numpy
    DOC "Python 3.11+ with numpy, for the reference tests")
  if(NOT MARKETSIM_REFERENCE_PYTHON)
    message(FATAL_ERROR "The reference tests need numpy, which ${Python3_EXECUTABLE} cannot "
      "import and no other python3 on PATH has: run scripts/setup.sh (installs python3-numpy), "
      "or pass -DPython3_EXECUTABLE=/path/to/python3 with numpy.")
  endif()
endif()
message(STATUS "Reference tests use ${MARKETSIM_REFERENCE_PYTHON}")

foreach(_scenario IN ITEMS
    ${PROJECT_SOURCE_DIR}/scenarios/baseline.toml
    ${PROJECT_SOURCE_DIR}/scenarios/recession_2027.toml
    ${PROJECT_SOURCE_DIR}/scenarios/video_price_war.toml
    ${PROJECT_SOURCE_DIR}/scenarios/regional_mix.toml
    ${PROJECT_SOURCE_DIR}/scenarios/apac_cloud_interconnect.toml
    ${PROJECT_SOURCE_DIR}/scenarios/voice_sunset.toml
    ${PROJECT_SOURCE_DIR}/scenarios/hyperscaler_private_backbones.toml
    ${PROJECT_SOURCE_DIR}/bench/model_v2.toml
    ${CMAKE_CURRENT_SOURCE_DIR}/reference/check_scenarios/singular_correlation.toml
    ${CMAKE_CURRENT_SOURCE_DIR}/reference/check_scenarios/events.toml
    ${CMAKE_CURRENT_SOURCE_DIR}/reference/check_scenarios/segment_mix.toml
    ${CMAKE_CURRENT_SOURCE_DIR}/reference/check_scenarios/uncertain_events.toml
    ${CMAKE_CURRENT_SOURCE_DIR}/reference/check_scenarios/annual_noise.toml)
  get_filename_component(_name "${_scenario}" NAME_WE)
  add_test(NAME reference.${_name}
    COMMAND "${MARKETSIM_REFERENCE_PYTHON}"
      ${CMAKE_CURRENT_SOURCE_DIR}/reference/compare_with_reference.py
      ${_scenario} $<TARGET_FILE:marketsim_cli>
      ${CMAKE_CURRENT_BINARY_DIR}/reference/${_name}
      --paths 200000)
  # 77: the scenario uses a feature the reference does not implement (growth.long_run).
  # PROCESSORS 2: marketsim uses every core, so do not run these side by side.
  set_tests_properties(reference.${_name} PROPERTIES
    LABELS reference TIMEOUT 300 SKIP_RETURN_CODE 77 PROCESSORS 2)
endforeach()

# The library's layers depend on each other one way only (docs/architecture.md).
add_test(NAME architecture.layers
  COMMAND "${MARKETSIM_REFERENCE_PYTHON}" ${CMAKE_CURRENT_SOURCE_DIR}/architecture/check_layers.py ${PROJECT_SOURCE_DIR})
set_tests_properties(architecture.layers PROPERTIES LABELS unit)

# marketsim serve over HTTP on loopback: its numbers against the command line's, its refusals, a
# bounded load, clients hanging up, a clean stop (tests/serve/http_test.py).
# Under a sanitizer the memory check is left out: AddressSanitizer's quarantine keeps freed memory
# resident (leaks are LeakSanitizer's to report when the server exits), ThreadSanitizer's shadow
# memory grows with every address touched. The ThreadSanitizer tier runs it too (label threads):
# the server's threads, the runs' and the superseding of a client's run.
set(serve_http_options)
if(CMAKE_CXX_FLAGS MATCHES "-fsanitize=[^ ]*(address|thread)")
  set(serve_http_options --sanitized)
endif()
add_test(NAME serve.http
  COMMAND "${MARKETSIM_REFERENCE_PYTHON}" ${CMAKE_CURRENT_SOURCE_DIR}/serve/http_test.py
          $<TARGET_FILE:marketsim_cli> ${PROJECT_SOURCE_DIR} ${serve_http_options})
set_tests_properties(serve.http PROPERTIES LABELS "cli;threads" TIMEOUT 600 PROCESSORS 2)

# The workbench page in Debian's chromium, driven by Playwright (tests/browser/workbench.test.mjs;
# scripts/setup.sh installs node, chromium and the pinned playwright-core). Skipped, and said so,
# when any of them is missing.
find_program(MARKETSIM_NODE node)
if(MARKETSIM_NODE)
  add_test(NAME browser.workbench
    COMMAND "${MARKETSIM_NODE}" workbench.test.mjs $<TARGET_FILE:marketsim_cli> ${PROJECT_SOURCE_DIR}
    WORKING_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}/browser)
else()
  add_test(NAME browser.workbench
    COMMAND ${CMAKE_COMMAND} -E echo "SKIPPED: no node on the PATH (scripts/setup.sh installs nodejs)")
endif()
set_tests_properties(browser.workbench PROPERTIES
  LABELS browser TIMEOUT 900 PROCESSORS 2 SKIP_RETURN_CODE 77 SKIP_REGULAR_EXPRESSION "SKIPPED: ")
