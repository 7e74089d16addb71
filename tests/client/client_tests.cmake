# The workbooks in a real spreadsheet program: LibreOffice Calc, headless, prints every kind of
# workbook marketsim writes to PDF, and the rendered pages must show each fan whole, as shaded
# bands with the median (tests/client/render_workbooks.py). Label `client`. scripts/setup.sh
# installs libreoffice-calc-nogui, poppler-utils and python3-pil; skipped, and said so, when any
# of them is missing.
find_program(MARKETSIM_SOFFICE soffice)
find_program(MARKETSIM_PDFTOPPM pdftoppm)
execute_process(COMMAND "${MARKETSIM_REFERENCE_PYTHON}" -c "import numpy, PIL"
                RESULT_VARIABLE _marketsim_pil_missing OUTPUT_QUIET ERROR_QUIET)
if(MARKETSIM_SOFFICE AND MARKETSIM_PDFTOPPM AND NOT _marketsim_pil_missing)
  add_test(NAME client.workbooks
    COMMAND "${MARKETSIM_REFERENCE_PYTHON}" ${CMAKE_CURRENT_LIST_DIR}/render_workbooks.py)
else()
  add_test(NAME client.workbooks
    COMMAND ${CMAKE_COMMAND} -E echo
      "SKIPPED: needs soffice, pdftoppm and Python's numpy and PIL (scripts/setup.sh installs them)")
endif()
set_tests_properties(client.workbooks PROPERTIES
  LABELS client TIMEOUT 600 SKIP_REGULAR_EXPRESSION "SKIPPED: "
  ENVIRONMENT "MARKETSIM_CLI=$<TARGET_FILE:marketsim_cli>;MARKETSIM_SOURCE_DIR=${PROJECT_SOURCE_DIR}")
