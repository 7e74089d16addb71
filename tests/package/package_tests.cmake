# The Debian package installed into a fresh bookworm root (tests/package/package_test.sh): needs
# root, debootstrap and Debian's mirror; says "SKIPPED: <why>" without root or debootstrap.
add_test(NAME package.deb
  COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/package_test.sh ${PROJECT_BINARY_DIR} ${CMAKE_CURRENT_BINARY_DIR}/package_test)
set_tests_properties(package.deb PROPERTIES LABELS package TIMEOUT 900 PROCESSORS 2
  SKIP_REGULAR_EXPRESSION "SKIPPED: ")
