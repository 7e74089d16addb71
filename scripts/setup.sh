#!/bin/sh
# Installs the Debian packages marketsim needs to build, test and benchmark, then the browser
# tests' one npm package (playwright-core, at the version tests/browser/package-lock.json pins).
# Idempotent: does nothing (and prints nothing) when everything is already installed. Run as root,
# or as a user with sudo. Targets Debian 12 (bookworm).
set -eu

# zlib1g-dev: libxlsxwriter's pkg-config file links -lz, and libxlsxwriter-dev does not pull it in.
# libopenmpi-dev, openmpi-bin: runs split over processes with mpirun (and the tests of that).
# clang, libclang-rt-14-dev: the fuzz targets (libFuzzer with the address and undefined sanitizers).
# chromium: the tests render report.html headless and check the screenshot and console; marketsim
# itself never needs it.
# libcpp-httplib-dev: the HTTP server of `marketsim serve`.
# pybind11-dev, python3-pybind11, python3-dev: the Python module (`import marketsim`); numpy, pandas
# and matplotlib are its frames and plots, pytest runs its tests (all for Debian's /usr/bin/python3).
# dpkg-dev: CPack's Debian package reads the libraries' dependencies with dpkg-shlibdeps;
# debootstrap: the package test installs that package into a fresh Debian root.
# libreoffice-calc-nogui (Debian's LibreOffice Calc without the desktop toolkits),
# fonts-crosextra-carlito (metric twin of Calibri, the workbooks' font), poppler-utils and
# python3-pil: the client test prints every kind of workbook from Calc to PDF and reads the pages.
# nodejs, npm: the browser tests of the workbench page (Playwright); skipped when a Node.js with npm
# is already on the PATH, since another distribution's nodejs conflicts with Debian's npm.

PACKAGES="g++ cmake ninja-build pkg-config libeigen3-dev libtbb-dev libcli11-dev catch2
libtomlplusplus-dev libhwy-dev libxlsxwriter-dev zlib1g-dev nlohmann-json3-dev librandom123-dev libboost-math-dev libbenchmark-dev python3-numpy
libcpp-httplib-dev
pybind11-dev python3-pybind11 python3-dev python3-pandas python3-matplotlib python3-pytest dpkg-dev debootstrap
libopenmpi-dev openmpi-bin clang libclang-rt-14-dev chromium
fonts-crosextra-carlito poppler-utils python3-pil"
# Debian's two builds of Calc conflict: keep a desktop libreoffice-calc that is already there.
if [ "$(dpkg-query -W -f='${db:Status-Status}' libreoffice-calc 2>/dev/null || true)" != "installed" ]; then
    PACKAGES="$PACKAGES libreoffice-calc-nogui"
fi
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    PACKAGES="$PACKAGES nodejs npm"
fi

missing=""
for pkg in $PACKAGES; do
    status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
    if [ "$status" != "installed" ]; then
        missing="$missing $pkg"
    fi
done

if [ -n "$missing" ]; then
    if [ "$(id -u)" -eq 0 ]; then
        as_root=""
    elif command -v sudo >/dev/null 2>&1; then
        as_root="sudo"
    else
        echo "setup.sh: need root or sudo to install:$missing" >&2
        exit 1
    fi
    echo "setup.sh: installing:$missing"
    $as_root apt-get update
    # shellcheck disable=SC2086  # word splitting of the package list is intended
    $as_root env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y --no-install-recommends $missing
fi

# playwright-core for the browser tests, as the lock file pins it (it drives Debian's chromium;
# it downloads no browser of its own).
browser_tests="$(dirname "$0")/../tests/browser"
pinned=$(sed -n 's/.*"playwright-core": "\([0-9.]*\)".*/\1/p' "$browser_tests/package.json")
installed=$(sed -n 's/^  "version": "\([0-9.]*\)".*/\1/p' \
    "$browser_tests/node_modules/playwright-core/package.json" 2>/dev/null || true)
if [ "$installed" != "$pinned" ]; then
    echo "setup.sh: installing playwright-core $pinned for the browser tests"
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --prefix "$browser_tests" --no-audit --no-fund --ignore-scripts
fi
