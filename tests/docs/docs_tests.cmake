# The console examples in the Markdown documentation stay true: for README.md and every
# docs/*.md, check_examples.py runs each marketsim command of its ```console blocks in a scratch
# folder and compares the output with the text shown (timings, rates and thread counts masked).
# A page without examples passes. After an intentional change, refresh the mismatched examples:
#   python3 tests/docs/check_examples.py --binary build/release/marketsim --source . \
#     --update README.md
if(NOT MARKETSIM_REFERENCE_PYTHON)
  find_package(Python3 3.11 REQUIRED COMPONENTS Interpreter)
  set(MARKETSIM_REFERENCE_PYTHON "${Python3_EXECUTABLE}")
endif()
file(GLOB _marketsim_doc_pages CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/docs/*.md)
foreach(_page IN ITEMS ${PROJECT_SOURCE_DIR}/README.md ${_marketsim_doc_pages})
  get_filename_component(_stem "${_page}" NAME_WLE)
  add_test(NAME docs.${_stem}
    COMMAND "${MARKETSIM_REFERENCE_PYTHON}" ${CMAKE_CURRENT_LIST_DIR}/check_examples.py
      --binary $<TARGET_FILE:marketsim_cli> --source ${PROJECT_SOURCE_DIR} ${_page})
  # PROCESSORS 2: marketsim uses every core, so do not run these side by side.
  set_tests_properties(docs.${_stem} PROPERTIES LABELS docs TIMEOUT 600 PROCESSORS 2)
endforeach()
